package org.opendmp.jobs.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.segment.CompiledSegments.CompiledSegment;
import org.opendmp.jobs.segment.SegmentsConfig.Segment;

/** Names, types, windows and segment references checked at load, and the SQL the rules compile to. */
class SegmentCompilerTest {
  private static final Catalog CATALOG =
      new Catalog(
          Map.of("product_views_30d", ValueType.NUMBER, "last_viewed_sku_7d", ValueType.TEXT,
              "last_purchase_time_90d", ValueType.TIMESTAMP),
          Map.of("propensity", ValueType.NUMBER),
          Map.of("vip", ValueType.BOOLEAN, "region", ValueType.TEXT, "customer_since", ValueType.DATE),
          Set.of("age_band", "csp"),
          Set.of("age_25_34", "age_35_44", "csp_cadre", "auto_intender"),
          Set.of("cart_add", "cart_abandon", "purchase", "wifi_login", "product_view"),
          Map.of("channel", Set.of("web", "app", "store"), "category", Set.of()));

  private static Segment seg(String id, String rule) {
    return new Segment(id, "test", rule, null, null, null);
  }

  private static CompiledSegments compile(Segment... segments) {
    return SegmentRules.compile(new SegmentsConfig(30, List.of(segments)), CATALOG, "segments.yaml");
  }

  private static String sql(String rule) {
    return compile(seg("s", rule)).ordered().get(0).sql();
  }

  private static String error(String rule) {
    try {
      compile(seg("s", rule), seg("other", "profile.vip"));
    } catch (DmpException e) {
      return e.getMessage();
    }
    throw new AssertionError("no error for " + rule);
  }

  @Test
  void refsCompileToTwoValuedConditionsOnTheirColumns() {
    assertThat(sql("trait.product_views_30d >= 3")).isEqualTo("coalesce(`trait__product_views_30d` >= 3, false)");
    assertThat(sql("profile.vip")).isEqualTo("coalesce(`profile__vip`, false)");
    assertThat(sql("not profile.vip = false")).isEqualTo("(NOT coalesce(`profile__vip` = false, false))");
    assertThat(sql("profile.region in ('idf', 'l''ouest') or profile.region is null"))
        .isEqualTo("(coalesce(`profile__region` IN ('idf', 'l\\'ouest'), false) OR (`profile__region` IS NULL))");
    assertThat(sql("profile.customer_since >= '2020-01-01' and trait.last_purchase_time_90d < '2026-11-01T12:00:00'"))
        .isEqualTo("(coalesce(`profile__customer_since` >= DATE '2020-01-01', false) AND "
            + "coalesce(`trait__last_purchase_time_90d` < TIMESTAMP '2026-11-01T12:00:00', false))");
  }

  @Test
  void partnerCategoriesAreListsWhereNullIsEmpty() {
    String list = "coalesce(`partner__age_band`, CAST(array() AS ARRAY<STRING>))";
    assertThat(sql("partner.age_band in ('age_25_34', 'age_35_44')"))
        .isEqualTo("coalesce(arrays_overlap(" + list + ", array('age_25_34', 'age_35_44')), false)");
    assertThat(sql("partner.age_band = 'age_25_34'")).isEqualTo("coalesce(array_contains(" + list + ", 'age_25_34'), false)");
    assertThat(sql("partner.age_band not in ('age_25_34')"))
        .isEqualTo("(NOT coalesce(arrays_overlap(" + list + ", array('age_25_34')), false))");
    assertThat(sql("partner.csp is not null")).isEqualTo("(coalesce(size(`partner__csp`), 0) > 0)");
    assertThat(sql("has_partner_segment('auto_intender')"))
        .isEqualTo("coalesce(array_contains(`partner__codes`, 'auto_intender'), false)");
  }

