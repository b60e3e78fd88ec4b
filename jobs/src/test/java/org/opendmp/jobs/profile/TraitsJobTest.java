package org.opendmp.jobs.profile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.opendmp.common.testing.DatasetAssert.assertSameRows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobContext;

/**
 * The traits job night after night on a tiny random world with merges: every night's gold.traits equals a
 * brute-force recomputation from the raw events, a merge gives the survivor the combined traits, and re-running
 * a night (the last, or an older one) leaves the tables identical.
 */
class TraitsJobTest {
  static final LocalDate START = LocalDate.parse("2026-11-01");
  static final int NIGHTS = 6;

  /**
   * Every aggregation, windows short enough that nights leave them within the world, with a gap (1 and 4) so
   * that a person seen only two or three nights ago is neither new nor leaving a window: carried.
   */
  static final String CONF = """
      traits:
        - {name: views, aggregation: count, where: {event_type: product_view}, windows: [1, 4]}
        - {name: rev, aggregation: sum, field: amount, where: {event_type: [purchase, store_purchase]}, windows: [1, 4]}
        - {name: min_amt, aggregation: min, field: amount, windows: [4]}
        - {name: max_amt, aggregation: max, field: amount, windows: [4]}
        - {name: first_sku, aggregation: first_value, field: sku, windows: [4]}
        - {name: last_sku, aggregation: last_value, field: sku, where: {event_type: product_view}, windows: [1, 4]}
        - {name: first_t, aggregation: first_time, windows: [4]}
        - {name: last_buy, aggregation: last_time, where: {event_type: [purchase, store_purchase]}, windows: [4]}
        - {name: since_buy, aggregation: days_since_last, where: {event_type: [purchase, store_purchase]}, windows: [4]}
        - {name: cats, aggregation: distinct_count, field: category, windows: [1, 4]}
        - {name: fav, aggregation: most_frequent, field: category, where_not: {channel: ad}, windows: [1, 4]}
      """;

  static final int MERGE_NIGHT = 2;

  static final String[] TYPES = {"product_view", "product_view", "product_view", "purchase", "store_purchase", "impression", "cart_add"};
  static final String[] CATEGORIES = {"shoes", "bags", "toys", "cars", null};

  @TempDir static Path tmp;
  static TraitsConfig conf;
  static Lake lake;
  static Dataset<Row> allEvents;
  /** identifier -> person, per night (as identity leaves it before traits run). */
  static final Map<LocalDate, Map<String, String>> GRAPHS = new TreeMap<>();
  static final Map<LocalDate, RunSummary> SUMMARIES = new TreeMap<>();
  static final Map<LocalDate, Dataset<Row>> TRAITS_AFTER_NIGHT = new TreeMap<>();

  @BeforeAll
  static void nights() throws Exception {
    Path file = tmp.resolve("traits.yaml");
    Files.writeString(file, CONF);
    conf = TraitsConfig.load(file);
    lake = SharedSpark.freshLake();
    Random rnd = new Random(11);
    Map<String, String> graph = new LinkedHashMap<>();
    for (int i = 0; i < 24; i++) {
      graph.put("c" + i, "P" + (i % 16)); // persons P0..P7 have two identifiers
    }
    // merges: night 2 P2 into P1, night 3 P3 into P4, night 4 P4 into P5 (a chain: P3 -> P4 -> P5)
    Map<Integer, String[][]> merges = Map.of(MERGE_NIGHT, new String[][] {{"P2", "P1"}}, 3, new String[][] {{"P3", "P4"}}, 4, new String[][] {{"P4", "P5"}});
    List<Row> events = new ArrayList<>();
    int id = 0;
    for (int n = 0; n < NIGHTS; n++) {
      LocalDate night = START.plusDays(n);
      for (String[] m : merges.getOrDefault(n, new String[0][])) {
        graph.replaceAll((k, v) -> v.equals(m[0]) ? m[1] : v);
        lake.replaceDate(Tables.PERSON_MERGES, night,
            SharedSpark.spark().createDataFrame(List.of(RowFactory.create("merge", m[0], m[1], "test", null, null, null, null, null, Date.valueOf(night))), Tables.PERSON_MERGES.schema()));
      }
      GRAPHS.put(night, new LinkedHashMap<>(graph));
      List<Row> tonight = new ArrayList<>();
      // a few identifiers are active each night; c20..c23 only in the first nights
      int count = 8 + rnd.nextInt(10);
      for (int e = 0; e < count; e++) {
        String identifier = "c" + (n < 2 ? rnd.nextInt(24) : rnd.nextInt(20));
        if (rnd.nextInt(10) == 0) {
          identifier = "nobody" + e; // no person: left out
        }
        String type = TYPES[rnd.nextInt(TYPES.length)];
        boolean buy = type.contains("purchase");
        String channel = type.equals("impression") ? "ad" : type.equals("store_purchase") ? "store" : "web";
        java.time.Instant time = java.time.Instant.parse(night + "T00:00:00Z").plusSeconds(rnd.nextInt(86_400));
        tonight.add(RowFactory.create(
            "e" + id++, time, type, channel, "cookie", identifier, type.equals("impression") ? null : "S" + rnd.nextInt(5),
            CATEGORIES[rnd.nextInt(CATEGORIES.length)], null, null, buy ? new java.math.BigDecimal(rnd.nextInt(10_000)).movePointLeft(2) : null,
            null, null, null, rnd.nextInt(15) == 0, null, "test", night));
      }
      events.addAll(tonight);
      lake.replaceDate(Tables.EVENTS, night, SharedSpark.spark().createDataFrame(tonight, Tables.EVENTS.schema()));
      if (n == 0 || merges.containsKey(n)) {
        lake.overwrite(Tables.ID_GRAPH, graphFrame(graph, night));
      }
      SUMMARIES.put(night, Traits.run(new JobContext("traits", lake, night), conf));
      TRAITS_AFTER_NIGHT.put(night, published(night).localCheckpoint());
    }
    allEvents = SharedSpark.spark().createDataFrame(events, Tables.EVENTS.schema()).localCheckpoint();
  }

