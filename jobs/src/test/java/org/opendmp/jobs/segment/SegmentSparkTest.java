package org.opendmp.jobs.segment;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.segment.SegmentsConfig.Segment;

/** Compiled rules, event aggregates and membership on a few inline rows (the one Spark test of segments). */
class SegmentSparkTest {
  private static final LocalDate D = LocalDate.parse("2026-11-10");
  private static final Catalog CATALOG =
      new Catalog(
          Map.of("revenue_90d", ValueType.NUMBER),
          Map.of(),
          Map.of("vip", ValueType.BOOLEAN),
          Set.of("age_band", "csp"),
          Set.of(),
          Set.of("product_view", "cart_abandon", "wifi_login", "purchase", "store_purchase"),
          Map.of("channel", Set.of("web", "app", "store"), "category", Set.of()));

  private static final String DAILY =
      "person_id STRING, day DATE, event_type STRING, channel STRING, category STRING, n BIGINT";

  private static Object[] ev(String person, String day, String type, String channel, String category, long n) {
    return new Object[] {person, Date.valueOf(day), type, channel, category, n};
  }

  private static Segment seg(String id, String rule) {
    return new Segment(id, "test", rule, null, null, null);
  }

  @Test
  void rulesSelectExactlyTheirMembers() {
    CompiledSegments segments = SegmentRules.compile(new SegmentsConfig(30, List.of(
        seg("retarget", "count(event in (product_view, cart_abandon) and channel in (web, app), within 14d) >= 1"
            + " and not segment.buyers and not segment.store_visit"),
        seg("car", "count(event = product_view and category = 'cars', within 30d) >= 1"
            + " and partner.age_band in ('age_25_34', 'age_35_44') and partner.csp is not null"),
        seg("auto", "has_partner_segment('auto_intender') and not partner.age_band = 'age_25_34'"),
        seg("store_visit", "count(event = wifi_login, within 7d, after event = cart_abandon and channel in (web, app) within 3d) >= 1"),
        seg("buyers", "count(event in (purchase, store_purchase), within 30d) >= 1"),
        seg("lapsed_viewers", "count(event = product_view, between 3d and 29d ago) >= 1 and count(event = product_view, within 3d) = 0"),
        seg("big_or_vip", "profile.vip or trait.revenue_90d >= 100"),
        seg("vip_without_events", "profile.vip and count(event = product_view, within 30d) = 0"))),
        CATALOG, "test");
    Dataset<Row> daily = rows(DAILY,
        ev("p1", "2026-11-05", "product_view", "web", "cars", 2),      // car viewer with partner data
        ev("p2", "2026-11-05", "product_view", "web", "cars", 1),      // car viewer without a csp
        ev("p3", "2026-11-06", "cart_abandon", "web", null, 1),       // abandon, then store 2 days later
        ev("p3", "2026-11-08", "wifi_login", "store", null, 1),
        ev("p3", "2026-11-09", "product_view", "app", "home", 1),
        ev("p4", "2026-11-02", "cart_abandon", "web", null, 1),       // store 6 days after: too late
        ev("p4", "2026-11-08", "wifi_login", "store", null, 1),
        ev("p4", "2026-11-09", "product_view", "web", "home", 3),
        ev("p5", "2026-11-05", "wifi_login", "store", null, 1),        // store before the abandon
        ev("p5", "2026-11-06", "cart_abandon", "app", null, 1),
        ev("p5", "2026-11-01", "purchase", "web", null, 1),
        ev("p6", "2026-11-01", "cart_abandon", "app", null, 1),       // login 7 days ago: outside within 7d
        ev("p6", "2026-11-03", "wifi_login", "store", null, 1),
        ev("p7", "2026-11-10", "cart_abandon", "web", null, 1),       // same day counts
        ev("p7", "2026-11-10", "wifi_login", "store", null, 1),
        ev("p7", "2026-11-10", "cart_abandon", "store", null, 1),
        ev("p8", "2026-08-01", "purchase", "web", null, 1),            // beyond every window
        ev("p8", "2026-11-11", "purchase", "web", null, 1));           // after the run date
    Dataset<Row> aggregates = SegmentFrames.eventAggregates(daily, D, segments.eventAggregates());
    Dataset<Row> persons = rows(
        "person_id STRING, profile__vip BOOLEAN, trait__revenue_90d DECIMAL(18,2), partner__age_band ARRAY<STRING>,"
            + " partner__csp ARRAY<STRING>, partner__codes ARRAY<STRING>",
        new Object[] {"p1", false, null, new String[] {"age_25_34"}, new String[] {"csp_cadre"},
            new String[] {"age_25_34", "csp_cadre", "auto_intender"}},
        new Object[] {"p2", null, new java.math.BigDecimal("99.99"), new String[] {"age_25_34"}, new String[] {},
            new String[] {"age_25_34"}},
        new Object[] {"p3", false, new java.math.BigDecimal("100.00"), null, null, new String[] {"auto_intender"}},
        new Object[] {"p4", false, null, new String[] {"age_55_64"}, null, new String[] {"age_55_64", "auto_intender"}},
        new Object[] {"p5", null, null, null, null, null},
        new Object[] {"p6", null, null, null, null, null},
        new Object[] {"p7", null, null, null, null, null},
        new Object[] {"p8", null, null, null, null, null},
        new Object[] {"p9", true, null, null, null, null});
    Dataset<Row> input = persons.join(aggregates.withColumnRenamed("person_id", "a_person"),
            col("person_id").equalTo(col("a_person")), "left").drop("a_person");
    SegmentFrames.checkInput(input.schema(), segments);

    assertRows(SegmentFrames.qualify(input, segments).select("segment_id", "person_id"),
        new Object[] {"car", "p1"},
        new Object[] {"auto", "p3"},
        new Object[] {"auto", "p4"},
        new Object[] {"store_visit", "p3"},
        new Object[] {"store_visit", "p7"},
        new Object[] {"buyers", "p5"},
        new Object[] {"retarget", "p1"},
        new Object[] {"retarget", "p2"},
        new Object[] {"retarget", "p4"},
        new Object[] {"retarget", "p6"},
        new Object[] {"lapsed_viewers", "p1"},
        new Object[] {"lapsed_viewers", "p2"},
        new Object[] {"big_or_vip", "p3"},
        new Object[] {"big_or_vip", "p9"},
        new Object[] {"vip_without_events", "p9"});
  }

