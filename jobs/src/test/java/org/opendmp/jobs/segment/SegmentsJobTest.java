package org.opendmp.jobs.segment;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.testing.TableRows;
import org.opendmp.jobs.segment.SegmentsConfig.Segment;

/**
 * The segments job over four nights of a tiny lake: membership follows rules and TTLs, entry dates survive a
 * merge, stats count adds, drops and overlaps, control groups follow the hash, and re-running a night leaves the
 * tables identical.
 */
class SegmentsJobTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02");
  static final Catalog CATALOG = new Catalog(
      Map.of("views_7d", ValueType.NUMBER), Map.of("rfm_monetary", ValueType.NUMBER),
      Map.of("vip", ValueType.BOOLEAN, "is_customer", ValueType.BOOLEAN), Set.of("age_band"), Set.of(),
      Set.of("product_view", "purchase"), Map.of("channel", Set.of("web", "store"), "category", Set.of(), "campaign", Set.of()));
  static final CompiledSegments RULES = SegmentRules.compile(new SegmentsConfig(30, List.of(
      new Segment("viewers", "viewed a product in the last 2 nights", "count(event = product_view, within 2d) >= 1", 1, null, null),
      new Segment("valuable", "VIP or top spender", "profile.vip or score.rfm_monetary >= 5", null, null, null),
      new Segment("aged_viewers", "partner age band and views", "partner.age_band is not null and trait.views_7d >= 1", null, null, null),
      new Segment("customers", "customers, half held out", "profile.is_customer", null, 0.5, null))),
      CATALOG, "test.yaml");

  static Lake lake;
  static final Map<LocalDate, List<String>> MEMBERS = new TreeMap<>();
  static final Map<LocalDate, List<String>> STATS = new TreeMap<>();

  @BeforeAll
  static void fourNights() {
    lake = SharedSpark.freshLake();
    graph(Map.of("c1", "P1", "c2", "P2", "c3", "P3", "c4", "P4", "c5", "P5"));
    // P1 views on night 1 only; P2 on nights 1 and 3; P4 on night 2, absorbed into P3 on night 3; P5 buys in store
    events(D1, ev("c1", "product_view", "web"), ev("c2", "product_view", "web"), ev("c5", "purchase", "store"));
    events(D1.plusDays(1), ev("c4", "product_view", "web"));
    events(D1.plusDays(2), ev("c2", "product_view", "web"));
    events(D1.plusDays(3), ev("c5", "purchase", "store"));
    for (int n = 0; n < 4; n++) {
      LocalDate night = D1.plusDays(n);
      if (n == 2) {
        graph(Map.of("c1", "P1", "c2", "P2", "c3", "P3", "c4", "P3", "c5", "P5"));
        lake.replaceDate(Tables.PERSON_MERGES, night, frame(Tables.PERSON_MERGES,
            Map.of("event", "merge", "old_person_id", "P4", "new_person_id", "P3", "rule", "test")));
      }
      List<Map<String, Object>> profiles = new ArrayList<>();
      profiles.add(Map.of("person_id", "P1", "vip", true, "is_customer", true));
      profiles.add(Map.of("person_id", "P2", "is_customer", false, "partner_categories", Map.of("age_band", List.of("age_25_34"))));
      profiles.add(Map.of("person_id", "P5", "is_customer", true));
      lake.replaceDate(Tables.PROFILES, night, frame(Tables.PROFILES, profiles.toArray(Map[]::new)));
      lake.replaceDate(Tables.TRAITS, night, frame(Tables.TRAITS, Map.of("person_id", "P2", "numbers", Map.of("views_7d", 2.0))));
      lake.replaceDate(Tables.SCORES, night, frame(Tables.SCORES,
          Map.of("person_id", "P5", "score", "rfm_monetary", "value", n < 2 ? 5.0 : 3.0)));
      Segments.run(new JobContext("segments", lake, night), RULES);
      MEMBERS.put(night, members(night));
      STATS.put(night, stats(night));
    }
  }

  @Test
  void membershipFollowsRulesTtlsAndMerges() {
    assertThat(MEMBERS.get(D1)).containsExactly(
        "P1 customers entered 2026-11-02", "P1 valuable entered 2026-11-02", "P1 viewers entered 2026-11-02",
        "P2 aged_viewers entered 2026-11-02", "P2 viewers entered 2026-11-02",
        "P5 customers entered 2026-11-02", "P5 valuable entered 2026-11-02");
    // night 2: P1's view is a night old (within 2d), P4 enters
    assertThat(MEMBERS.get(D1.plusDays(1))).contains("P1 viewers entered 2026-11-02", "P4 viewers entered 2026-11-03");
    // night 3: P1 out of the window but within the 1-night TTL; P4 absorbed: P3 keeps its entry date; P5 no longer top
    assertThat(MEMBERS.get(D1.plusDays(2))).contains("P1 viewers entered 2026-11-02", "P3 viewers entered 2026-11-03",
        "P2 viewers entered 2026-11-02").doesNotContain("P5 valuable entered 2026-11-02").noneMatch(m -> m.startsWith("P4"));
    // night 4: P1 past its TTL, P3's view (night 2) left the window last night: still within the TTL
    assertThat(MEMBERS.get(D1.plusDays(3))).contains("P2 viewers entered 2026-11-02", "P3 viewers entered 2026-11-03")
        .doesNotContain("P1 viewers entered 2026-11-02");
  }

  @Test
  void statsCountAddsDropsVolatilityAndOverlaps() {
    // segment members controls qualified adds drops volatility overlaps
    assertThat(STATS.get(D1)).contains("viewers 2 0 2 2 0 null {aged_viewers=1, customers=1, valuable=1}");
    assertThat(STATS.get(D1.plusDays(1))).contains("viewers 3 0 3 1 0 0.5 {aged_viewers=1, customers=1, valuable=1}");
    // night 3: P4's membership moved to P3 (a stay), P5 dropped from valuable
    assertThat(STATS.get(D1.plusDays(2))).contains("valuable 1 0 1 0 1 0.5 {customers=1, viewers=1}");
  }

  @Test
  void controlGroupsFollowTheHashOfSegmentAndPerson() {
    List<Row> rows = lake.readDate(Tables.SEGMENT_MEMBERSHIP, D1).where(col("segment_id").equalTo("customers")).collectAsList();
    assertThat(rows).hasSize(2);
    for (Row r : rows) {
      assertThat(r.<Boolean>getAs("is_control")).isEqualTo(Membership.controlDraw("customers", r.<String>getAs("person_id")) < 0.5);
    }
    assertThat(lake.readDate(Tables.SEGMENT_MEMBERSHIP, D1).where(col("segment_id").notEqual("customers").and(col("is_control"))).count()).isZero();
  }

  @Test
  void rerunningANightLeavesTheTablesIdentical() {
    LocalDate night = D1.plusDays(2);
    List<String> events = sorted(lake.readDate(Tables.SEGMENT_EVENTS, night));
    Segments.run(new JobContext("segments", lake, night), RULES);
    assertThat(members(night)).isEqualTo(MEMBERS.get(night));
    assertThat(stats(night)).isEqualTo(STATS.get(night));
    assertThat(sorted(lake.readDate(Tables.SEGMENT_EVENTS, night))).isEqualTo(events);
  }

  @Test
  void aNightWithoutTheProfilesTheRulesReadFailsBeforeWriting() {
    LocalDate night = D1.plusDays(10);
    events(night, ev("c1", "product_view", "web")); // events but no profiles: nothing of the night may be written
    assertThatThrownBy(() -> Segments.run(new JobContext("segments", lake, night), RULES))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("gold.profiles has no rows for 2026-11-12");
    assertThat(lake.readDate(Tables.SEGMENT_MEMBERSHIP, night).count()).isZero();
    assertThat(lake.readDate(Tables.SEGMENT_EVENTS, night).count()).isZero();
  }

  // ---- helpers ----

  static Object[] ev(String cookie, String type, String channel) {
    return new Object[] {cookie, type, channel};
  }

  static void events(LocalDate night, Object[]... events) {
    List<Map<String, Object>> rows = new ArrayList<>();
    int i = 0;
    for (Object[] e : events) {
      rows.add(Map.of("event_id", night + "-" + i++, "event_time", Timestamp.valueOf(night.atTime(12, 0)), "id_type", "cookie",
          "id_value", e[0], "event_type", e[1], "channel", e[2], "amount", BigDecimal.TEN));
    }
    lake.replaceDate(Tables.EVENTS, night, frame(Tables.EVENTS, rows.toArray(Map[]::new)));
  }

  static void graph(Map<String, String> ids) {
    List<Map<String, Object>> rows = new ArrayList<>();
    ids.forEach((k, v) -> rows.add(Map.of("id_type", "cookie", "id_value", k, "person_id", v, "first_seen", Date.valueOf(D1))));
    lake.overwrite(Tables.ID_GRAPH, frame(Tables.ID_GRAPH, rows.toArray(Map[]::new)));
  }

  @SafeVarargs
  static Dataset<Row> frame(TableDef t, Map<String, Object>... rows) {
    return TableRows.of(t, rows);
  }

  static List<String> members(LocalDate night) {
    return lake.readDate(Tables.SEGMENT_MEMBERSHIP, night).orderBy("person_id", "segment_id").collectAsList().stream()
        .map(r -> r.getString(0) + " " + r.getString(1) + " entered " + r.get(2)).toList();
  }

  static List<String> stats(LocalDate night) {
    Column overlaps = org.apache.spark.sql.functions.expr("cast(map_entries(overlaps) as string)");
    return lake.readDate(Tables.SEGMENT_STATS, night).select(col("*"), overlaps.as("o")).orderBy("segment_id").collectAsList().stream()
        .map(r -> r.getAs("segment_id") + " " + r.getAs("members") + " " + r.getAs("controls") + " " + r.getAs("qualified") + " "
            + r.getAs("adds") + " " + r.getAs("drops") + " " + r.getAs("volatility") + " " + overlapText(r.getAs("overlaps")))
        .toList();
  }

  static String overlapText(scala.collection.Map<String, Long> m) {
    return new TreeMap<>(scala.jdk.javaapi.CollectionConverters.asJava(m)).toString();
  }

  static List<String> sorted(Dataset<Row> d) {
    return new ArrayList<>(new TreeSet<>(d.toJSON().collectAsList()));
  }
}
