package org.opendmp.jobs.profile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;

/** Every aggregation on a few inline events, with window edges, nulls, bots and unknown identifiers. */
class TraitsFramesTest {
  static final LocalDate D = LocalDate.parse("2026-11-10");

  static final String CONF = """
      traits:
        - {name: views, aggregation: count, where: {event_type: product_view}, windows: [1, 7]}
        - {name: rev, aggregation: sum, field: amount, where: {event_type: purchase}, windows: [1, 7]}
        - {name: min_amt, aggregation: min, field: amount, where: {event_type: purchase}, windows: [7]}
        - {name: max_amt, aggregation: max, field: amount, where: {event_type: purchase}, windows: [7]}
        - {name: first_sku, aggregation: first_value, field: sku, where: {event_type: product_view}, windows: [7]}
        - {name: last_sku, aggregation: last_value, field: sku, where: {event_type: product_view}, windows: [1, 7]}
        - {name: last_amt, aggregation: last_value, field: amount, where: {event_type: purchase}, windows: [7]}
        - {name: first_t, aggregation: first_time, windows: [7]}
        - {name: last_t, aggregation: last_time, windows: [7]}
        - {name: since, aggregation: days_since_last, where: {event_type: purchase}, windows: [7]}
        - {name: cats, aggregation: distinct_count, field: category, windows: [1, 7]}
        - {name: fav, aggregation: most_frequent, field: category, windows: [7]}
        - {name: non_ad, aggregation: count, where_not: {channel: ad}, windows: [7]}
        - {name: reasons, aggregation: last_value, field: attributes.reason, windows: [7]}
      """;

  @TempDir static Path tmp;
  static TraitsConfig conf;
  static Map<String, Row> traits;
  static Dataset<Row> daily;

  static Object[] ev(String id, LocalDate night, String time, String type, String channel, String idValue, String sku, String category,
      String amount, boolean bot) {
    Map<String, String> attributes = type.equals("callcenter_appointment") ? Map.of("reason", "credit") : null;
    return new Object[] {
      id, Timestamp.valueOf(night + " " + time), type, channel, "cookie", idValue, sku, category, null, null,
      amount == null ? null : new BigDecimal(amount), null, null, null, bot,
      attributes == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(attributes), "test", Date.valueOf(night)
    };
  }