  @Test
  void eventAggregatesSumCountsAndListDays() {
    CompiledSegments segments = SegmentRules.compile(new SegmentsConfig(30, List.of(
        seg("s", "count(event = wifi_login, within 7d, after event = cart_abandon within 3d) >= 1"
            + " and count(channel = web, between 1d and 2d ago) > 0"))), CATALOG, "test");
    Dataset<Row> daily = rows(DAILY,
        ev("p1", "2026-11-10", "wifi_login", "store", null, 2),
        ev("p1", "2026-11-09", "cart_abandon", "web", "a", 1),
        ev("p1", "2026-11-09", "cart_abandon", "web", "b", 4),
        ev("p1", "2026-11-01", "cart_abandon", "app", null, 1),
        ev("p2", "2026-11-09", "product_view", "web", null, 5));
    List<EventAggregate> aggs = segments.eventAggregates();
    Dataset<Row> out = SegmentFrames.eventAggregates(daily, D, aggs);
    assertThat(out.columns()).containsExactly("person_id", aggs.get(0).column(), aggs.get(1).column(), aggs.get(2).column());
    // DAYS lists come in no particular order: sorted here
    assertRows(out.select(col("person_id"), array_sort(col(aggs.get(0).column())).cast("string"),
            array_sort(col(aggs.get(1).column())).cast("string"), col(aggs.get(2).column())),
        new Object[] {"p1", "[{0, 2}]", "[{1, 1}, {1, 4}, {9, 1}]", 5L},
        new Object[] {"p2", "[]", "[]", 5L});
  }

  @Test
  void inputsThatDoNotFitTheRulesAreRefusedBeforeAnyJob() {
    CompiledSegments segments = SegmentRules.compile(new SegmentsConfig(30, List.of(
        seg("s", "profile.vip and trait.revenue_90d > 1 and partner.csp = 'x'"))), CATALOG, "test");
    Dataset<Row> input = rows("person_id STRING, profile__vip STRING, trait__revenue_90d BIGINT");
    assertThatThrownBy(() -> SegmentFrames.checkInput(input.schema(), segments))
        .isInstanceOf(DmpException.class)
        .hasMessage("Cannot evaluate segments: the input frame does not fit the rules: partner__csp is missing;"
            + " profile__vip is string, expected boolean (input of the segments job)");
  }

  // ---- membership ----

