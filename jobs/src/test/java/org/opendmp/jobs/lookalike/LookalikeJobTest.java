package org.opendmp.jobs.lookalike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.profile.TraitsConfig;
import org.opendmp.jobs.segment.SegmentsConfig;
import org.opendmp.jobs.testing.TableRows;

/**
 * The lookalike job on a small hand-made night (800 persons): a hidden "buyer type" drives product views and cart
 * adds; most buyer types bought recently (the seed, in the previous night's recent_purchasers), the others are the
 * prospects who will buy (the truth the test ranks against, never shown to the job). Three models: a logistic
 * regression, gradient-boosted trees, and one whose seed is too small. Run on the first night (no membership
 * before it: everything skipped), then twice on the next (identical tables).
 */
class LookalikeJobTest {
  static final LocalDate SEED_NIGHT = LocalDate.parse("2026-11-09");
  static final LocalDate NIGHT = SEED_NIGHT.plusDays(1);
  static final int PERSONS = 800;

  static final String CONF = """
      sources:
        partner_segments: [no_modelling]
      models:
        - id: lal_lr
          seed_segment: recent_purchasers
          lookback_days: 30
          features: [traits, profile]
          exclude_features: [trait.purchases_online, profile.is_customer, profile.vip]
          min_seed_size: 50
          reach_targets: [50, 100000]
        - id: lal_gbt
          seed_segment: recent_purchasers
          population: active
          lookback_days: 30
          features: [traits]
          exclude_features: [trait.purchases_online]
          algorithm: gbt
          max_iter: 10
          exclude_seed: false
          min_seed_size: 50
        - id: lal_tiny
          seed_segment: vip
          features: [traits]
          min_seed_size: 50
      """;

  @TempDir static Path tmp;
  static Lake lake;
  static LookalikeConfig conf;
  static TraitsConfig traits;
  static final Map<String, RunSummary> RUNS = new TreeMap<>();
  static final Map<String, List<String>> SNAPSHOTS = new TreeMap<>();
  /** Prospects (not in the seed) who are buyer types: the ones who will buy. */
  static final Set<String> FUTURE_BUYERS = new HashSet<>();
  static final Set<String> SEED = new HashSet<>();
  static final Set<String> CUSTOMERS = new HashSet<>();
  static final Set<String> INACTIVE = new HashSet<>();

  @BeforeAll
  static void nights() throws Exception {
    traits = TraitsConfig.load(Path.of("..", "conf", "traits.yaml"));
    Files.writeString(tmp.resolve("lookalike.yaml"), CONF);
    conf = LookalikeConfig.load(tmp.resolve("lookalike.yaml"), traits, SegmentsConfig.load(Path.of("..", "conf", "segments.yaml")));
    lake = SharedSpark.freshLake();
    world();
    // a nightly has run Observations in this session before: a model holding the session must not be shipped to tasks
    new org.opendmp.common.run.Observed("before_lookalike").count(lake.read(Tables.PROFILES)).count();
    RUNS.put("first night", Lookalike.run(new JobContext("lookalike", lake, SEED_NIGHT), traits, conf));
    RUNS.put("run", Lookalike.run(new JobContext("lookalike", lake, NIGHT), traits, conf));
    SNAPSHOTS.put("run", snapshot());
    RUNS.put("re-run", Lookalike.run(new JobContext("lookalike", lake, NIGHT), traits, conf));
    SNAPSHOTS.put("re-run", snapshot());
  }

