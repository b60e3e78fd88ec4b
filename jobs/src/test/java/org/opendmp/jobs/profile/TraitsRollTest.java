package org.opendmp.jobs.profile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.opendmp.common.testing.DatasetAssert.assertSameRows;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * The rolled windows against a full recomputation: every aggregation over windows of 1, 7, 30 and 90 nights,
 * on consecutive nights whose leaving nights (run date - 1, 7, 30, 90) hold planted extremes (the smallest and
 * largest amounts, the earliest events, values that only occur there) and late events (event_time days before
 * the load night). Only the nights that matter hold events, so the world is 95 nights long but few are written:
 * the partials of the earlier nights are written directly, then the job runs night R-1 (no previous row: a full
 * recompute) and rolls nights R..R+3.
 */
class TraitsRollTest {
  static final String CONF = """
      traits:
        - {name: views, aggregation: count, where: {event_type: product_view}, windows: [1, 7, 30, 90]}
        - {name: rev, aggregation: sum, field: amount, where: {event_type: [purchase, store_purchase]}, windows: [1, 7, 30, 90]}
        - {name: min_amt, aggregation: min, field: amount, windows: [1, 7, 30, 90]}
        - {name: max_amt, aggregation: max, field: amount, windows: [1, 7, 30, 90]}
        - {name: first_sku, aggregation: first_value, field: sku, windows: [1, 7, 30, 90]}
        - {name: last_sku, aggregation: last_value, field: sku, windows: [1, 7, 30, 90]}
        - {name: first_t, aggregation: first_time, windows: [1, 7, 30, 90]}
        - {name: last_buy, aggregation: last_time, where: {event_type: [purchase, store_purchase]}, windows: [1, 7, 30, 90]}
        - {name: since_buy, aggregation: days_since_last, where: {event_type: [purchase, store_purchase]}, windows: [1, 7, 30, 90]}
        - {name: cats, aggregation: distinct_count, field: category, windows: [1, 7, 30, 90]}
        - {name: fav, aggregation: most_frequent, field: category, windows: [1, 7, 30, 90]}
      """;

  static final LocalDate ROLL = LocalDate.parse("2027-02-01");
  static final int ROLLED_NIGHTS = 4;
  static final String[] TYPES = {"product_view", "product_view", "purchase", "store_purchase", "impression"};
  static final String[] CATEGORIES = {"shoes", "bags", "toys", null};

  @TempDir static Path tmp;
  static TraitsConfig conf;
  static Lake lake;
  static Dataset<Row> allEvents;
  /** Every night's partials computed from its raw events alone, with run_date. */
  static Dataset<Row> allPartials;
  static Dataset<Row> graph;
  static final Map<LocalDate, RunSummary> SUMMARIES = new TreeMap<>();
  static final Map<LocalDate, Dataset<Row>> PUBLISHED = new TreeMap<>();

  /** The nights with events: every night leaving a window on a rolled night, its neighbours, and the rolled nights. */
  static TreeSet<LocalDate> eventNights() {
    TreeSet<LocalDate> nights = new TreeSet<>();
    for (int k = -1; k < ROLLED_NIGHTS; k++) {
      LocalDate night = ROLL.plusDays(k);
      nights.add(night);
      for (int w : new int[] {1, 7, 30, 90}) {
        nights.add(night.minusDays(w));
        nights.add(night.minusDays(w - 1L));
      }
    }
    return nights;
  }

