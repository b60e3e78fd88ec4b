package org.opendmp.jobs.score;

import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.opendmp.jobs.profile.TraitsConfig.Output;
import org.opendmp.jobs.score.ScoresConfig.CompiledPlan;
import org.opendmp.jobs.score.ScoresConfig.Propensity;
import org.opendmp.jobs.score.ScoresConfig.Rfm;
import org.opendmp.jobs.segment.Catalog;

/** The transforms of scores on a few inline gold.traits rows, exact. */
class ScoreFramesTest {
  static final String TRAITS = "person_id STRING, numbers MAP<STRING,DOUBLE>, texts MAP<STRING,STRING>, times MAP<STRING,TIMESTAMP>";

  static final Rfm RFM = new Rfm("days_since_last_purchase_90d", List.of("purchases_online_90d", "store_tickets_90d"),
      List.of("revenue_online_90d", "revenue_store_90d"));

  static Map<String, Double> n(Object... kv) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
    }
    return m;
  }

  static Object[] person(String id, Map<String, Double> numbers, Map<String, String> texts) {
    return new Object[] {id, numbers, texts, Map.of()};
  }

  static Map<String, Output> numberKeys(String... keys) {
    Map<String, Output> m = new TreeMap<>();
    for (String k : keys) {
      m.put(k, Output.NUMBER);
    }
    return m;
  }

  static Dataset<Row> rfmInput(Object[]... persons) {
    return ScoreFrames.input(rows(TRAITS, persons), numberKeys("days_since_last_purchase_90d", "purchases_online_90d", "store_tickets_90d",
        "revenue_online_90d", "revenue_store_90d"), null, Set.of());
  }

  /**
   * Five buyers, two persons without a purchase (a row without purchase traits, a row with zero purchases and
   * a stale recency): values tie across buyers in every dimension.
   */
  @Test
  void rfmQuintilesAmongBuyersWithTiesSharingAQuintile() {
    Dataset<Row> input = rfmInput(
        person("A", n("days_since_last_purchase_90d", 0, "purchases_online_90d", 3, "store_tickets_90d", 1, "revenue_online_90d", 100,
            "revenue_store_90d", 50), Map.of()),
        person("B", n("days_since_last_purchase_90d", 10, "purchases_online_90d", 1, "revenue_online_90d", 20), Map.of()),
        person("C", n("days_since_last_purchase_90d", 10, "store_tickets_90d", 1, "revenue_store_90d", 20), Map.of()),
        person("D", n("days_since_last_purchase_90d", 40, "purchases_online_90d", 2, "revenue_online_90d", 500), Map.of()),
        person("E", n("days_since_last_purchase_90d", 5, "purchases_online_90d", 1, "revenue_online_90d", 60), Map.of()),
        person("F", n("product_views_30d", 4), Map.of()),
        person("G", n("days_since_last_purchase_90d", 80, "purchases_online_90d", 0, "store_tickets_90d", 0), Map.of()));
    assertRows(ScoreFrames.rfm(input, RFM),
        // 1 + floor(5 x (strictly worse + tied / 2) / 5 buyers)
        // recency, as -days: D -40 | B, C -10 | E -5 | A 0
        new Object[] {"D", "rfm_recency", 1.0}, new Object[] {"B", "rfm_recency", 3.0}, new Object[] {"C", "rfm_recency", 3.0},
        new Object[] {"E", "rfm_recency", 4.0}, new Object[] {"A", "rfm_recency", 5.0},
        // frequency: B, C, E 1 | D 2 | A 4
        new Object[] {"B", "rfm_frequency", 2.0}, new Object[] {"C", "rfm_frequency", 2.0}, new Object[] {"E", "rfm_frequency", 2.0},
        new Object[] {"D", "rfm_frequency", 4.0}, new Object[] {"A", "rfm_frequency", 5.0},
        // monetary: B, C 20 | E 60 | A 150 | D 500
        new Object[] {"B", "rfm_monetary", 2.0}, new Object[] {"C", "rfm_monetary", 2.0}, new Object[] {"E", "rfm_monetary", 3.0},
        new Object[] {"A", "rfm_monetary", 4.0}, new Object[] {"D", "rfm_monetary", 5.0});
  }

  /** Ties take the quintile of their middle row: all equal is 3, a top tie of 3 in 10 is 5, a bottom tie of 8 in 10 is 3. */
  @Test
  void quintilesAreEqualSizedWithoutTiesAndATieSharesTheQuintileOfItsMiddle() {
    Object[][] ten = new Object[10][];
    Object[][] want = new Object[10][];
    for (int i = 0; i < 10; i++) {
      ten[i] = new Object[] {"p" + i, "s", (double) (10 - i)};
      want[i] = new Object[] {"p" + i, "s", (double) (5 - i / 2)};
    }
    assertRows(ScoreFrames.quintiles(rows("person_id STRING, score STRING, v DOUBLE", ten)), want);
    assertRows(ScoreFrames.quintiles(rows("person_id STRING, score STRING, v DOUBLE", new Object[] {"a", "s", 1.0}, new Object[] {"b", "s", 1.0},
        new Object[] {"c", "s", null}, new Object[] {"a", "t", 7.0})), new Object[] {"a", "s", 3.0}, new Object[] {"b", "s", 3.0},
        new Object[] {"a", "t", 3.0});
    Object[][] topTie = new Object[10][];
    Object[][] bottomTie = new Object[10][];
    for (int i = 0; i < 10; i++) {
      topTie[i] = new Object[] {"p" + i, "s", i < 3 ? 0.0 : -i};
      bottomTie[i] = new Object[] {"p" + i, "s", i < 8 ? 1.0 : i};
    }
    assertRows(ScoreFrames.quintiles(rows("person_id STRING, score STRING, v DOUBLE", topTie)).where("person_id IN ('p0', 'p9')"),
        new Object[] {"p0", "s", 5.0}, new Object[] {"p9", "s", 1.0}); // tie at positions 7..9: middle 8.5
    assertRows(ScoreFrames.quintiles(rows("person_id STRING, score STRING, v DOUBLE", bottomTie)).where("person_id IN ('p0', 'p9')"),
        new Object[] {"p0", "s", 3.0}, new Object[] {"p9", "s", 5.0}); // tie at positions 0..7: middle 4
  }

  @Test
  void planPointsAddUpOverTraitsAndProfilesAndAConditionOnAMissingValueIsFalse() {
    Map<String, Output> keys = numberKeys("product_views_30d", "days_since_last_event_90d");
    keys.put("favourite_category_30d", Output.TEXT);
    Catalog catalog = ScoresConfig.catalog(keys);
    List<String> when = List.of("trait.product_views_30d >= 5", "trait.favourite_category_30d = 'cars'",
        "trait.product_views_30d >= 5 and profile.vip", "trait.days_since_last_event_90d > 30", "not profile.vip");
    List<Double> points = List.of(10.0, 5.0, 7.0, -3.0, 0.5);
    CompiledPlan plan = new CompiledPlan("engagement", when.stream().map(w -> ScoresConfig.compile(w, catalog).sql()).toList(), points, Set.of());
    CompiledPlan other = new CompiledPlan("browsing", List.of(ScoresConfig.compile("trait.product_views_30d > 0", catalog).sql()), List.of(1.0), Set.of());
    Dataset<Row> traits = rows(TRAITS,
        person("A", n("product_views_30d", 6), Map.of("favourite_category_30d", "cars")),
        person("B", n("product_views_30d", 5, "days_since_last_event_90d", 31), Map.of()),
        person("C", n("days_since_last_event_90d", 30), Map.of("favourite_category_30d", "shoes")),
        person("D", n(), Map.of()));
    Dataset<Row> profiles = rows("person_id STRING, vip BOOLEAN, age INT", new Object[] {"A", true, 40}, new Object[] {"B", false, 30},
        new Object[] {"C", null, 20});
    Dataset<Row> input = ScoreFrames.input(traits, keys, profiles, Set.of("vip"));
    assertRows(ScoreFrames.plans(input, List.of(plan, other)),
        new Object[] {"A", "engagement", 22.0}, // 10 + 5 + 7
        new Object[] {"B", "engagement", 7.5}, // 10 - 3 + 0.5 (not vip)
        new Object[] {"C", "engagement", 0.5}, // vip null: not vip
        new Object[] {"D", "engagement", 0.5}, // no profile row: not vip
        new Object[] {"A", "browsing", 1.0}, new Object[] {"B", "browsing", 1.0}, new Object[] {"C", "browsing", 0.0},
        new Object[] {"D", "browsing", 0.0});
    assertRows(ScoreFrames.plans(input, List.of()));
  }

  @Test
  void pressureSumsTheContactTraitsOfEachWindowForEveryPerson() {
    Dataset<Row> input = ScoreFrames.input(rows(TRAITS,
            person("A", n("catalog_mailings_7d", 1, "catalog_mailings_30d", 3, "callcenter_appointments_30d", 1), Map.of()),
            person("B", n("callcenter_appointments_7d", 2, "callcenter_appointments_30d", 2), Map.of()),
            person("C", n("product_views_30d", 2), Map.of())),
        numberKeys("catalog_mailings_7d", "catalog_mailings_30d", "callcenter_appointments_7d", "callcenter_appointments_30d"), null, Set.of());
    assertRows(ScoreFrames.pressure(input, List.of("catalog_mailings", "callcenter_appointments")),
        new Object[] {"A", "pressure_7d", 1.0}, new Object[] {"A", "pressure_30d", 4.0},
        new Object[] {"B", "pressure_7d", 2.0}, new Object[] {"B", "pressure_30d", 2.0},
        new Object[] {"C", "pressure_7d", 0.0}, new Object[] {"C", "pressure_30d", 0.0});
  }

  @Test
  void propensityPercentileIsThePercentRankTimesAHundred() {
    Dataset<Row> scored = rows("person_id STRING, probability DOUBLE", new Object[] {"a", 0.1}, new Object[] {"b", 0.5},
        new Object[] {"c", 0.5}, new Object[] {"d", 0.9});
    assertRows(ScoreFrames.propensity(scored),
        new Object[] {"a", "propensity", 0.1}, new Object[] {"b", "propensity", 0.5}, new Object[] {"c", "propensity", 0.5},
        new Object[] {"d", "propensity", 0.9}, new Object[] {"a", "propensity_percentile", 0.0},
        new Object[] {"b", "propensity_percentile", 1.0 / 3 * 100}, new Object[] {"c", "propensity_percentile", 1.0 / 3 * 100},
        new Object[] {"d", "propensity_percentile", 100.0});
  }

  /** Horizon 2: the label of night d is read on night d + 2; a person without a row that night is a negative. */
  @Test
  void examplesTakeTheirLabelFromTheNightHorizonNightsLater() {
    LocalDate d1 = LocalDate.parse("2026-11-01");
    Propensity p = new Propensity(2, List.of("purchases_online_2d", "store_tickets_2d"), List.of("views_7d"), 10, 1, 1, 1, 10, 0.0);
    Dataset<Row> history = rows("person_id STRING, numbers MAP<STRING,DOUBLE>, run_date DATE",
        new Object[] {"A", n("views_7d", 2), Date.valueOf(d1)},
        new Object[] {"B", n(), Date.valueOf(d1)},
        new Object[] {"C", n("views_7d", 3), Date.valueOf(d1)},
        new Object[] {"A", n("views_7d", 1), Date.valueOf(d1.plusDays(1))},
        new Object[] {"A", n("store_tickets_2d", 1), Date.valueOf(d1.plusDays(2))},
        new Object[] {"B", n("purchases_online_2d", 0), Date.valueOf(d1.plusDays(2))},
        new Object[] {"A", n("purchases_online_2d", 0), Date.valueOf(d1.plusDays(3))});
    assertRows(ScoreFrames.examples(history, d1, d1.plusDays(1), p).select("person_id", "feature_night", "f__views_7d", "label"),
        new Object[] {"A", d1, StrictMath.log1p(2), 1.0}, new Object[] {"B", d1, 0.0, 0.0}, new Object[] {"C", d1, StrictMath.log1p(3), 0.0},
        new Object[] {"A", d1.plusDays(1), StrictMath.log1p(1), 0.0});
  }
}