  /** Profiles, traits and scores of both nights (the same), and recent_purchasers / vip on the seed night. */
  static void world() {
    Random rnd = new Random(11);
    List<Map<String, Object>> profiles = new ArrayList<>();
    List<Map<String, Object>> traitRows = new ArrayList<>();
    List<Map<String, Object>> members = new ArrayList<>();
    for (int i = 0; i < PERSONS; i++) {
      String p = "P" + i;
      boolean buyerType = rnd.nextDouble() < 0.3;
      boolean seed = buyerType && rnd.nextDouble() < 0.6;
      boolean customer = seed ? rnd.nextDouble() < 0.5 : rnd.nextDouble() < 0.05;
      boolean inactive = rnd.nextDouble() < 0.1;
      int lastActive = inactive ? 40 + rnd.nextInt(30) : rnd.nextInt(30);
      if (seed) {
        SEED.add(p);
        members.add(Map.of("person_id", p, "segment_id", "recent_purchasers", "entered_on", SEED_NIGHT, "last_qualified", SEED_NIGHT, "is_control", false));
      } else if (buyerType && !customer && !inactive) {
        FUTURE_BUYERS.add(p);
      }
      if (i < 10) {
        members.add(Map.of("person_id", p, "segment_id", "vip", "entered_on", SEED_NIGHT, "last_qualified", SEED_NIGHT, "is_control", false));
      }
      if (customer) {
        CUSTOMERS.add(p);
      }
      if (inactive) {
        INACTIVE.add(p);
      }
      Map<String, Double> numbers = new HashMap<>();
      numbers.put("product_views_30d", (double) (buyerType ? 3 + rnd.nextInt(9) : rnd.nextInt(6)));
      numbers.put("cart_adds_30d", (double) (buyerType ? rnd.nextInt(4) : rnd.nextDouble() < 0.15 ? 1 : 0));
      numbers.put("email_clicks_30d", (double) rnd.nextInt(3));
      numbers.put("events_30d", 5.0 + rnd.nextInt(20));
      if (seed) {
        numbers.put("purchases_online_30d", 1.0);
      }
      for (LocalDate night : List.of(SEED_NIGHT, NIGHT)) {
        profiles.add(Map.of("person_id", p, "is_customer", customer, "vip", i < 10, "age", 18 + rnd.nextInt(60),
            "last_activity", night.minusDays(lastActive), "run_date", night));
        traitRows.add(Map.of("person_id", p, "numbers", numbers, "texts", Map.of(), "times", Map.of(), "run_date", night));
      }
    }
    lake.overwrite(Tables.PROFILES, rows(Tables.PROFILES, profiles));
    lake.overwrite(Tables.TRAITS, rows(Tables.TRAITS, traitRows));
    lake.overwrite(Tables.SEGMENT_MEMBERSHIP, TableRows.of(Tables.SEGMENT_MEMBERSHIP, members.stream()
        .map(m -> { Map<String, Object> r = new HashMap<>(m); r.put("run_date", SEED_NIGHT); return r; }).toArray(Map[]::new)));
  }

  @SuppressWarnings("unchecked")
  static Dataset<Row> rows(org.opendmp.common.table.TableDef t, List<Map<String, Object>> rows) {
    return TableRows.of(t, rows.toArray(Map[]::new));
  }

  static List<String> snapshot() {
    List<String> out = new ArrayList<>(lake.readDate(Tables.LOOKALIKE_SCORES, NIGHT).toJSON().collectAsList());
    out.addAll(lake.readDate(Tables.MODEL_REPORTS, NIGHT).toJSON().collectAsList());
    return out.stream().sorted().toList();
  }

  static Row report(String model) {
    List<Row> r = lake.readDate(Tables.MODEL_REPORTS, NIGHT).where("model = 'lookalike." + model + "'").collectAsList();
    assertThat(r).hasSize(1);
    return r.get(0);
  }

  static Map<String, Double> scores(String model) {
    Map<String, Double> out = new HashMap<>();
    lake.readDate(Tables.LOOKALIKE_SCORES, NIGHT).where("model_id = '" + model + "'").collectAsList()
        .forEach(r -> out.put(r.getAs("person_id"), r.getAs("score")));
    return out;
  }

  /** AUC of the scores against a truth: the share of (positive, negative) pairs ranked right, ties half. */
  static double auc(Map<String, Double> scores, Set<String> positives) {
    List<Double> pos = new ArrayList<>();
    List<Double> neg = new ArrayList<>();
    scores.forEach((p, s) -> (positives.contains(p) ? pos : neg).add(s));
    double right = 0;
    for (double a : pos) {
      for (double b : neg) {
        right += a > b ? 1 : a == b ? 0.5 : 0;
      }
    }
    return right / ((double) pos.size() * neg.size());
  }

  @Test
  void withoutAnEarlierMembershipNightEveryModelIsSkippedWithItsReasonAndTheNightSucceeds() {
    List<Row> r = lake.readDate(Tables.MODEL_REPORTS, SEED_NIGHT).collectAsList();
    assertThat(r).hasSize(3).allSatisfy(x -> {
      assertThat(x.<String>getAs("status")).isEqualTo("skipped");
      assertThat(x.<String>getAs("message")).contains("no night of gold.segment_membership before 2026-11-09");
    });
    assertThat(lake.readDate(Tables.LOOKALIKE_SCORES, SEED_NIGHT).count()).isZero();
  }

  @Test
  void aSeedBelowTheMinimumIsSkippedWithItsSizeAndNothingIsPublishedForIt() {
    Row r = report("lal_tiny");
    assertThat(r.<String>getAs("status")).isEqualTo("skipped");
    assertThat(r.<String>getAs("message")).isEqualTo("Skipped lal_tiny: the seed segment vip had 10 members on 2026-11-09 with a profile"
        + " tonight, fewer than min_seed_size 50 (conf/lookalike.yaml model lal_tiny)");
    assertThat(r.<scala.collection.Map<String, Double>>getAs("metrics").get("seed_size").get()).isEqualTo(10.0);
    assertThat(scores("lal_tiny")).isEmpty();
  }

