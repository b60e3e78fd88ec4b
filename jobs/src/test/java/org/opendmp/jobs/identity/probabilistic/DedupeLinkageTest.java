package org.opendmp.jobs.identity.probabilistic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.opendmp.common.DmpException;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.ColumnSpec;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.Kind;
import org.opendmp.jobs.identity.probabilistic.PersonsFixture.Person;

/**
 * Two inputs, as the identity job calls the engine: a customer base and store records, with the same record ids
 * on both sides (unique per source). Links go across only; clusters span both sources.
 */
class DedupeLinkageTest {
  static final String DDL = "record_id STRING, first_name STRING, surname STRING, dob STRING, city STRING, email STRING";

  static final MatchSpec SPEC =
      MatchSpec.of(
          List.of(new ColumnSpec("first_name", Kind.NAME), new ColumnSpec("surname", Kind.NAME), new ColumnSpec("dob", Kind.DATE),
              new ColumnSpec("city", Kind.STRING), new ColumnSpec("email", Kind.EMAIL)),
          List.of("first_name", "surname"),
          List.of(List.of("dob"), List.of("email"), List.of("sorted(first_name, surname)")),
          List.of("first_name", "surname"));

  /** Backed by an RDD, like a table read from storage (a local relation would be folded by the optimizer). */
  static Dataset<Row> frame(List<Object[]> rows) {
    var jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(SharedSpark.spark().sparkContext());
    return SharedSpark.spark().createDataFrame(jsc.parallelize(rows.stream().map(RowFactory::create).toList(), 2), StructType.fromDDL(DDL));
  }

  static Object[] row(String id, String[] v) {
    return new Object[] {id, v[0], v[1], v[2], v[3], v[4]};
  }

  @Test
  void linksAcrossTwoSourcesAndClustersSpanBoth() {
    long t0 = System.nanoTime();
    List<Person> people = PersonsFixture.people(300, 11);
    Random r = new Random(5);
    // customers: persons 0..199, ids 1..200; store: 150 of them again (some twice) and 50 strangers, ids 1..250
    List<Object[]> crm = new ArrayList<>();
    Map<String, Integer> truthL = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      crm.add(row(String.valueOf(i + 1), PersonsFixture.record(people.get(i), r)));
      truthL.put(String.valueOf(i + 1), i);
    }
    List<Object[]> store = new ArrayList<>();
    Map<String, Integer> truthR = new HashMap<>();
    for (int k = 0; k < 250; k++) {
      int person = k < 150 ? (k * 7) % 200 : k < 200 ? (k * 13) % 200 : 200 + (k - 200);
      store.add(row(String.valueOf(k + 1), PersonsFixture.record(people.get(person), r)));
      truthR.put(String.valueOf(k + 1), person);
    }
    try (LinkResult result = ProbabilisticLinker.link(SharedSpark.spark(), frame(crm).withColumn("source", org.apache.spark.sql.functions.lit("crm")),
        frame(store).withColumn("source", org.apache.spark.sql.functions.lit("store")), SPEC)) {
      assertThat(result.summary().linkType()).isEqualTo("link_only");
      assertThat(result.model().pairSpace()).isEqualTo(200.0 * 250);
      List<Row> links = result.links().collectAsList();
      assertThat(links).isNotEmpty().allSatisfy(l -> {
        assertThat(l.<String>getAs("source_l")).isEqualTo("crm");
        assertThat(l.<String>getAs("source_r")).isEqualTo("store");
      });
      long truePositives = links.stream()
          .filter(l -> truthL.get(l.<String>getAs("record_id_l")).equals(truthR.get(l.<String>getAs("record_id_r"))))
          .count();
      long trueLinks = truthR.values().stream().filter(p -> p < 200).count();
      double precision = truePositives / (double) links.size();
      double recall = truePositives / (double) trueLinks;
      System.out.printf("DEDUPE_LINKAGE links=%d precision=%.3f recall=%.3f (%.1f s)%n", links.size(), precision, recall, (System.nanoTime() - t0) / 1e9);
      assertThat(precision).isGreaterThan(0.95);
      assertThat(recall).isGreaterThan(0.85);

      // a person seen twice in the store: both store records join the customer's cluster
      Map<String, String> clusterOf = new HashMap<>();
      for (Row c : result.clusters().collectAsList()) {
        clusterOf.put(c.<String>getAs("source") + ":" + c.<String>getAs("record_id"), c.getAs("cluster_id"));
      }
      assertThat(clusterOf).hasSize(450);
      Set<String> spanning = new HashSet<>();
      result.clusters().collectAsList().forEach(c -> {
        if (c.<Long>getAs("cluster_size") > 1) {
          spanning.add(c.getAs("cluster_id"));
        }
      });
      assertThat(spanning).isNotEmpty().allSatisfy(id -> assertThat(id).matches("(crm|store):\\d+"));
      int both = 0;
      for (int k = 150; k < 200; k++) { // store records k and some earlier k' of the same person
        String cl = clusterOf.get("store:" + (k + 1));
        String customer = clusterOf.get("crm:" + (truthR.get(String.valueOf(k + 1)) + 1));
        both += cl.equals(customer) ? 1 : 0;
      }
      assertThat(both).isGreaterThan(40);
      // same record id, different sources: different records
      assertThat(clusterOf.get("crm:201")).isNull();
      assertThat(clusterOf.get("store:201")).isNotNull();
      // every link is explained column by column
      Row top = result.links().orderBy(org.apache.spark.sql.functions.col("match_weight").desc()).first();
      double sum = result.model().priorWeight();
      for (ColumnSpec c : SPEC.columns()) {
        sum += top.<Double>getAs(c.name() + "_weight");
      }
      assertThat(top.<Double>getAs("match_weight")).isCloseTo(sum, org.assertj.core.api.Assertions.within(1e-9));
    }
  }

  @Test
  void recordIdsMustBeUniquePerSource() {
    Random r = new Random(1);
    List<Person> people = PersonsFixture.people(3, 2);
    Dataset<Row> left = frame(List.of(row("1", PersonsFixture.record(people.get(0), r)), row("1", PersonsFixture.record(people.get(1), r))));
    Dataset<Row> right = frame(List.<Object[]>of(row("1", PersonsFixture.record(people.get(2), r))));
    assertThatThrownBy(() -> ProbabilisticLinker.link(SharedSpark.spark(), left, right, SPEC))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("record id '1' appears 2 times in source 'left'");
    assertThatThrownBy(() -> ProbabilisticLinker.link(SharedSpark.spark(), left.drop("email"), right, SPEC))
        .hasMessageContaining("the left input has no column email");
  }
}
