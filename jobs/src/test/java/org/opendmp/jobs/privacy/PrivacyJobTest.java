package org.opendmp.jobs.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.ids.IdNormalizer;
import org.opendmp.common.ids.Identifiers;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.activate.delivery.DeliveryFiles;
import org.opendmp.jobs.activate.delivery.DeliverySpec;
import org.opendmp.jobs.conform.Conform;
import org.opendmp.jobs.testing.TableRows;

/**
 * The privacy job on a hand-made lake of two persons (Anna, erased; Bob, who asks for his data) with history in
 * every zone and a delivery that sent both: after the erase night no file under lake_root or export_root (parquet
 * decoded, _delta_log, rejects, gz opened) holds Anna's clear email or its SHA-256 except the pending removal the next
 * delivery sends, the delivery keeps Bob's line only, no table
 * row is about her, Bob is untouched, Bob's access file holds his data, malformed rows are rejected with a reason,
 * a rerun changes nothing, and conform keeps her out of the next night.
 */
class PrivacyJobTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02");
  static final LocalDate D2 = D1.plusDays(1);
  static final LocalDate D3 = D1.plusDays(2);
  static final String ANNA = "anna.smith@example.com";
  static final String A = Identifiers.sha256Hex(ANNA);
  static final String BOB = "bob@example.com";
  static final String B = Identifiers.sha256Hex(BOB);
  static final String WIFI_A = "store/dt=2026-11-02/wifi_logins.csv:0";
  static final String WIFI_B = "store/dt=2026-11-02/wifi_logins.csv:60";

  static Lake lake;
  static RunSummary first;
  static RunSummary again;
  static Map<String, List<String>> bobBefore;
  static Map<String, List<String>> bobAfter;
  static Map<String, List<String>> bobAfterRerun;
  static Map<String, List<String>> annaAfter;
  static FileScan.Result emailScan;
  static FileScan.Result otherScan;
  static List<String> opsAfterFirst;
  static List<String> opsAfterRerun;
  static Map<String, Long> versionsAfterFirst;
  static Map<String, Long> versionsAfterRerun;
  static List<String> pending;

  @BeforeAll
  static void eraseNight() throws IOException {
    lake = SharedSpark.freshLake();
    history();
    requests(D2, "request_id,type,id_type,id_value",
        "r1,erase,email, Anna.Smith@Example.com ",
        "r2,access,email,bob@example.com",
        "r3,erase,email,not-an-email",
        "r4,erase,cookie,ck-never-seen",
        "r5,forget,email,anna.smith@example.com");
    bobBefore = rowsAbout("ck-bob", B, "crm-bob", "person-bob");
    first = run(D2);
    // everything is measured in this order: the rerun and the next night change the lake
    opsAfterFirst = ops(D2);
    versionsAfterFirst = versions();
    emailScan = scan(List.of(ANNA, A));
    otherScan = scan(List.of("ck-anna", "annas-login", "crm-anna", "person-anna"));
    annaAfter = rowsAbout("ck-anna", A, "crm-anna", "person-anna", "annas-login", WIFI_A);
    bobAfter = rowsAbout("ck-bob", B, "crm-bob", "person-bob");
    pending = lake.read(Tables.PENDING_REMOVALS).select(to_json(struct(col("destination"), col("id_values"), col("request_id"))))
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    again = run(D2);
    opsAfterRerun = ops(D2);
    versionsAfterRerun = versions();
    bobAfterRerun = rowsAbout("ck-bob", B, "crm-bob", "person-bob");
  }

  @Test
  void noFileUnderTheLakeOrTheExportsHoldsTheClearEmailOrItsHashOutsideThePendingRemoval() {
    // the one unavoidable copy: the removal the next DSP delivery sends (README "Privacy"), purged once delivered
    assertThat(paths(emailScan)).isNotEmpty().allMatch(f -> f.contains("/activation/pending_removals/"), "only the pending removal: " + paths(emailScan));
    assertThat(pending).containsExactly("{\"destination\":\"dsp\",\"id_values\":[\"" + A + "\"],\"request_id\":\"r1\"}");
    // her other identifiers and person ids (old and new) are gone from every file too
    assertThat(paths(otherScan)).allMatch(f -> f.contains("/activation/pending_removals/"), "only the pending removal: " + paths(otherScan));
    // what was read: the data files of every table decoded, the logs (the erase deleted the graph's checkpoint)
    assertThat(emailScan.scanned(FileScan.Kind.PARQUET)).as("data files decoded").isGreaterThan(20);
    assertThat(emailScan.scanned(FileScan.Kind.DELTA_LOG)).as("log files read").isGreaterThan(10);
  }

  @Test
  void theEarlierDeliveryKeepsBobsLineOnly() throws IOException {
    Path folder = Path.of(lake.env().exportRoot(), "dsp", "dt=" + D1);
    assertThat(DeliveryScrubTest.text(folder.resolve("dsp_001.tsv.gz"))).isEqualTo(B + "\tCAR\t\n");
    assertThat(DeliveryScrubTest.text(folder.resolve("manifest.json"))).contains("\"erased_rows\" : 1");
    assertThat(first.details()).containsEntry("deliveries_rewritten", 1L).containsEntry("delivery_lines_removed", 1L);
  }

  @Test
  void noTableRowIsAboutHerAndBobIsUntouched() {
    assertThat(annaAfter.keySet()).as("tables with a row about her").containsExactly("activation.pending_removals");
    assertThat(bobAfter).isEqualTo(bobBefore);
  }

  @Test
  void requestsAreRecordedWithCountsPerTableAndNeverTheValue() {
    Map<String, Row> ops = new TreeMap<>();
    lake.readDate(Tables.PRIVACY_REQUESTS, D2).collectAsList().forEach(r -> ops.put(r.getString(0), r));
    assertThat(ops.keySet()).containsExactly("r1", "r2", "r3", "r4", "r5");
    assertThat(ops.get("r1").<String>getAs("status")).isEqualTo("done");
    Map<String, Long> removed = ops.get("r1").getJavaMap(ops.get("r1").fieldIndex("rows_removed"));
    assertThat(removed).containsEntry("bronze.web_events", 2L).containsEntry("bronze.web_events_rejects", 1L)
        .containsEntry("bronze.crm_customers", 1L).containsEntry("bronze.store_wifi_logins", 1L)
        .containsEntry("silver.customers_pii", 2L).containsEntry("identity.id_graph", 4L).containsEntry("gold.traits", 2L)
        .containsEntry("activation.audience", 1L).containsEntry("identity.person_merges", 1L)
        .doesNotContainKey("ops.privacy_requests");
    assertThat(ops.get("r2").<String>getAs("status")).isEqualTo("done");
    assertThat(ops.get("r2").isNullAt(ops.get("r2").fieldIndex("rows_removed"))).isTrue();
    assertThat(ops.get("r3").<String>getAs("status")).isEqualTo("rejected");
    assertThat(ops.get("r3").<String>getAs("reason")).startsWith("id_value is empty, junk or not a valid email at file ")
        .endsWith("privacy/dt=" + D2 + "/requests.csv, line 4, column 4 (id_value)");
    assertThat(ops.get("r4").<String>getAs("status")).isEqualTo("done");
    assertThat(ops.get("r4").<String>getAs("reason")).startsWith("not in identity.id_graph");
    assertThat(ops.get("r5").<String>getAs("reason")).contains("type must be one of", "line 6, column 2 (type)");
    assertThat(ops.get("r5").<String>getAs("type")).isNull();
    assertThat(String.join("\n", opsAfterFirst)).doesNotContain("anna", A, "not-an-email", "ck-never-seen");
    assertThat(first.details().toString()).doesNotContain("anna", A, "ck-never-seen");
  }

  @Test
  void accessWritesEverythingHeldAboutBobAsOneJsonFile() throws IOException {
    Path file = Path.of(lake.env().exportRoot(), "privacy", "dt=" + D2, "r2.json");
    JsonNode j = new ObjectMapper().readTree(file.toFile());
    assertThat(j.get("request_id").asText()).isEqualTo("r2");
    assertThat(j.get("person_ids").toString()).isEqualTo("[\"person-bob\"]");
    List<String> ids = new ArrayList<>();
    j.get("identifiers").forEach(n -> ids.add(n.get("id_type").asText() + ":" + n.get("id_value").asText()));
    assertThat(ids).containsExactly("cookie:ck-bob", "crm_id:crm-bob", "email_sha256:" + B);
    assertThat(j.get("profile").get("person_id").asText()).isEqualTo("person-bob");
    assertThat(j.get("profile").get("crm_id").asText()).isEqualTo("crm-bob");
    assertThat(j.get("crm").get(0).get("crm_id").asText()).isEqualTo("crm-bob");
    assertThat(j.get("segments").get(0).get("segment_id").asText()).isEqualTo("cars");
    assertThat(j.get("segments").get(0).get("entered_on").asText()).isEqualTo(D1.toString());
    assertThat(j.get("deliveries").get(0).get("destination").asText()).isEqualTo("dsp");
    assertThat(j.get("deliveries").get(0).get("mode").asText()).isEqualTo("incremental");
    assertThat(j.toString()).doesNotContain(A, "anna");
    try (Stream<Path> s = Files.list(file.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("r2.json"); // no temporary left
    }
  }

  @Test
  void rerunningTheNightIsHarmless() {
    assertThat(opsAfterRerun).isEqualTo(opsAfterFirst);
    assertThat(bobAfterRerun).isEqualTo(bobBefore);
    assertThat(again.rowsOut()).isZero();
    // no table but ops (the night's status rows, a no-op merge of the suppressions) gains a version
    versionsAfterFirst.forEach((table, v) -> {
      if (!table.startsWith("ops.")) {
        assertThat(versionsAfterRerun.get(table)).as(table).isEqualTo(v);
      }
    });
  }

  @Test
  void theSuppressionListKeepsHerOutOfTheNextNight() {
    // D3: the feeds bring her back (a web hit with her cookie and login, a wifi login with her email), and Bob
    lake.replaceDate(Tables.WEB_EVENTS, D3, TableRows.of(Tables.WEB_EVENTS,
        web("weblogs/dt=2026-11-04/a.log:0", "ck-anna", "annas-login", null), web("weblogs/dt=2026-11-04/a.log:90", "ck-bob", null, null)));
    lake.replaceDate(Tables.STORE_WIFI_LOGINS, D3, TableRows.of(Tables.STORE_WIFI_LOGINS,
        Map.of("record_id", "store/dt=2026-11-04/wifi_logins.csv:0", "email_sha256", A, "maid", "maid-anna-new",
            "login_time", java.sql.Timestamp.valueOf("2026-11-04 10:00:00"), "store_id", "S1")));
    new Conform().run(new JobContext("conform", lake, D3));
    List<String> events = lake.readDate(Tables.EVENTS, D3).select(to_json(struct(col("*")))).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(events).hasSize(1).allMatch(e -> e.contains("ck-bob"));
    List<String> pairs = lake.readDate(Tables.ID_OBSERVATIONS, D3).select(to_json(struct(col("*")))).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(String.join("\n", pairs)).doesNotContain("ck-anna", "annas-login", A);
    assertThat(lake.read(Tables.IDENTIFIERS).where(col("last_seen").equalTo(D3)).select("id_value").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("ck-bob");
    // the list holds salted keys: neither her hash nor her cookie
    assertThat(lake.read(Tables.ERASURE_SUPPRESSIONS).count()).isEqualTo(5);
    assertThat(String.join("\n", lake.read(Tables.ERASURE_SUPPRESSIONS).select(to_json(struct(col("*")))).as(org.apache.spark.sql.Encoders.STRING()).collectAsList()))
        .doesNotContain(A, "ck-anna");
  }

  // ---- the lake before the erase night ----

  /** Two nights of history in every zone; several versions per table, some with removed files. */
  static void history() {
    lake.replaceDate(Tables.WEB_EVENTS, D1, TableRows.of(Tables.WEB_EVENTS,
        web("weblogs/dt=2026-11-02/a.log:0", "ck-anna", "annas-login", "/p/42?eh=" + A),
        web("weblogs/dt=2026-11-02/a.log:120", "ck-bob", null, "/home")));
    lake.replaceDate(Tables.WEB_EVENTS, D2, TableRows.of(Tables.WEB_EVENTS,
        web("weblogs/dt=2026-11-03/a.log:0", "ck-other", null, "/landing?eh=" + A), // her hash in a URL only
        web("weblogs/dt=2026-11-03/a.log:80", "ck-bob", null, "/cart")));
    lake.replaceDate(Tables.rejectsOf(Tables.WEB_EVENTS), D1, TableRows.of(Tables.rejectsOf(Tables.WEB_EVENTS),
        Map.of("record_id", "weblogs/dt=2026-11-02/a.log:300", "reject_reason", "bad time", "raw_line", "1.2.3.4 - - [99/Nov] \"GET /x\" ck-xyz ANNA.SMITH@example.com"),
        Map.of("record_id", "weblogs/dt=2026-11-02/a.log:400", "reject_reason", "bad time", "raw_line", "1.2.3.4 - - [99/Nov] \"GET /x\" ck-bob bob@example.com")));
    lake.replaceDate(Tables.CRM_CUSTOMERS, D1, TableRows.of(Tables.CRM_CUSTOMERS,
        Map.of("record_id", "crm/dt=2026-11-02/full.csv:0", "crm_id", "crm-anna", "email_sha256", A, "login", "annas-login", "op", "upsert"),
        Map.of("record_id", "crm/dt=2026-11-02/full.csv:90", "crm_id", "crm-bob", "email_sha256", B, "op", "upsert")));
    lake.replaceDate(Tables.STORE_WIFI_LOGINS, D1, TableRows.of(Tables.STORE_WIFI_LOGINS,
        Map.of("record_id", WIFI_A, "email_sha256", A, "store_id", "S1"), Map.of("record_id", WIFI_B, "email_sha256", B, "store_id", "S1")));
    lake.overwrite(Tables.CUSTOMERS_PII, TableRows.of(Tables.CUSTOMERS_PII,
        Map.of("pii_key", "crm-anna", "source", "crm", "email", "Anna.Smith@example.com", "first_name", "Anna"),
        Map.of("pii_key", WIFI_A, "source", "wifi", "email", ANNA),
        Map.of("pii_key", "crm-bob", "source", "crm", "email", BOB, "first_name", "Bob")));
    lake.overwrite(Tables.CUSTOMERS, TableRows.of(Tables.CUSTOMERS,
        Map.of("crm_id", "crm-anna", "email_sha256", A, "login", "annas-login", "deleted", false),
        Map.of("crm_id", "crm-bob", "email_sha256", B, "deleted", false)));
    lake.replaceDate(Tables.EVENTS, D1, TableRows.of(Tables.EVENTS,
        event("weblogs/dt=2026-11-02/a.log:0", "cookie", "ck-anna", "/p/42?eh=" + A), event("weblogs/dt=2026-11-02/a.log:120", "cookie", "ck-bob", "/home"),
        event(WIFI_A, "email_sha256", A, null), event(WIFI_B, "email_sha256", B, null)));
    lake.replaceDate(Tables.ID_OBSERVATIONS, D1, TableRows.of(Tables.ID_OBSERVATIONS,
        pair("cookie", "ck-anna", "login", "annas-login"), pair("crm_id", "crm-anna", "email_sha256", A), pair("crm_id", "crm-bob", "email_sha256", B)));
    lake.overwrite(Tables.IDENTIFIERS, TableRows.of(Tables.IDENTIFIERS, ident("cookie", "ck-anna"), ident("login", "annas-login"),
        ident("email_sha256", A), ident("crm_id", "crm-anna"), ident("cookie", "ck-bob"), ident("email_sha256", B), ident("crm_id", "crm-bob")));
    lake.overwrite(Tables.ID_LINKS, TableRows.of(Tables.ID_LINKS, Map.of("id_type_a", "cookie", "id_value_a", "ck-anna", "id_type_b", "login",
        "id_value_b", "annas-login", "rule", "hit"), Map.of("id_type_a", "crm_id", "id_value_a", "crm-bob", "id_type_b", "email_sha256", "id_value_b", B, "rule", "crm")));
    // the graph written several times: older versions (removed files) hold her too; enough commits for a checkpoint
    for (int i = 0; i < 11; i++) {
      lake.overwrite(Tables.ID_GRAPH, TableRows.of(Tables.ID_GRAPH, graph("cookie", "ck-anna", "person-anna"), graph("login", "annas-login", "person-anna"),
          graph("email_sha256", A, "person-anna"), graph("crm_id", "crm-anna", "person-anna"), graph("cookie", "ck-bob", "person-bob"), graph("email_sha256", B, "person-bob"),
          graph("crm_id", "crm-bob", "person-bob"), graph("cookie", "ck-other", "person-other")));
    }
    lake.replaceDate(Tables.PERSON_MERGES, D1, TableRows.of(Tables.PERSON_MERGES,
        Map.of("event", "merge", "old_person_id", "person-anna-old", "new_person_id", "person-anna", "rule", "hit", "id_type_a", "cookie", "id_value_a", "ck-anna",
            "id_type_b", "login", "id_value_b", "annas-login")));
    lake.replaceDate(Tables.TRAITS, D1, TableRows.of(Tables.TRAITS, Map.of("person_id", "person-anna-old"), Map.of("person_id", "person-anna"),
        Map.of("person_id", "person-bob")));
    lake.replaceDate(Tables.PROFILES, D1, TableRows.of(Tables.PROFILES, Map.of("person_id", "person-anna", "crm_id", "crm-anna"),
        Map.of("person_id", "person-bob", "crm_id", "crm-bob", "city", "Lyon")));
    lake.replaceDate(Tables.SEGMENT_MEMBERSHIP, D1, TableRows.of(Tables.SEGMENT_MEMBERSHIP,
        member("person-anna"), member("person-bob")));
    lake.replaceDate(Tables.AUDIENCE, D1, TableRows.of(Tables.AUDIENCE,
        Map.of("destination", "dsp", "person_id", "person-anna", "id_type", "email_sha256", "id_values", List.of(A), "segments", List.of("cars"),
            "codes", List.of("CAR"), "column_values", List.of()),
        Map.of("destination", "dsp", "person_id", "person-bob", "id_type", "email_sha256", "id_values", List.of(B), "segments", List.of("cars"),
            "codes", List.of("CAR"), "column_values", List.of())));
    lake.replaceDate(Tables.EXPORTS, D1, TableRows.of(Tables.EXPORTS, Map.of("destination", "dsp", "mode", "incremental",
        "files", List.of("dsp_001.tsv.gz"), "rows", 2L, "status", "delivered")));
    // and the delivery itself (dsp is not in conf/destinations.yaml: its folder is under export_root)
    DeliveryFiles.stage(new DeliverySpec("dsp", "incremental", D1, "dsp_{split}.tsv", 1000, true, null),
        List.of(A + "\tCAR\t", B + "\tCAR\t").iterator(), Map.of("cars", 2L),
        Path.of(lake.env().exportRoot(), "dsp", "dt=" + D1));
  }

  // ---- helpers ----

  static RunSummary run(LocalDate night) {
    return Privacy.run(new JobContext("privacy", lake, night), PrivacyConfig.defaults(), IdNormalizer.defaults());
  }

  static void requests(LocalDate night, String... lines) throws IOException {
    Path dir = Path.of(lake.env().landingRoot(), "privacy", "dt=" + night);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("requests.csv"), String.join("\n", lines) + "\n");
  }

  /** Per declared table present, its rows (as JSON, sorted) that mention any of the values, case-insensitively. */
  static Map<String, List<String>> rowsAbout(String... values) {
    Map<String, List<String>> out = new TreeMap<>();
    for (TableDef t : Tables.all()) {
      if (!Subjects.exists(lake, t)) {
        continue;
      }
      List<String> rows = new ArrayList<>();
      for (String json : lake.read(t).select(lower(to_json(struct(col("*"))))).as(org.apache.spark.sql.Encoders.STRING()).collectAsList()) {
        for (String v : values) {
          if (json.contains(v.toLowerCase(Locale.ROOT))) {
            rows.add(json);
            break;
          }
        }
      }
      rows.sort(null);
      if (!rows.isEmpty()) {
        out.put(t.fullName(), rows);
      }
    }
    return out;
  }

  /** The files under lake_root and export_root holding any needle (case-insensitive), as paths. */
  static FileScan.Result scan(List<String> needles) {
    return FileScan.scan(List.of(Path.of(lake.env().lakeRoot()), Path.of(lake.env().exportRoot())), needles);
  }

  static List<String> paths(FileScan.Result scan) {
    return scan.hits().keySet().stream().map(Path::toString).toList();
  }

  static List<String> ops(LocalDate night) {
    return lake.readDate(Tables.PRIVACY_REQUESTS, night).select(to_json(struct(col("*")))).as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList().stream().sorted().toList();
  }

  static Map<String, Long> versions() {
    Map<String, Long> out = new TreeMap<>();
    for (TableDef t : Tables.all()) {
      if (Subjects.exists(lake, t)) {
        out.put(t.fullName(), lake.delta(t).history(1).select("version").first().getLong(0));
      }
    }
    return out;
  }

  static Map<String, Object> web(String record, String cookie, String login, String url) {
    Map<String, Object> m = new HashMap<>();
    m.put("record_id", record);
    m.put("cookie", cookie);
    m.put("login", login);
    m.put("url", url);
    m.put("event_type", "page_view");
    m.put("source_format", "combined");
    m.put("is_bot", false);
    m.put("event_time", java.sql.Timestamp.valueOf("2026-11-02 10:00:00"));
    m.put("source_file", record.substring(0, record.indexOf(':')));
    return m;
  }

  static Map<String, Object> event(String id, String type, String value, String url) {
    Map<String, Object> m = new HashMap<>();
    m.put("event_id", id);
    m.put("id_type", type);
    m.put("id_value", value);
    m.put("url", url);
    m.put("event_type", "page_view");
    return m;
  }

  static Map<String, Object> pair(String ta, String va, String tb, String vb) {
    return Map.of("id_type_a", ta, "id_value_a", va, "id_type_b", tb, "id_value_b", vb, "source", "web", "record_id", "r-" + va);
  }

  static Map<String, Object> ident(String type, String value) {
    return Map.of("id_type", type, "id_value", value, "first_seen", Date.valueOf(D1), "last_seen", Date.valueOf(D1));
  }

  static Map<String, Object> graph(String type, String value, String person) {
    return Map.of("id_type", type, "id_value", value, "person_id", person, "first_seen", Date.valueOf(D1));
  }

  static Map<String, Object> member(String person) {
    return Map.of("person_id", person, "segment_id", "cars", "entered_on", Date.valueOf(D1), "last_qualified", Date.valueOf(D1),
        "is_control", false);
  }
}
