package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
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
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.run.JobRunner;
import org.opendmp.jobs.testing.WorldNights;

/**
 * The identity job on a generated world (issue #4's measure: 5,000 people x 3 nights, the shipped conf, shared with
 * the other truth measures through {@link WorldNights}), measured against the generator's truth.
 */
class IdentityJobTest {
  static final int NIGHTS = WorldNights.NIGHTS;
  static final int PEOPLE = WorldNights.PEOPLE;
  static Lake lake;
  static Path world;
  /** id_type, id_value, person_id after each night. */
  static List<Dataset<Row>> graphAfter;
  static List<String> events;

  @BeforeAll
  static void threeNights() throws Exception {
    WorldNights w = WorldNights.get();
    lake = w.lake;
    world = w.world;
    graphAfter = w.graphAfter;
    events = sortedJson(lake.read(Tables.PERSON_MERGES));
  }

  static LocalDate last() {
    return WorldNights.last();
  }

  static List<String> sortedJson(Dataset<Row> d) {
    return d.toJSON().collectAsList().stream().sorted().toList();
  }

  static Dataset<Row> truth() {
    return lake.spark().read().option("header", "true").csv(world.resolve("truth/identifiers.csv").toString());
  }

  static Dataset<Row> csv(String file) {
    return lake.spark().read().option("header", "true").csv(world.resolve(file).toString());
  }

  /** Pairs inside groups: sum of n(n-1)/2 over the groups of a frame's columns. */
  static long pairs(Dataset<Row> rows, String... groupBy) {
    Row r = rows.groupBy(groupBy[0], java.util.Arrays.copyOfRange(groupBy, 1, groupBy.length)).agg(count(lit(1)).as("n"))
        .agg(sum(col("n").multiply(col("n").minus(1)).divide(2))).first();
    return r.isNullAt(0) ? 0 : (long) r.getDouble(0);
  }