  static Dataset<Row> events(Object[]... rows) {
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) {
      Object[] v = r.clone();
      if (v[15] instanceof scala.collection.mutable.Map<?, ?> m) {
        v[15] = m.toMap(scala.$less$colon$less$.MODULE$.refl());
      }
      list.add(RowFactory.create(v));
    }
    return SharedSpark.spark().createDataFrame(list, Tables.EVENTS.schema());
  }

  static Dataset<Row> graph() {
    return rows("id_type STRING, id_value STRING, person_id STRING",
        new Object[] {"cookie", "c1", "P1"}, new Object[] {"cookie", "c1b", "P1"}, new Object[] {"cookie", "c2", "P2"},
        new Object[] {"cookie", "c3", "P3"}, new Object[] {"cookie", "c4", "P4"});
  }

  @BeforeAll
  static void compute() throws Exception {
    Path file = tmp.resolve("traits.yaml");
    Files.writeString(file, CONF);
    conf = TraitsConfig.load(file);
    LocalDate d6 = D.minusDays(6);
    LocalDate d7 = D.minusDays(7);
    Dataset<Row> all = events(
        // P1 tonight: two views, a purchase, a view without sku nor category, a bot's view, a call
        ev("e1", D, "10:00:00", "product_view", "web", "c1", "A", "shoes", null, false),
        ev("e2", D, "12:00:00", "product_view", "web", "c1b", "B", "bags", null, false),
        ev("e3", D, "13:00:00", "purchase", "web", "c1", null, "shoes", "20.00", false),
        ev("e4", D, "14:00:00", "product_view", "app", "c1", null, null, null, false),
        ev("e5", D, "15:00:00", "product_view", "web", "c1", "BOT", "bots", null, true),
        ev("e6", D, "08:00:00", "callcenter_appointment", "callcenter", "c1", null, null, null, false),
        // P1 six nights ago: inside the 7-night window (its first night)
        ev("e7", d6, "09:00:00", "product_view", "web", "c1", "C", "bags", null, false),
        ev("e8", d6, "10:00:00", "purchase", "web", "c1", null, "bags", "5.50", false),
        // P1 seven nights ago: just outside
        ev("e9", d7, "09:00:00", "product_view", "web", "c1", "Z", "toys", null, false),
        ev("e10", d7, "10:00:00", "purchase", "web", "c1", null, "toys", "100.00", false),
        // P2: one ad impression yesterday
        ev("e11", D.minusDays(1), "11:00:00", "impression", "ad", "c2", null, null, null, false),
        // P3: two categories once each tonight (the tie goes to the smallest), same second twice
        ev("e12", D, "09:00:00", "product_view", "web", "c3", "Y1", "y", null, false),
        ev("e13", D, "09:00:00", "product_view", "web", "c3", "X1", "x", null, false),
        // P4: only seven nights ago; and an identifier without person
        ev("e14", d7, "09:00:00", "product_view", "web", "c4", "Q", "toys", null, false),
        ev("e15", D, "09:00:00", "product_view", "web", "unknown", "Q", "toys", null, false));
    List<Dataset<Row>> nights = new ArrayList<>();
    for (LocalDate n = d7; !n.isAfter(D); n = n.plusDays(1)) {
      Dataset<Row> night = all.where(col("run_date").equalTo(lit(n)));
      nights.add(TraitFrames.daily(TraitFrames.personEvents(night, graph()), conf).withColumn("run_date", lit(n)));
    }
    daily = nights.stream().reduce(Dataset::unionByName).orElseThrow().localCheckpoint();
    traits = new HashMap<>();
    TraitFrames.windows(daily, D, conf).collectAsList().forEach(r -> traits.put(r.getString(0), r));
  }

  static java.time.Instant at(LocalDate night, String time) {
    return java.time.Instant.parse(night + "T" + time + "Z");
  }

  static Map<String, Object> numbers(String person) {
    return traits.get(person).getJavaMap(1);
  }

  static Map<String, Object> texts(String person) {
    return traits.get(person).getJavaMap(2);
  }

  static Map<String, Object> times(String person) {
    return traits.get(person).getJavaMap(3);
  }

  @Test
  void personsAreThoseWithAPartialInTheLongestWindow() {
    assertThat(traits.keySet()).containsExactlyInAnyOrder("P1", "P2", "P3"); // P4 only 7 nights ago, "unknown" has no person
    assertThat(traits.get("P1").getString(4)).isEqualTo(conf.version());
    assertThat(traits.get("P1").<LocalDate>getAs(5)).isEqualTo(D);
  }

  @Test
  void countsSumsMinMaxOverTheirWindows() {
    Map<String, Object> p1 = numbers("P1");
    assertThat(p1).containsEntry("views_1d", 3.0).containsEntry("views_7d", 4.0); // bot and 7-nights-ago views left out
    assertThat(p1).containsEntry("rev_1d", 20.0).containsEntry("rev_7d", 25.5);
    assertThat(p1).containsEntry("min_amt_7d", 5.5).containsEntry("max_amt_7d", 20.0);
    assertThat(p1).containsEntry("non_ad_7d", 7.0); // 5 tonight (call included, bot not) + 2 six nights ago
    assertThat(p1).containsEntry("last_amt_7d", 20.0);
  }

  @Test
  void firstAndLastValuesSkipNullFieldsAndBreakTiesByValue() {
    assertThat(texts("P1")).containsEntry("first_sku_7d", "C").containsEntry("last_sku_7d", "B").containsEntry("last_sku_1d", "B")
        .containsEntry("reasons_7d", "credit");
    assertThat(texts("P3")).containsEntry("first_sku_7d", "X1").containsEntry("last_sku_7d", "Y1");
  }

  @Test
  void timesAndDaysSince() {
    assertThat(times("P1")).containsEntry("first_t_7d", at(D.minusDays(6), "09:00:00"))
        .containsEntry("last_t_7d", at(D, "14:00:00"));
    assertThat(numbers("P1")).containsEntry("since_7d", 0.0);
    assertThat(times("P2")).containsEntry("last_t_7d", at(D.minusDays(1), "11:00:00"));
  }

  @Test
  void distinctCountsAndMostFrequentValues() {
    assertThat(numbers("P1")).containsEntry("cats_1d", 2.0).containsEntry("cats_7d", 2.0); // shoes, bags; never null
    assertThat(texts("P1")).containsEntry("fav_7d", "bags"); // bags 3 (B, C, purchase), shoes 2
    assertThat(texts("P3")).containsEntry("fav_7d", "x");
    assertThat(numbers("P3")).containsEntry("cats_7d", 2.0);
  }

  @Test
  void emptyWindowsGiveZeroCountsAndNoValue() {
    assertThat(numbers("P2")).containsOnlyKeys("views_1d", "views_7d", "rev_1d", "rev_7d", "non_ad_7d", "cats_1d", "cats_7d")
        .containsEntry("views_7d", 0.0).containsEntry("rev_7d", 0.0).containsEntry("non_ad_7d", 0.0).containsEntry("cats_7d", 0.0);
    assertThat(texts("P2")).isEmpty();
    assertThat(times("P2")).containsOnlyKeys("first_t_7d", "last_t_7d");
  }

  @Test
  void dailyPartialsHoldOnlyWhatTheirAggregationNeeds() {
    Dataset<Row> p1 = daily.where("person_id = 'P1' AND run_date = DATE'" + D + "' AND trait IN ('rev', 'last_sku', 'fav', 'views')")
        .select("trait", "events", "total", "min_value", "max_value", "first_value", "last_value", "value_counts", "first_time");
    assertRows(p1,
        new Object[] {"views", 3L, null, null, null, null, null, null, at(D, "10:00:00")},
        new Object[] {"rev", 1L, new BigDecimal("20"), new BigDecimal("20"), new BigDecimal("20"), null, null, null,
            at(D, "13:00:00")},
        new Object[] {"last_sku", 2L, null, null, null, "A", "B", null, at(D, "10:00:00")},
        new Object[] {"fav", 3L, null, null, null, null, null, "Map(bags -> 1, shoes -> 2)", at(D, "10:00:00")});
  }

  @Test
  void partialsOfAnotherDefinitionAreIgnored() {
    Dataset<Row> edited = daily.withColumn("definition",
        org.apache.spark.sql.functions.when(col("trait").equalTo("views"), lit("old")).otherwise(col("definition")));
    Row p1 = TraitFrames.windows(edited, D, conf).where("person_id = 'P1'").first();
    assertThat(p1.<String, Object>getJavaMap(1)).containsEntry("views_7d", 0.0).containsEntry("rev_7d", 25.5);
  }

  @Test
  void mergeChainsResolveToTheLastSurvivor() {
    Dataset<Row> merges = rows("old_person_id STRING, new_person_id STRING, run_date DATE",
        new Object[] {"a", "b", Date.valueOf(D.minusDays(2))}, new Object[] {"b", "c", Date.valueOf(D.minusDays(1))},
        new Object[] {"c", "e", Date.valueOf(D)}, new Object[] {"d", "c", Date.valueOf(D.minusDays(1))});
    Dataset<Row> a = TraitFrames.aliases(merges);
    int steps = 0;
    while (!TraitFrames.openAliases(a).isEmpty()) {
      a = TraitFrames.aliasStep(a);
      steps++;
    }
    assertThat(steps).isEqualTo(2);
    assertRows(a, new Object[] {"a", "e"}, new Object[] {"b", "e"}, new Object[] {"c", "e"}, new Object[] {"d", "e"});
    Dataset<Row> resolved = TraitFrames.resolve(rows("person_id STRING, n INT", new Object[] {"a", 1}, new Object[] {"z", 2}), a);
    assertRows(resolved, new Object[] {"e", 1}, new Object[] {"z", 2});
  }
}