  @Test
  void eventCountsReadOneAggregateEach() {
    CompiledSegments c = compile(seg("s", "count(event = cart_add and category = 'cars', within 7d) >= 1"));
    EventAggregate a = c.eventAggregates().get(0);
    assertThat(a.kind()).isEqualTo(EventAggregate.Kind.COUNT);
    assertThat(a.fromAgo()).isZero();
    assertThat(a.toAgo()).isEqualTo(6);
    assertThat(a.filterSql()).isEqualTo("`category` IN ('cars') AND `event_type` IN ('cart_add')");
    assertThat(c.ordered().get(0).sql()).isEqualTo("(coalesce(`" + a.column() + "`, 0) >= 1)");
    assertThat(a.column()).matches("event__count__[0-9a-f]{10}");
  }

  @Test
  void equalFiltersShareTheirAggregateAcrossRules() {
    CompiledSegments c = compile(
        seg("a", "count(event = cart_add and channel in (web, app), within 7d) >= 1"),
        seg("b", "count(channel in (app, web) and event = cart_add, within 7d) = 0"),
        seg("c", "count(event = cart_add and channel in (web, app), between 7d and 13d ago) = 0"));
    assertThat(c.eventAggregates()).hasSize(2);
    assertThat(c.eventAggregates().get(0).filterSql()).isEqualTo("`channel` IN ('app', 'web') AND `event_type` IN ('cart_add')");
  }

  @Test
  void sequencesPairTwoDayListsWithinTheGap() {
    CompiledSegments c = compile(seg("s", "count(event = wifi_login, within 7d, after event = cart_abandon within 3d) >= 1"));
    EventAggregate counted = c.eventAggregates().get(0);
    EventAggregate paired = c.eventAggregates().get(1);
    assertThat(counted.kind()).isEqualTo(EventAggregate.Kind.DAYS);
    assertThat(List.of(counted.fromAgo(), counted.toAgo())).containsExactly(0, 6);
    // an abandon up to 3 days before a login 6 days ago is 9 days ago
    assertThat(List.of(paired.fromAgo(), paired.toAgo())).containsExactly(0, 9);
    assertThat(c.ordered().get(0).sql()).isEqualTo(
        "(coalesce(aggregate(filter(`" + counted.column() + "`, c -> exists(`" + paired.column()
            + "`, o -> o.ago - c.ago BETWEEN 0 AND 3)), CAST(0 AS BIGINT), (acc, c) -> acc + c.n), 0) >= 1)");
    CompiledSegments before = compile(seg("s", "count(event = product_view, between 2d and 9d ago, before event = purchase within 3d) = 0"));
    EventAggregate purchases = before.eventAggregates().get(1);
    assertThat(List.of(purchases.fromAgo(), purchases.toAgo())).containsExactly(0, 9);
    assertThat(before.ordered().get(0).sql()).contains("c.ago - o.ago BETWEEN 0 AND 3");
  }

  @Test
  void segmentReferencesComeFirstInEvaluationOrder() {
    CompiledSegments c = compile(
        seg("retarget", "segment.viewers and not segment.buyers"),
        seg("viewers", "trait.product_views_30d >= 1 and not segment.buyers"),
        seg("buyers", "count(event = purchase, within 30d) >= 1"),
        seg("loners", "profile.vip"));
    assertThat(c.ordered().stream().map(CompiledSegment::id)).containsExactly("buyers", "viewers", "retarget", "loners");
    assertThat(c.ordered().get(2).dependsOn()).containsExactly("viewers", "buyers");
    assertThat(c.ordered().get(2).sql()).isEqualTo("(coalesce(`segment__viewers`, false) AND (NOT coalesce(`segment__buyers`, false)))");
    assertThat(c.inputColumns()).containsOnlyKeys("trait__product_views_30d", "profile__vip");
  }