  static Dataset<Row> graphFrame(Map<String, String> graph, LocalDate night) {
    List<Row> rows = new ArrayList<>();
    graph.forEach((k, v) -> rows.add(RowFactory.create("cookie", k, v, START, night)));
    return SharedSpark.spark().createDataFrame(rows, Tables.ID_GRAPH.schema());
  }

  static Dataset<Row> published(LocalDate night) {
    return lake.readDate(Tables.TRAITS, night).select("person_id", "numbers", "texts", "times", "conf_version");
  }

  /**
   * From scratch: every raw event up to the night with that night's persons, one partial per person and load
   * night (the night is folded into the key so that one call builds them all), windows rolled once.
   */
  static Dataset<Row> bruteForce(LocalDate night) {
    Dataset<Row> events = allEvents.where(col("run_date").leq(lit(night)));
    Dataset<Row> withPerson = TraitFrames.personEvents(events, graphFrame(GRAPHS.get(night), night))
        .withColumn("person_id", concat_ws("|", col("person_id"), col("run_date").cast("string")));
    Dataset<Row> partials = TraitFrames.daily(withPerson, conf)
        .withColumn("run_date", split(col("person_id"), "\\|").getItem(1).cast("date"))
        .withColumn("person_id", split(col("person_id"), "\\|").getItem(0));
    return TraitFrames.windows(partials, night, conf).select("person_id", "numbers", "texts", "times", "conf_version");
  }

  @Test
  void everyNightEqualsABruteForceRecomputationFromRawEvents() {
    for (LocalDate night : TRAITS_AFTER_NIGHT.keySet()) {
      assertSameRows(TRAITS_AFTER_NIGHT.get(night), bruteForce(night));
    }
  }

  /** Counted in plain Java from the generated rows: the survivor's views are both persons' views. */
  @Test
  void theSurvivorOfAMergeHasTheCombinedTraits() {
    LocalDate night = START.plusDays(MERGE_NIGHT);
    List<String> ids = GRAPHS.get(night).entrySet().stream().filter(e -> e.getValue().equals("P1")).map(Map.Entry::getKey).toList();
    assertThat(ids).containsExactlyInAnyOrder("c1", "c17", "c2", "c18");
    long views = allEvents.collectAsList().stream()
        .filter(r -> ids.contains(r.<String>getAs("id_value")) && r.<String>getAs("event_type").equals("product_view")
            && !r.<Boolean>getAs("is_bot") && !r.<LocalDate>getAs("run_date").isAfter(night)
            && r.<LocalDate>getAs("run_date").isAfter(night.minusDays(4)))
        .count();
    Row p1 = TRAITS_AFTER_NIGHT.get(night).where("person_id = 'P1'").first();
    assertThat(p1.<String, Double>getJavaMap(1).get("views_4d")).isEqualTo((double) views).isGreaterThan(0);
    assertThat(TRAITS_AFTER_NIGHT.get(night).where("person_id = 'P2'").isEmpty()).isTrue();
    assertThat(TRAITS_AFTER_NIGHT.get(night.minusDays(1)).where("person_id = 'P2'").isEmpty()).isFalse();
  }

  @Test
  void nightsAfterTheFirstRecomputeOnlyTouchedPersonsAndCarryTheOthers() {
    RunSummary first = SUMMARIES.get(START);
    assertThat(first.details()).containsEntry("full_recompute", true);
    long carried = 0;
    for (RunSummary s : SUMMARIES.values()) {
      if (!s.runDate().equals(START)) {
        assertThat(s.details()).containsEntry("full_recompute", false);
        carried += (Long) s.details().get("persons_carried");
        assertThat((Long) s.details().get("persons_recomputed")).isLessThanOrEqualTo((Long) s.details().get("persons_touched"));
      }
    }
    assertThat(carried).as("rows carried over all nights").isPositive();
    assertThat(SUMMARIES.get(START.plusDays(NIGHTS - 1)).details()).containsEntry("merge_aliases", 3L); // merges since the start of the longest window: P2, P3, P4
  }

  @Test
  void absorbedPersonsDisappearAndPersonsExpireAfterTheLongestWindow() {
    LocalDate last = START.plusDays(NIGHTS - 1);
    List<String> persons = TRAITS_AFTER_NIGHT.get(last).select("person_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(persons).doesNotContain("P2", "P3", "P4");
    assertThat(persons).allMatch(p -> p.matches("P[0-9]+"));
  }

  @Test
  void rerunningTheLastNightOrAnOlderOneLeavesTheTablesIdentical() {
    Map<String, List<String>> before = snapshot();
    LocalDate last = START.plusDays(NIGHTS - 1);
    Traits.run(new JobContext("traits", lake, last), conf);
    assertThat(snapshot()).isEqualTo(before);
    // the night before after the last: no merge in between, so the same graph
    Traits.run(new JobContext("traits", lake, last.minusDays(1)), conf);
    assertThat(snapshot()).isEqualTo(before);
  }

  static Map<String, List<String>> snapshot() {
    Map<String, List<String>> out = new TreeMap<>();
    for (var t : List.of(Tables.PERSON_DAILY, Tables.TRAITS)) {
      out.put(t.fullName(), lake.read(t).toJSON().collectAsList().stream().sorted().toList());
    }
    return out;
  }
}