  @Test
  void scoresRankFutureBuyersAboveOtherProspectsAndLeaveOutTheSeedCustomersAndInactive() {
    Map<String, Double> s = scores("lal_lr");
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < PERSONS; i++) {
      String p = "P" + i;
      if (!SEED.contains(p) && !CUSTOMERS.contains(p) && !INACTIVE.contains(p)) {
        expected.add(p);
      }
    }
    assertThat(s.keySet()).isEqualTo(expected);
    double auc = auc(s, FUTURE_BUYERS);
    System.out.println("lookalike test: lal_lr AUC against the truth " + auc + " on " + s.size() + " prospects");
    assertThat(auc).isGreaterThan(0.8);
    // gbt scores everybody active, the seed included (exclude_seed: false)
    Map<String, Double> g = scores("lal_gbt");
    assertThat(g.keySet()).containsAll(SEED.stream().filter(p -> !INACTIVE.contains(p)).toList()).doesNotContainAnyElementsOf(INACTIVE);
    Map<String, Double> prospects = new HashMap<>(s);
    prospects.replaceAll((p, v) -> g.get(p));
    assertThat(auc(prospects, FUTURE_BUYERS)).isGreaterThan(0.8);
  }

  @Test
  void percentileAndRankFollowTheScore() {
    List<Row> rows = lake.readDate(Tables.LOOKALIKE_SCORES, NIGHT).where("model_id = 'lal_lr'").orderBy("rank").collectAsList();
    assertThat(rows.get(0).<Long>getAs("rank")).isEqualTo(1L);
    assertThat(rows.get(0).<Double>getAs("percentile")).isEqualTo(100.0);
    assertThat(rows.get(rows.size() - 1).<Long>getAs("rank")).isEqualTo((long) rows.size());
    for (int i = 1; i < rows.size(); i++) {
      assertThat(rows.get(i).<Double>getAs("score")).isLessThanOrEqualTo(rows.get(i - 1).<Double>getAs("score"));
      assertThat(rows.get(i).<Double>getAs("percentile")).isLessThanOrEqualTo(rows.get(i - 1).<Double>getAs("percentile"));
    }
  }

  @Test
  void theReportHasTheHeldOutAucLiftsTheReachTableAndTopFeatures() {
    Row r = report("lal_lr");
    assertThat(r.<String>getAs("status")).isEqualTo("trained");
    assertThat(r.<Double>getAs("auc")).isGreaterThan(0.75);
    scala.collection.Map<String, Double> m = r.getAs("metrics");
    assertThat(m.get("seed_size").get()).isEqualTo((double) SEED.size());
    assertThat(m.get("holdout_positives").get() + m.get("train_positives").get()).isEqualTo((double) SEED.size());
    assertThat(m.get("lift_top_10pct").get()).isGreaterThan(2.0);
    assertThat(m.get("recall_top_1pct").get()).isBetween(0.0, 1.0);
    assertThat(m.get("reach_50_min_percentile").get()).isGreaterThan(90.0);
    List<String> top = r.getList(r.fieldIndex("features"));
    assertThat(top.subList(0, 2)).containsExactlyInAnyOrder("trait.product_views_30d", "trait.cart_adds_30d");
    List<Row> reach = r.getList(r.fieldIndex("reach"));
    assertThat(reach).hasSize(21);
    assertThat(reach.get(0).<Double>getAs("top_percent")).isEqualTo(1.0);
    assertThat(reach.get(20).<Double>getAs("top_percent")).isEqualTo(100.0);
    assertThat(reach.get(20).<Long>getAs("reach")).isEqualTo((long) scores("lal_lr").size());
    // a target beyond the population is the whole population: the last row's cut
    assertThat(m.get("reach_100000_recall").get()).isEqualTo(reach.get(20).<Double>getAs("recall")).isGreaterThan(0.9);
    for (int i = 1; i < 21; i++) {
      assertThat(reach.get(i).<Long>getAs("reach")).isGreaterThanOrEqualTo(reach.get(i - 1).<Long>getAs("reach"));
      assertThat(reach.get(i).<Double>getAs("recall")).isGreaterThanOrEqualTo(reach.get(i - 1).<Double>getAs("recall"));
    }
    Row tenth = reach.get(2);
    assertThat(tenth.<Double>getAs("lift")).isCloseTo(tenth.<Double>getAs("recall") / 0.1, within(1e-9));
    assertThat(m.get("lift_top_10pct").get()).isEqualTo(tenth.<Double>getAs("lift"));
    assertThat(report("lal_gbt").<String>getAs("status")).isEqualTo("trained");
  }

  @Test
  void aReRunOfTheNightGivesIdenticalTables() {
    assertThat(SNAPSHOTS.get("re-run")).isEqualTo(SNAPSHOTS.get("run")).isNotEmpty();
    assertThat(lake.readDate(Tables.MODEL_REPORTS, NIGHT).count()).isEqualTo(3);
  }
}