  static scala.collection.immutable.Seq<String> seq() {
    return Identity.seq("id_type", "id_value");
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

  @Test
  void linksArePreciseAndFindTheDeterministicEvidence() {
    Dataset<Row> notShared = truth().join(lake.read(Tables.ID_GRAPH), seq()).where(col("shared").equalTo("0")).cache();
    long predicted = pairs(notShared, "person_id");
    long truePositive = pairs(notShared, "person_id", "true_person_id");
    double precision = predicted == 0 ? 1.0 : (double) truePositive / predicted;
    long evidencePairs = pairs(notShared, "evidence_group");
    long found = pairs(notShared, "evidence_group", "person_id");
    double recall = (double) found / evidencePairs;
    System.out.printf("identity %d people x %d nights: precision %.4f (%d / %d pairs) recall %.4f (%d / %d pairs)%n",
        PEOPLE, NIGHTS, precision, truePositive, predicted, recall, found, evidencePairs);
    notShared.unpersist();
    assertThat(precision).isGreaterThanOrEqualTo(0.99);
    assertThat(recall).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void personIdsAreStableFromOneNightToTheNext() {
    Dataset<Row> merged = lake.read(Tables.PERSON_MERGES).where(col("event").equalTo("merge"));
    for (int i = 1; i < NIGHTS; i++) {
      Dataset<Row> before = graphAfter.get(i - 1).withColumnRenamed("person_id", "person_before");
      Dataset<Row> joined = before.join(graphAfter.get(i), seq());
      Row r = joined.agg(count(lit(1)), sum(when(col("person_before").equalTo(col("person_id")), 1).otherwise(0))).first();
      double kept = (double) r.getLong(1) / r.getLong(0);
      System.out.printf("identity: %.4f of identifiers keep their person from night %d to %d%n", kept, i, i + 1);
      assertThat(kept).isGreaterThanOrEqualTo(0.98);
      // every identifier that changed person was absorbed by a recorded merge
      long unexplained = joined.where(col("person_before").notEqual(col("person_id")))
          .join(merged, col("person_before").equalTo(col("old_person_id")).and(col("person_id").equalTo(col("new_person_id"))), "left_anti")
          .count();
      assertThat(unexplained).isZero();
    }
  }

  @Test
  void noPersonHoldsTwoValuesOfAUniqueTypeOrExceedsTheSizeCap() {
    Dataset<Row> graph = lake.read(Tables.ID_GRAPH);
    assertThat(graph.where(col("id_type").isin("crm_id", "login")).groupBy("person_id", "id_type").count().where(col("count").gt(1)).count())
        .isZero();
    assertThat(graph.groupBy("person_id").count().where(col("count").gt(200)).count()).isZero();
    // the planted CRM duplicates (one person, two crm_ids sharing contact data) are split, each cut recorded
    Dataset<Row> splits = lake.read(Tables.PERSON_MERGES).where(col("event").equalTo("split"));
    assertThat(splits.count()).isPositive();
    assertThat(splits.where(col("reason").isNull().or(col("id_value_a").isNull()).or(col("old_person_id").isNull())).count()).isZero();
  }

  @Test
  void cardLessStorePurchasesJoinTheirCustomer() {
    Dataset<Row> graph = lake.read(Tables.ID_GRAPH);
    Dataset<Row> records = csv("truth/store_records.csv").where(col("loyalty_card").equalTo("0"))
        .select(col("record_id").as("id_value"), col("true_person_id")).join(graph.where(col("id_type").equalTo("pii_record")), "id_value");
    Dataset<Row> customers = truth().where(col("id_type").equalTo("crm_id")).join(graph, seq())
        .select(col("true_person_id"), col("person_id").as("customer_person"));
    Row r = records.join(customers, "true_person_id")
        .agg(count(lit(1)), sum(when(col("person_id").equalTo(col("customer_person")), 1).otherwise(0))).first();
    System.out.printf("identity: %d of %d card-less store records of customers joined their customer%n", r.getLong(1), r.getLong(0));
    assertThat(r.getLong(0)).isPositive();
    assertThat((double) r.getLong(1) / r.getLong(0)).isGreaterThanOrEqualTo(0.8);
    // few joined someone else's customer (a relative of the same surname and postcode, typically)
    long wrong = records.join(graph.where(col("id_type").equalTo("crm_id")).select(col("person_id"), col("id_value").as("crm")), "person_id")
        .join(truth().where(col("id_type").equalTo("crm_id")).select(col("id_value").as("crm"), col("true_person_id").as("crm_owner")), "crm")
        .where(col("crm_owner").notEqual(col("true_person_id"))).select("id_value").distinct().count();
    System.out.printf("identity: store records joined to a customer: precision %.4f (%d wrong)%n", (double) r.getLong(1) / (r.getLong(1) + wrong), wrong);
    assertThat((double) r.getLong(1) / (r.getLong(1) + wrong)).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void sharedDevicesTieHouseholdsOfOneTrueHousehold() {
    Dataset<Row> households = lake.read(Tables.HOUSEHOLDS);
    assertThat(households.count()).isPositive();
    // the true household of each person: that of the truth person owning most of its non-shared identifiers
    Dataset<Row> trueHousehold = truth().where(col("shared").equalTo("0")).join(lake.read(Tables.ID_GRAPH), seq())
        .join(csv("truth/persons.csv").select("true_person_id", "household_id").withColumnRenamed("household_id", "true_household"), "true_person_id")
        .groupBy("person_id").agg(org.apache.spark.sql.functions.max("true_household").as("true_household"));
    Dataset<Row> judged = households.join(trueHousehold, "person_id");
    long predicted = pairs(judged, "household_id");
    long right = pairs(judged, "household_id", "true_household");
    System.out.printf("identity: households %d persons, pair precision %.4f (%d / %d)%n", households.count(),
        predicted == 0 ? 1.0 : (double) right / predicted, right, predicted);
    assertThat(predicted).isPositive();
    assertThat((double) right / predicted).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void reconciliationRateIsInTheTruthBandAndTheAuditIsComplete() {
    Dataset<Row> audit = lake.readDate(Tables.AUDIT, last());
    Row rate = audit.where("metric = 'reconciliation' AND dimension = 'crm_customers_with_cookie'").first();
    System.out.printf("identity: CRM customers with a cookie %.4f%n", rate.getDouble(rate.fieldIndex("value")));
    assertThat(rate.getDouble(rate.fieldIndex("value"))).isBetween(0.20, 0.35);
    List<String> metrics = audit.select("metric").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(metrics).contains("identifiers", "identifiers_per_person", "persons_by_size", "largest_person", "largest_person_hub",
        "links_tonight", "links_by_kind", "merges_tonight", "splits_tonight", "reconciliation", "reconciliation_by_rule");
    assertThat(audit.where("metric = 'links_by_kind'").select("dimension").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .contains("deterministic", "probabilistic", "device");
    assertThat(lake.read(Tables.ID_LINKS).where(col("kind").equalTo("probabilistic")).where(col("match_weights").isNull()).count()).isZero();
  }

  @Test
  void rerunningANightChangesNothing() {
    List<String> graph = sortedJson(lake.read(Tables.ID_GRAPH));
    List<String> households = sortedJson(lake.read(Tables.HOUSEHOLDS));
    JobRunner.Outcome o = JobRunner.run(JobRegistry.byName("identity"), lake, last());
    assertThat(o.ok()).as(o.message()).isTrue();
    assertThat(sortedJson(lake.read(Tables.ID_GRAPH))).isEqualTo(graph);
    assertThat(sortedJson(lake.read(Tables.PERSON_MERGES))).isEqualTo(events);
    assertThat(sortedJson(lake.read(Tables.HOUSEHOLDS))).isEqualTo(households);
    assertThat(lake.read(Tables.ID_GRAPH).agg(countDistinct("person_id")).first().getLong(0)).isPositive();
  }
}