  private static final String QUALIFIED = "person_id STRING, segment_id STRING, qualifies BOOLEAN";
  private static final String MEMBERS = "person_id STRING, segment_id STRING, entered_on DATE, last_qualified DATE";
  private static final List<Segment> SEGMENTS = List.of(
      new Segment("a", "ttl 2", "x", 2, null, null),
      new Segment("b", "no ttl", "x", 0, null, null),
      new Segment("c", "half control", "x", 0, 0.5, null));

  private static Object[] m(String person, String segment, String entered, String last) {
    return new Object[] {person, segment, Date.valueOf(entered), Date.valueOf(last)};
  }

  private static Object[] out(String person, String segment, String entered, String last, boolean control, String change) {
    return new Object[] {person, segment, Date.valueOf(entered), Date.valueOf(last), control, change};
  }

  @Test
  void ttlKeepsMembersAndEntryDatesAcrossNights() {
    Dataset<Row> previous = rows(MEMBERS,
        m("p1", "a", "2026-11-01", "2026-11-08"),   // 2 nights ago: within TTL
        m("p2", "a", "2026-11-01", "2026-11-07"),   // 3 nights ago: dropped
        m("p3", "a", "2026-11-05", "2026-11-09"),   // qualifies again
        m("p4", "b", "2026-11-09", "2026-11-09"),   // no TTL
        m("p5", "gone", "2026-10-01", "2026-11-09")); // segment removed from the file
    Dataset<Row> qualified = rows(QUALIFIED,
        new Object[] {"p3", "a", true},
        new Object[] {"p6", "a", true},
        new Object[] {"p7", "b", false},
        new Object[] {"p8", "b", true});
    Dataset<Row> tonight = Membership.roll(qualified, previous, SEGMENTS, D);
    assertRows(tonight,
        out("p1", "a", "2026-11-01", "2026-11-08", false, "stay"),
        out("p2", "a", "2026-11-01", "2026-11-07", false, "drop"),
        out("p3", "a", "2026-11-05", "2026-11-10", false, "stay"),
        out("p6", "a", "2026-11-10", "2026-11-10", false, "add"),
        out("p4", "b", "2026-11-09", "2026-11-09", false, "drop"),
        out("p8", "b", "2026-11-10", "2026-11-10", false, "add"),
        out("p5", "gone", "2026-10-01", "2026-11-09", false, "drop"));

    // The next night only p2 qualifies: p1 (last 11-08) is now 3 nights past, p3 and p6 (last 11-10) 1 night;
    // p2, dropped last night, comes back with a new entry date.
    Dataset<Row> members = tonight.where(col("change").notEqual("drop")).drop("is_control", "change");
    Dataset<Row> next = Membership.roll(rows(QUALIFIED, new Object[] {"p2", "a", true}), members, SEGMENTS, D.plusDays(1));
    assertRows(next,
        out("p1", "a", "2026-11-01", "2026-11-08", false, "drop"),
        out("p2", "a", "2026-11-11", "2026-11-11", false, "add"),
        out("p3", "a", "2026-11-05", "2026-11-10", false, "stay"),
        out("p6", "a", "2026-11-10", "2026-11-10", false, "stay"),
        out("p8", "b", "2026-11-10", "2026-11-10", false, "drop"));
  }

  @Test
  void controlGroupIsTheJavaDrawOfSegmentAndPerson() {
    List<Object[]> qualified = new ArrayList<>();
    List<Object[]> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String p = "P" + i;
      qualified.add(new Object[] {p, "c", true});
      qualified.add(new Object[] {p, "b", true});
      boolean control = Membership.controlDraw("c", p) < 0.5;
      expected.add(new Object[] {p, "c", control});
      expected.add(new Object[] {p, "b", false});
    }
    assertThat(expected.stream().filter(r -> (Boolean) r[2]).count()).isBetween(10L, 30L);
    Dataset<Row> tonight = Membership.roll(rows(QUALIFIED, qualified.toArray(Object[][]::new)), rows(MEMBERS), SEGMENTS, D);
    assertRows(tonight.select("person_id", "segment_id", "is_control"), expected.toArray(Object[][]::new));
    Dataset<Row> sameDraw = rows("segment_id STRING, person_id STRING", new Object[] {"c", "P7"})
        .select(Membership.controlDraw(col("segment_id"), col("person_id")));
    assertThat(sameDraw.first().getDouble(0)).isEqualTo(Membership.controlDraw("c", "P7"));
  }
}
