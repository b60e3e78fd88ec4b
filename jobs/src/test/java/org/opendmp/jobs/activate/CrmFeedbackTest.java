package org.opendmp.jobs.activate;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.activate.DestinationsConfig.Crm;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.activate.delivery.RetryPolicy;
import org.opendmp.jobs.testing.TableRows;

/**
 * The crm_feedback destination (seed use case 3) over two nights of a tiny lake: the file's header and lines
 * (segments, scores, VIP flag, pages since the last contact, the recommendation and both tie-breaks), a person
 * without crm_id or without consent not sent, the second night's changes and removals, and a re-run that reproduces
 * the file and the tables.
 */
class CrmFeedbackTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02");
  static final LocalDate D2 = D1.plusDays(1);
  static final DestinationsConfig CONF = new DestinationsConfig(List.of(new Destination("crm_feedback", "CRM",
      List.of("crm_id"), ActivateJobTest.ordered("callcenter_browsed", "CALLCENTER", "vip", "VIP"), "email", null, "crm",
      "incremental", null, null, null, null, null, null, null, null,
      new Crm(List.of("engagement", "propensity_percentile"), 30, 10))));

  static Lake lake;

  @BeforeAll
  static void twoNights() {
    lake = SharedSpark.freshLake();
    // P1 (C1) browsed after a catalog; P2 (C2) VIP segment, never contacted; P3 no crm_id; P4 no email consent;
    // P9 only buys
    lake.overwrite(Tables.ID_GRAPH, TableRows.of(Tables.ID_GRAPH,
        ActivateJobTest.id("crm_id", "C1", "P1"), ActivateJobTest.id("cookie", "ck1", "P1"),
        ActivateJobTest.id("crm_id", "C2", "P2"), ActivateJobTest.id("cookie", "ck2", "P2"),
        ActivateJobTest.id("cookie", "ck3", "P3"), ActivateJobTest.id("crm_id", "C4", "P4"),
        ActivateJobTest.id("cookie", "ck9", "P9")));
    List<Map<String, Object>> events = new ArrayList<>(List.of(
        event("2026-10-24T10:00:00", "product_view", "ck1", "A1", "shoes"), // before P1's catalog: not listed
        event("2026-10-25T09:00:00", "catalog_mailing", "C1", null, null),
        event("2026-10-30T10:00:00", "product_view", "ck1", "S2", "shoes"),
        event("2026-10-31T10:00:00", "product_view", "ck1", "S3", "shoes"),
        event("2026-11-01T10:00:00", "product_view", "ck1", "B1", "bags"),
        event("2026-11-01T12:00:00", "product_view", "ck1", "S2", "shoes"),
        // tonight's appointment is the one the agent prepares: not the last contact yet
        event("2026-11-02T09:00:00", "callcenter_appointment", "C1", null, null),
        // P2: one shoe and one bag viewed: the category tie goes to bags
        event("2026-10-30T10:00:00", "product_view", "ck2", "B1", "bags"),
        event("2026-11-01T10:00:00", "product_view", "ck2", "S5", "shoes"),
        event("2026-10-29T10:00:00", "product_view", "ck3", "S2", "shoes"),
        // purchases: in shoes S3 and S5 tie at 2 (S5's category comes from the views), S3 wins; B9 sells in bags
        event("2026-10-28T10:00:00", "purchase", "ck9", "S3", "shoes"),
        event("2026-10-29T10:00:00", "store_purchase", "ck9", "S3", "shoes"),
        event("2026-10-28T11:00:00", "purchase", "ck9", "S5", null),
        event("2026-10-29T11:00:00", "purchase", "ck2", "S5", "shoes"),
        event("2026-10-20T11:00:00", "purchase", "ck9", "A1", "shoes"),
        event("2026-10-30T11:00:00", "purchase", "ck9", "B9", "bags"),
        event("2026-10-01T11:00:00", "purchase", "ck9", "S2", "shoes"), // out of the 30-night window
        event("2026-10-01T11:00:00", "purchase", "ck9", "S2", "shoes"),
        event("2026-10-01T11:00:00", "purchase", "ck9", "S2", "shoes")));
    Map<LocalDate, List<Map<String, Object>>> byNight = new java.util.TreeMap<>();
    events.forEach(e -> byNight.computeIfAbsent(((Timestamp) e.get("event_time")).toLocalDateTime().toLocalDate(),
        k -> new ArrayList<>()).add(e));
    byNight.forEach((night, rows) -> lake.replaceDate(Tables.EVENTS, night, TableRows.of(Tables.EVENTS, rows.toArray(Map[]::new))));

    night(D1, 7.0, ActivateJobTest.member("P2", "vip", false));
    run(D1);
    // night 2: P2 leaves vip; P1's engagement rises; P1's appointment is now the last contact: nothing seen since
    night(D2, 8.0);
    run(D2);
  }

  @Test
  void theFirstNightTellsTheCrmSegmentsScoresVipPagesAndARecommendation() {
    assertThat(files().get("crm_feedback/dt=2026-11-02/crm_feedback_incremental_20261102_001.csv")).isEqualTo("""
        crm_id,segments,removed_segments,engagement,propensity_percentile,vip,pages_since_contact,recommended_product
        C1,CALLCENTER,,7.0,92.5,true,S2|B1|S3,S3
        C2,VIP,,,,false,S5|B1,B9
        """);
  }

  @Test
  void theSecondNightResendsChangesAndRemovesLeavers() {
    assertThat(files().get("crm_feedback/dt=2026-11-03/crm_feedback_incremental_20261103_001.csv")).isEqualTo("""
        crm_id,segments,removed_segments,engagement,propensity_percentile,vip,pages_since_contact,recommended_product
        C1,CALLCENTER,,8.0,92.5,true,,
        C2,,VIP,,,,,
        """);
  }

  @Test
  void rerunningANightReproducesTheFileAndTheTables() {
    Map<String, String> before = files();
    List<String> audience = rows(lake.readDate(Tables.AUDIENCE, D2));
    List<String> log = rows(lake.readDate(Tables.EXPORTS, D2));
    run(D2);
    assertThat(files()).isEqualTo(before);
    assertThat(rows(lake.readDate(Tables.AUDIENCE, D2))).isEqualTo(audience);
    assertThat(rows(lake.readDate(Tables.EXPORTS, D2))).isEqualTo(log);
    assertThat(audience).hasSize(1).allMatch(r -> r.contains("P1"));
  }

  // ---- helpers ----

  /** The night's segments (P1, P3 and P4 browsed before a call), profiles and scores. */
  @SafeVarargs
  static void night(LocalDate date, double engagement, Map<String, Object>... more) {
    List<Map<String, Object>> members = new ArrayList<>(List.of(ActivateJobTest.member("P1", "callcenter_browsed", false),
        ActivateJobTest.member("P3", "callcenter_browsed", false), ActivateJobTest.member("P4", "callcenter_browsed", false)));
    members.addAll(List.of(more));
    lake.replaceDate(Tables.SEGMENT_MEMBERSHIP, date, TableRows.of(Tables.SEGMENT_MEMBERSHIP, members.toArray(Map[]::new)));
    Map<String, Object> p1 = ActivateJobTest.profile("P1", "email");
    p1.put("vip", true);
    lake.replaceDate(Tables.PROFILES, date, TableRows.of(Tables.PROFILES, p1, ActivateJobTest.profile("P2", "email"),
        ActivateJobTest.profile("P3", "email"), ActivateJobTest.profile("P4", "sms")));
    lake.replaceDate(Tables.SCORES, date, TableRows.of(Tables.SCORES, score("P1", "engagement", engagement),
        score("P1", "propensity_percentile", 92.5), score("P1", "propensity", 0.4), score("P4", "engagement", 3.0)));
    ActivateJobTest.stats(lake, date);
    ActivateJobTest.optOut(lake, date);
  }

  static void run(LocalDate night) {
    Activate.run(new JobContext("activate", lake, night), CONF, new RetryPolicy(1, Duration.ZERO, Duration.ZERO));
  }

  static Map<String, Object> event(String time, String type, String id, String sku, String category) {
    Map<String, Object> m = new HashMap<>();
    m.put("event_id", type + "@" + time + "@" + id);
    m.put("event_time", Timestamp.valueOf(time.replace('T', ' ')));
    m.put("event_type", type);
    m.put("id_type", id.startsWith("C") ? "crm_id" : "cookie");
    m.put("id_value", id);
    m.put("sku", sku);
    m.put("category", category);
    return m;
  }

  static Map<String, Object> score(String person, String name, double value) {
    return Map.of("person_id", person, "score", name, "value", value);
  }

  /** Every delivered file, by its path under export_root. */
  static Map<String, String> files() {
    java.nio.file.Path root = java.nio.file.Path.of(lake.env().exportRoot());
    Map<String, String> out = new java.util.TreeMap<>();
    try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(root)) {
      for (java.nio.file.Path p : s.filter(java.nio.file.Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), java.nio.file.Files.readString(p));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  static List<String> rows(Dataset<Row> frame) {
    return frame.collectAsList().stream().map(Row::toString).sorted().toList();
  }
}
