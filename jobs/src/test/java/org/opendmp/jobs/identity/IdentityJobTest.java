package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.JobSpec;
import org.opendmp.jobs.generate.GeneratorSpec;
import org.opendmp.jobs.generate.WorldGenerator;
import org.opendmp.jobs.run.JobRunner;

/** The identity job on a generated world, measured against the generator's truth. */
class IdentityJobTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02");
  static final LocalDate D2 = D1.plusDays(1);
  static Lake lake;
  static Path world;
  static Dataset<Row> graphAfterNight1;
  static List<String> merges;

  @BeforeAll
  static void twoNights() throws Exception {
    lake = SharedSpark.freshLake();
    world = Path.of(lake.env().landingRoot()).getParent().resolve("world");
    WorldGenerator.generate(new GeneratorSpec(world, 500, 2, D1, 5));
    java.nio.file.Files.move(world.resolve("landing"), Path.of(lake.env().landingRoot()));
    night(D1);
    graphAfterNight1 = lake.read(Tables.ID_GRAPH).select(col("id_type"), col("id_value"), col("person_id").as("person_night1")).localCheckpoint();
    night(D2);
    merges = lake.read(Tables.PERSON_MERGES).toJSON().collectAsList();
  }

  static void night(LocalDate date) {
    for (JobSpec j : JobRegistry.until("identity")) {
      JobRunner.Outcome o = JobRunner.run(j, lake, date);
      assertThat(o.ok()).as(j.name() + ": " + o.message()).isTrue();
    }
  }

  static Dataset<Row> truth() {
    return lake.spark().read().option("header", "true").csv(world.resolve("truth/identifiers.csv").toString());
  }

  /** Pairs inside groups: sum of n(n-1)/2 over the groups of a frame's columns. */
  static long pairs(Dataset<Row> rows, String... groupBy) {
    Row r = rows.groupBy(groupBy[0], java.util.Arrays.copyOfRange(groupBy, 1, groupBy.length)).agg(count(lit(1)).as("n"))
        .agg(sum(col("n").multiply(col("n").minus(1)).divide(2))).first();
    return r.isNullAt(0) ? 0 : (long) r.getDouble(0);
  }

  @Test
  void everyIdentifierHasExactlyOnePerson() {
    Dataset<Row> graph = lake.read(Tables.ID_GRAPH);
    assertThat(graph.count()).isEqualTo(graph.select("id_type", "id_value").distinct().count());
    assertThat(graph.where(col("person_id").isNull()).count()).isZero();
    long truthIds = truth().count();
    long found = truth().join(graph, seq()).count();
    assertThat((double) found / truthIds).as("truth identifiers found in the graph").isGreaterThanOrEqualTo(0.99);
  }

  static scala.collection.immutable.Seq<String> seq() {
    return Identity.seq("id_type", "id_value");
  }

  @Test
  void linksArePreciseAndFindTheDeterministicEvidence() {
    Dataset<Row> joined = truth().join(lake.read(Tables.ID_GRAPH), seq()).cache();
    Dataset<Row> notShared = joined.where(col("shared").equalTo("0"));
    long predicted = pairs(notShared, "person_id");
    long truePositive = pairs(notShared, "person_id", "true_person_id");
    double precision = predicted == 0 ? 1.0 : (double) truePositive / predicted;
    long evidencePairs = pairs(notShared, "evidence_group");
    long found = pairs(notShared, "evidence_group", "person_id");
    double recall = (double) found / evidencePairs;
    System.out.printf("identity precision %.4f recall %.4f (pairs %d / %d)%n", precision, recall, predicted, evidencePairs);
    assertThat(precision).isGreaterThanOrEqualTo(0.99);
    assertThat(recall).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void personIdsAreStableFromOneNightToTheNext() {
    Dataset<Row> night2 = lake.read(Tables.ID_GRAPH).select("id_type", "id_value", "person_id");
    Row r = graphAfterNight1.join(night2, seq())
        .agg(count(lit(1)), sum(org.apache.spark.sql.functions.when(col("person_night1").equalTo(col("person_id")), 1).otherwise(0)))
        .first();
    assertThat((double) r.getLong(1) / r.getLong(0)).isGreaterThanOrEqualTo(0.98);
    // every identifier that changed person was absorbed by a recorded merge
    long unexplained = graphAfterNight1.join(night2, seq()).where(col("person_night1").notEqual(col("person_id")))
        .join(lake.read(Tables.PERSON_MERGES), col("person_night1").equalTo(col("old_person_id")), "left_anti").count();
    assertThat(unexplained).isZero();
  }

  @Test
  void reconciliationRateIsInTheTruthBandAndAudited() {
    Row rate = lake.readDate(Tables.AUDIT, D2).where("metric = 'reconciliation' AND dimension = 'crm_customers_with_cookie'").first();
    assertThat(rate.getDouble(rate.fieldIndex("value"))).isBetween(0.20, 0.35);
    assertThat(lake.readDate(Tables.AUDIT, D2).select("metric").distinct().count()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void rerunningANightChangesNothing() {
    List<String> graph = lake.read(Tables.ID_GRAPH).toJSON().collectAsList().stream().sorted().toList();
    JobRunner.Outcome o = JobRunner.run(JobRegistry.byName("identity"), lake, D2);
    assertThat(o.ok()).as(o.message()).isTrue();
    assertThat(lake.read(Tables.ID_GRAPH).toJSON().collectAsList().stream().sorted().toList()).isEqualTo(graph);
    assertThat(lake.read(Tables.PERSON_MERGES).toJSON().collectAsList()).containsExactlyInAnyOrderElementsOf(merges);
  }
}