  @BeforeAll
  static void nights() throws Exception {
    Path file = tmp.resolve("traits.yaml");
    Files.writeString(file, CONF);
    conf = TraitsConfig.load(file);
    lake = SharedSpark.freshLake();
    List<Row> g = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      g.add(RowFactory.create("cookie", "c" + i, "P" + (i % 6), ROLL.minusDays(100), ROLL.minusDays(100)));
    }
    graph = SharedSpark.spark().createDataFrame(g, Tables.ID_GRAPH.schema()).localCheckpoint();
    lake.overwrite(Tables.ID_GRAPH, graph);
    Random rnd = new Random(5);
    List<Row> events = new ArrayList<>();
    TreeSet<LocalDate> leaving = new TreeSet<>();
    for (int k = 0; k < ROLLED_NIGHTS; k++) {
      for (int w : new int[] {1, 7, 30, 90}) {
        leaving.add(ROLL.plusDays(k).minusDays(w));
      }
    }
    int id = 0;
    for (LocalDate night : eventNights()) {
      List<Row> tonight = new ArrayList<>();
      boolean planted = leaving.contains(night);
      int count = 6 + rnd.nextInt(6);
      for (int e = 0; e < count; e++) {
        String type = TYPES[rnd.nextInt(TYPES.length)];
        boolean buy = type.contains("purchase") || (planted && e < 2);
        if (buy && !type.contains("purchase")) {
          type = "purchase";
        }
        // leaving nights hold the extremes: the first two events of the night are the smallest and largest amounts
        BigDecimal amount = !buy ? null
            : planted && e == 0 ? new BigDecimal("0.01")
            : planted && e == 1 ? new BigDecimal("99999.99")
            : new BigDecimal(100 + rnd.nextInt(9_000)).movePointLeft(2);
        // late events: loaded tonight, happened up to 3 days before
        Instant time = Instant.parse(night + "T00:00:00Z").plusSeconds(rnd.nextInt(86_400)).minusSeconds(rnd.nextInt(4) == 0 ? 86_400L * rnd.nextInt(4) : 0);
        String sku = type.equals("impression") ? null : planted && e < 3 ? "ONLY_" + night : "S" + rnd.nextInt(4);
        String category = planted && e < 2 ? "rare_" + night.getDayOfYear() : CATEGORIES[rnd.nextInt(CATEGORIES.length)];
        String identifier = "c" + (planted && e < 3 ? rnd.nextInt(4) : rnd.nextInt(12));
        tonight.add(RowFactory.create("e" + id++, time, type, type.equals("impression") ? "ad" : type.equals("store_purchase") ? "store" : "web",
            "cookie", identifier, sku, category, null, null, amount, null, null, null, false, null, "test", night));
      }
      events.addAll(tonight);
    }
    // one write per table, not one per night: the job reads only the night's events, and no traits row exists
    // before R-1, only the partials of the earlier nights, as the job's first stage writes them
    allEvents = SharedSpark.spark().createDataFrame(events, Tables.EVENTS.schema()).localCheckpoint();
    lake.overwrite(Tables.EVENTS, allEvents);
    Dataset<Row> partials = null;
    for (LocalDate n : eventNights()) {
      Dataset<Row> p = TraitFrames.daily(TraitFrames.personEvents(allEvents.where(col("run_date").equalTo(lit(n))), graph), conf)
          .withColumn("run_date", lit(n));
      partials = partials == null ? p : partials.unionByName(p);
    }
    allPartials = partials.localCheckpoint();
    lake.overwrite(Tables.PERSON_DAILY, allPartials.where(col("run_date").lt(lit(ROLL.minusDays(1)))));
    for (int k = -1; k < ROLLED_NIGHTS; k++) {
      LocalDate night = ROLL.plusDays(k);
      SUMMARIES.put(night, Traits.run(new JobContext("traits", lake, night), conf));
      PUBLISHED.put(night, published(night).localCheckpoint());
    }
  }

  static Dataset<Row> published(LocalDate night) {
    return lake.readDate(Tables.TRAITS, night).select("person_id", "numbers", "texts", "times", "conf_version");
  }

  /** From scratch: the partials of every load night up to this one, computed from the raw events, windows rolled once. */
  static Dataset<Row> bruteForce(LocalDate night) {
    return TraitFrames.windows(allPartials.where(col("run_date").leq(lit(night))), night, conf)
        .select("person_id", "numbers", "texts", "times", "conf_version");
  }

  @Test
  void everyRolledNightEqualsAFullRecomputation() {
    for (LocalDate night : PUBLISHED.keySet()) {
      assertSameRows(PUBLISHED.get(night), bruteForce(night));
    }
  }

  @Test
  void nightsAfterTheFirstRollAndReadTheWindowOnlyForUndecidedTraits() {
    assertThat(SUMMARIES.get(ROLL.minusDays(1)).details()).containsEntry("full_recompute", true);
    long windowRows = lake.read(Tables.PERSON_DAILY).where(col("run_date").between(lit(ROLL.minusDays(89)), lit(ROLL))).count();
    RunSummary roll = SUMMARIES.get(ROLL);
    assertThat(roll.details()).containsEntry("full_recompute", false);
    assertThat((Long) roll.details().get("persons_rolled")).isPositive();
    // planted leaving extremes: some pairs must be read, but far from the whole window
    assertThat((Long) roll.details().get("person_traits_scanned")).isPositive();
    assertThat((Long) roll.details().get("person_daily_rows_scanned")).isPositive().isLessThan(windowRows);
  }

  @Test
  void rerunningARolledNightLeavesTheTablesIdentical() {
    LocalDate last = ROLL.plusDays(ROLLED_NIGHTS - 1L);
    List<String> before = lake.read(Tables.TRAITS).toJSON().collectAsList().stream().sorted().toList();
    Traits.run(new JobContext("traits", lake, last), conf);
    Traits.run(new JobContext("traits", lake, last.minusDays(1)), conf);
    assertThat(lake.read(Tables.TRAITS).toJSON().collectAsList().stream().sorted().toList()).isEqualTo(before);
  }
}