  @Test
  void cyclesAreRefusedAtTheReferenceThatClosesThem() {
    assertThatThrownBy(() -> compile(
            seg("a", "profile.vip and segment.b"),
            seg("b", "segment.c"),
            seg("c", "trait.product_views_30d > 1 or segment.a")))
        .isInstanceOf(DmpException.class)
        .hasMessage("Cannot load segments: segment references form a cycle: a -> b -> c -> a"
            + " (file segments.yaml, segment c, column 32)");
    assertThatThrownBy(() -> compile(seg("a", "segment.a")))
        .hasMessage("Cannot load segments: segment 'a' refers to itself (file segments.yaml, segment a, column 1)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock = """
          trait.product_view_30d > 1           | 1  | unknown trait 'product_view_30d', did you mean 'product_views_30d'?
          score.rfm > 1                        | 1  | unknown score 'rfm'
          profile.vip and profile.viip         | 17 | unknown profile attribute 'viip', did you mean 'vip'?
          partner.age > 1                      | 1  | unknown partner category 'age'
          segment.others                       | 1  | unknown segment 'others', did you mean 'other'?
          trait.product_views_30d > 'ten'      | 27 | trait.product_views_30d is a number, it cannot be compared with 'ten'
          trait.product_views_30d              | 1  | trait.product_views_30d is a number, not a condition: compare it (e.g. trait.product_views_30d >= 1)
          profile.region = 1                   | 18 | profile.region is a text, it cannot be compared with 1
          profile.vip = 'yes'                  | 15 | profile.vip is a boolean, it cannot be compared with 'yes'
          profile.vip > true                   | 13 | profile.vip is a boolean: only = and != apply, not >
          profile.vip in (true)                | 13 | profile.vip is a boolean: write profile.vip or not profile.vip
          profile.customer_since > '2020-13-01' | 26 | profile.customer_since is a date: expected 'YYYY-MM-DD', got '2020-13-01'
          profile.customer_since > 2020        | 26 | profile.customer_since is a date, it cannot be compared with 2020 (dates are quoted: '2026-11-02')
          partner.age_band > 'age_25_34'       | 18 | partner.age_band is a list of codes: only =, != and in apply, not >
          partner.age_band = 'age_99'          | 20 | unknown partner segment code 'age_99'
          partner.age_band                     | 1  | partner.age_band is a list of codes, not a condition
          has_partner_segment('auto_intendr')  | 21 | unknown partner segment code 'auto_intendr', did you mean 'auto_intender'?
          segment.other is null                | 15 | a segment is never null
          count(event = cart_ad, within 7d) >= 1 | 15 | unknown event type 'cart_ad', did you mean 'cart_add'?
          count(event = cart_add and chanel = web, within 7d) >= 1 | 28 | unknown event field 'chanel', did you mean 'channel'? (fields: category, channel, event)
          count(channel in (web, mail), within 7d) >= 1 | 19 | unknown channel 'mail'
          count(event = cart_add, within 31d) >= 1 | 25 | the window reaches 31 days back, beyond event_history_days (30)
          count(event = cart_add, between 2d and 30d ago) >= 1 | 25 | the window reaches 31 days back
          count(event = wifi_login, within 28d, after event = cart_abandon within 3d) >= 1 | 39 | the window with the 3-day gap reaches 31 days back, beyond event_history_days (30)
          """)
  void unknownNamesAndTypeMismatchesNameSegmentAndColumn(String rule, int column, String problem) {
    assertThat(error(rule)).startsWith("Cannot load segments: " + problem).endsWith("(file segments.yaml, segment s, column " + column + ")");
  }

  @Test
  void categoryValuesAreFreeWhenTheCatalogKnowsNone() {
    assertThat(sql("count(category = 'anything', within 1d) >= 1")).startsWith("(coalesce(`event__count__");
  }

  @Test
  void inputSchemaListsEveryColumnTheRulesRead() {
    CompiledSegments c = compile(
        seg("a", "trait.product_views_30d > 1 and partner.csp = 'csp_cadre' and has_partner_segment('auto_intender')"),
        seg("b", "count(event = wifi_login, within 7d, after event = cart_abandon within 3d) >= 1 and segment.a"));
    assertThat(c.inputSchema().simpleString()).isEqualTo(
        "struct<person_id:string,partner__codes:array<string>,partner__csp:array<string>,trait__product_views_30d:double,"
            + c.eventAggregates().get(0).column() + ":array<struct<ago:int,n:bigint>>,"
            + c.eventAggregates().get(1).column() + ":array<struct<ago:int,n:bigint>>>");
  }

  // ---- the file ----

  @Test
  void shippedSegmentsCompileAgainstTheKnownNames() {
    CompiledSegments c = SegmentRules.load(Path.of("../conf/segments.yaml"), KnownNames.catalog());
    assertThat(c.ordered().stream().map(CompiledSegment::id)).containsExactlyInAnyOrder(
        "car_intenders", "cart_abandoners_store_visit", "callcenter_browsed", "existing_customers", "vip",
        "retargeting_candidates", "recent_purchasers", "high_propensity_prospects", "purchaser_lookalikes");
    List<String> order = c.ordered().stream().map(CompiledSegment::id).toList();
    assertThat(order.indexOf("recent_purchasers")).isLessThan(order.indexOf("retargeting_candidates"));
    assertThat(order.indexOf("existing_customers")).isLessThan(order.indexOf("high_propensity_prospects"));
    assertThat(c.eventHistoryDays()).isEqualTo(90);
  }

  @Test
  void errorsInAFileNameTheFileTheSegmentAndTheColumn(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("segments.yaml");
    Files.writeString(file, """
        segments:
          - id: fine
            description: ok
            rule: profile.vip
          - id: broken
            description: a typo in a trait
            rule: >
              count(event = cart_add, within 7d) >= 1
              and trait.product_veiws_30d >= 2
        """);
    assertThatThrownBy(() -> SegmentRules.load(file, CATALOG))
        .hasMessage("Cannot load segments: unknown trait 'product_veiws_30d', did you mean 'product_views_30d'?"
            + " (file " + file + ", segment broken, column 45)");
  }

  @Test
  void theFileShapeIsCheckedFirst(@TempDir Path dir) throws IOException {
    assertThat(shapeError(dir, "segments:\n  - {id: a, description: x, rule: profile.vip}\n  - {id: a, description: y, rule: profile.vip}\n"))
        .contains("'a' is declared twice");
    assertThat(shapeError(dir, "segments:\n  - {id: Bad-Id, description: x, rule: profile.vip}\n"))
        .contains("must be lower snake_case");
    assertThat(shapeError(dir, "segments:\n  - {id: a, description: x, rule: profile.vip, control_share: 0.6}\n"))
        .contains("control_share").contains("must be between 0.0 and 0.5, got 0.6");
    assertThat(shapeError(dir, "segments:\n  - {id: a, description: x, rule: profile.vip, ttl: 3}\n"))
        .contains("unknown key");
    assertThat(shapeError(dir, "segments:\n  - {id: a, description: x, rule: '  '}\n")).contains("rule").contains("is empty");
    assertThat(shapeError(dir, "segments:\n  - {id: a, rule: profile.vip}\n")).contains("description").contains("required");
  }

  private static String shapeError(Path dir, String yaml) throws IOException {
    Path file = Files.writeString(dir.resolve("s.yaml"), yaml);
    try {
      SegmentRules.load(file, CATALOG);
    } catch (DmpException e) {
      assertThat(e.getMessage()).startsWith("Cannot load config:").contains(file.toString());
      return e.getMessage();
    }
    throw new AssertionError("no error for " + yaml);
  }

  @Test
  void defaultsOfASegment() {
    Segment s = seg("a", "profile.vip");
    assertThat(s.ttlDays()).isZero();
    assertThat(s.controlShare()).isZero();
    assertThat(s.tags()).isEmpty();
    assertThat(new SegmentsConfig(null, List.of(s)).eventHistoryDays()).isEqualTo(90);
  }
}
