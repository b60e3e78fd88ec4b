package org.opendmp.jobs.activate;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.activate.delivery.RetryPolicy;
import org.opendmp.jobs.testing.TableRows;

/**
 * The activate job over two nights of a tiny lake: exact files of a full and two incremental destinations, manifests
 * that match the files, consent, control groups and suppressions honoured, incremental files that turn the first
 * night's audience into the second's, the global opt-out list (a person joining it is removed), and a re-run that
 * reproduces every byte and row.
 */
class ActivateJobTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02");
  static final LocalDate D2 = D1.plusDays(1);
  static final LocalDate D3 = D1.plusDays(20);
  static final RetryPolicy ONCE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  static final DestinationsConfig CONF = new DestinationsConfig(List.of(
      new Destination("sms", "SMS partner", List.of("phone_sha256", "crm_id"), ordered("cars", "CAR", "carts", "CART"),
          "sms", null, "csv", "incremental", null, null, null, null),
      // use case 1: postal mail for the car intenders SMS does not reach, with their nearest agency
      new Destination("postal", "Postal partner", List.of("crm_id"), ordered("cars", "CAR"), "postal", null, "csv", "full",
          null, null, null, "postal_out", null, null, ordered("agency", "profile.nearest_agency"), "sms"),
      new Destination("dsp", "DSP", List.of("ad_cookie", "maid"), ordered("retarget", "1001"), "ads", List.of("buyers"), "aam",
          "incremental", "{destination}_{mode}_{iso_date}_{split}.tsv", 2, null, null)));

  static Lake lake;
  static Path exports;
  static final Map<String, String> FIRST = new TreeMap<>();

  @BeforeAll
  static void twoNights() {
    lake = SharedSpark.freshLake();
    exports = Path.of(lake.env().exportRoot());
    lake.overwrite(Tables.ID_GRAPH, TableRows.of(Tables.ID_GRAPH,
        id("phone_sha256", "ph1", "P1"), id("crm_id", "C1", "P1"), id("crm_id", "C2", "P2"), id("phone_sha256", "ph3", "P3"),
        id("crm_id", "C3", "P3"), id("crm_id", "C4", "P4"), id("ad_cookie", "ac5b", "P5"), id("ad_cookie", "ac5a", "P5"),
        id("maid", "m5", "P5"), id("ad_cookie", "ac6", "P6"), id("maid", "m7", "P7"), id("email_sha256", "em7", "P7")));
    // P1 cars (sms); P2 cars and carts, no phone (crm id); P3 held out; P4 cars without sms consent (postal only);
    // P5 retarget with two ad cookies; P6 retarget but a buyer (suppressed); P7 retarget, a maid only
    lake.replaceDate(Tables.SEGMENT_MEMBERSHIP, D1, TableRows.of(Tables.SEGMENT_MEMBERSHIP,
        member("P1", "cars", false), member("P2", "cars", false), member("P2", "carts", false), member("P3", "cars", true),
        member("P4", "cars", false), member("P5", "retarget", false), member("P6", "retarget", false),
        member("P6", "buyers", false), member("P7", "retarget", false)));
    lake.replaceDate(Tables.PROFILES, D1, TableRows.of(Tables.PROFILES,
        profile("P1", "sms"), profile("P2", "sms"), profile("P3", "sms", "postal"), profile("P4", "postal"),
        profile("P5", "ads"), profile("P6", "ads"), profile("P7", "ads")));
    stats(lake, D1);
    optOut(lake, D1); // nobody yet
    run(D1);
    FIRST.putAll(files());
    // night 2: P1 withdraws sms consent (gives postal), P2 leaves carts, P4 gives sms consent and a phone, P6 no longer
    // a buyer, P7 becomes one (a buyer held out of a segment is still suppressed)
    lake.overwrite(Tables.ID_GRAPH, lake.read(Tables.ID_GRAPH).unionByName(TableRows.of(Tables.ID_GRAPH, id("phone_sha256", "ph4", "P4"))));
    lake.replaceDate(Tables.SEGMENT_MEMBERSHIP, D2, TableRows.of(Tables.SEGMENT_MEMBERSHIP,
        member("P1", "cars", false), member("P2", "cars", false), member("P3", "cars", true), member("P4", "cars", false),
        member("P5", "retarget", false), member("P6", "retarget", false), member("P7", "retarget", false),
        member("P7", "buyers", true)));
    lake.replaceDate(Tables.PROFILES, D2, TableRows.of(Tables.PROFILES,
        profile("P1", "postal"), profile("P2", "sms"), profile("P3", "sms", "postal"), profile("P4", "sms", "postal"),
        profile("P5", "ads"), profile("P6", "ads"), profile("P7", "ads")));
    stats(lake, D2);
    optOut(lake, D2, "crm_id,C2"); // P2 joins the opt-out list: removed from sms although still a member with consent
    run(D2);
    stats(lake, D3);
    lake.replaceDate(Tables.PROFILES, D3, TableRows.of(Tables.PROFILES, profile("P1", "postal")));
    run(D3);
  }

  @Test
  void theFirstNightSendsTheWholeEligibleAudience() {
    assertThat(FIRST.get("sms/dt=2026-11-02/sms_incremental_20261102_001.csv")).isEqualTo("""
        id_type,id,codes,removed_codes
        crm_id,C2,CAR|CART,
        phone_sha256,ph1,CAR,
        """);
    assertThat(FIRST.get("postal_out/postal/dt=2026-11-02/postal_full_20261102_001.csv")).isEqualTo("""
        id_type,id,codes,removed_codes,agency
        crm_id,C4,CAR,,AG-P4
        """);
    // split every 2 lines; P6 suppressed; ad cookies preferred to P5's maid
    assertThat(FIRST.get("dsp/dt=2026-11-02/dsp_incremental_2026-11-02_001.tsv")).isEqualTo("ac5a\t1001\t\nac5b\t1001\t\n");
    assertThat(FIRST.get("dsp/dt=2026-11-02/dsp_incremental_2026-11-02_002.tsv")).isEqualTo("m7\t1001\t\n");
  }

  @Test
  void theSecondNightSendsAddsChangesAndRemovals() {
    Map<String, String> files = files();
    assertThat(files.get("sms/dt=2026-11-03/sms_incremental_20261103_001.csv")).isEqualTo("""
        id_type,id,codes,removed_codes
        crm_id,C2,,CAR|CART
        phone_sha256,ph1,,CAR
        phone_sha256,ph4,CAR,
        """);
    // P4 now reached by SMS: no longer sent by post (fallback_for)
    assertThat(files.get("postal_out/postal/dt=2026-11-03/postal_full_20261103_001.csv")).isEqualTo("""
        id_type,id,codes,removed_codes,agency
        crm_id,C1,CAR,,AG-P1
        """);
    assertThat(files.get("dsp/dt=2026-11-03/dsp_incremental_2026-11-03_001.tsv")).isEqualTo("ac6\t1001\t\nm7\t\t1001\n");
    assertThat(exportsLog(D2)).containsExactly(
        "dsp incremental [dsp_incremental_2026-11-03_001.tsv] rows=2 adds=1 removals=1 delivered",
        "postal full [postal_full_20261103_001.csv] rows=1 adds=1 removals=1 delivered",
        "sms incremental [sms_incremental_20261103_001.csv] rows=3 adds=1 removals=2 delivered");
  }

  @Test
  void manifestsMatchTheFilesAndSuccessIsPresent() throws IOException {
    int deliveries = 0;
    for (Path manifest : walk().filter(p -> p.getFileName().toString().equals("manifest.json")).toList()) {
      deliveries++;
      Path dir = manifest.getParent();
      assertThat(dir.resolve("_SUCCESS")).exists().isEmptyFile();
      JsonNode m = new ObjectMapper().readTree(manifest.toFile());
      long total = 0;
      List<String> listed = new ArrayList<>();
      for (JsonNode f : m.get("files")) {
        Path file = dir.resolve(f.get("name").asText());
        listed.add(f.get("name").asText());
        assertThat(Activate.sha256(Files.readAllBytes(file))).isEqualTo(f.get("sha256").asText());
        long lines = Files.readAllLines(file).size() - (file.toString().endsWith(".csv") ? 1 : 0);
        assertThat(f.get("rows").asLong()).as(file.toString()).isEqualTo(lines);
        total += lines;
      }
      assertThat(m.get("totals").get("rows").asLong()).isEqualTo(total);
      try (Stream<Path> s = Files.list(dir)) {
        assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("manifest.json") && !n.equals("_SUCCESS")))
            .containsExactlyInAnyOrderElementsOf(listed);
      }
      // activation.exports holds the manifest's checksum and where it went
      String destination = m.get("destination").asText();
      Row log = lake.readDate(Tables.EXPORTS, LocalDate.parse(m.get("date").asText()))
          .where(col("destination").equalTo(destination)).first();
      assertThat(log.<String>getAs("checksum")).isEqualTo(Activate.sha256(Files.readAllBytes(manifest)));
      assertThat(log.<Long>getAs("rows")).isEqualTo(total);
      assertThat(log.<String>getAs("target")).endsWith("/" + destination + "/dt=" + m.get("date").asText());
    }
    assertThat(deliveries).isEqualTo(9);
    JsonNode sms = new ObjectMapper().readTree(exports.resolve("sms/dt=2026-11-02/manifest.json").toFile());
    assertThat(sms.get("segments").toString()).isEqualTo("{\"cars\":2,\"carts\":1}");
  }

  @Test
  void incrementalFilesTurnOneNightsAudienceIntoTheNext() {
    for (String destination : List.of("sms", "dsp")) {
      for (LocalDate[] nights : List.of(new LocalDate[] {D1, D2}, new LocalDate[] {D2, D3})) {
      Map<String, String> state = audience(destination, nights[0]);
      for (String line : dataLines(destination, nights[1])) {
        String[] f = destination.equals("sms") ? line.split(",", -1) : line.split("\t", -1);
        String id = destination.equals("sms") ? f[1] : f[0];
        String codes = destination.equals("sms") ? f[2].replace('|', ',') : f[1];
        if (codes.isEmpty()) {
          state.remove(id);
        } else {
          state.put(id, codes);
        }
      }
      assertThat(state).as(destination + " " + nights[1]).isEqualTo(audience(destination, nights[1]));
      }
    }
  }

  @Test
  void nobodyWithoutConsentNorAnyControlMemberNorSuppressedIsSent() {
    for (LocalDate night : List.of(D1, D2)) {
      Map<String, Row> profiles = new HashMap<>();
      lake.readDate(Tables.PROFILES, night).collectAsList().forEach(r -> profiles.put(r.getAs("person_id"), r));
      List<Row> sent = lake.readDate(Tables.AUDIENCE, night).collectAsList();
      assertThat(sent).hasSize(night.equals(D1) ? 5 : 4);
      for (Row r : sent) {
        String purpose = CONF.destination(r.getAs("destination")).purpose();
        Row p = profiles.get(r.<String>getAs("person_id"));
        assertThat(p.<Boolean>getAs("consent_" + purpose) && p.<Boolean>getAs("contactable_" + purpose)).as(r.toString()).isTrue();
        assertThat(r.<String>getAs("person_id")).isNotEqualTo("P3");
        if (night.equals(D2)) {
          assertThat(r.<String>getAs("person_id")).as("on the opt-out list").isNotEqualTo("P2");
        }
      }
    }
    String all = String.join("\n", files().values());
    assertThat(all).doesNotContain("ph3").doesNotContain("C3");
    assertThat(FIRST.values().stream().anyMatch(c -> c.contains("ac6"))).isFalse();
  }

  @Test
  void rerunningANightReproducesEveryByteAndRow() {
    Map<String, String> before = files();
    List<String> audience = sorted(lake.readDate(Tables.AUDIENCE, D2));
    List<String> log = sorted(lake.readDate(Tables.EXPORTS, D2));
    run(D2);
    assertThat(files()).isEqualTo(before);
    assertThat(sorted(lake.readDate(Tables.AUDIENCE, D2))).isEqualTo(audience);
    assertThat(sorted(lake.readDate(Tables.EXPORTS, D2))).isEqualTo(log);
  }

  @Test
  void aNightTheSegmentsJobHasNotRunFailsBeforeDeliveringAndAnEmptyOneRemovesEverybody() {
    LocalDate night = D1.plusDays(10);
    assertThatThrownBy(() -> run(night))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("gold.segment_stats has no rows for 2026-11-12");
    assertThat(exports.resolve("sms/dt=2026-11-12")).doesNotExist();
    // D3: segments ran and nobody qualified: a full destination delivers its header only, an incremental one
    // removes everybody it sent last
    Map<String, String> files = files();
    assertThat(files.get("postal_out/postal/dt=2026-11-22/postal_full_20261122_001.csv")).isEqualTo("id_type,id,codes,removed_codes,agency\n");
    assertThat(files.get("sms/dt=2026-11-22/sms_incremental_20261122_001.csv")).isEqualTo("""
        id_type,id,codes,removed_codes
        phone_sha256,ph4,,CAR
        """);
    assertThat(files).containsKey("sms/dt=2026-11-22/_SUCCESS");
    assertThat(lake.readDate(Tables.AUDIENCE, D3).count()).isZero();
  }

  // ---- helpers ----

  static void run(LocalDate night) {
    Activate.run(new JobContext("activate", lake, night), CONF, ONCE);
  }

  /** The global opt-out list delivered that night (the whole list: header, then id_type,id_value lines). */
  static void optOut(Lake lake, LocalDate night, String... lines) {
    try {
      Path dir = Path.of(lake.env().landingRoot(), OptOutList.SOURCE, "dt=" + night);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(OptOutList.FILE), OptOutList.HEADER + "\n" + String.join("\n", lines) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The segments job's mark that it ran for the night. */
  static void stats(Lake lake, LocalDate night) {
    lake.replaceDate(Tables.SEGMENT_STATS, night, TableRows.of(Tables.SEGMENT_STATS, Map.of("segment_id", "cars", "members", 0L)));
  }

  static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static Map<String, Object> id(String type, String value, String person) {
    return Map.of("id_type", type, "id_value", value, "person_id", person);
  }

  static Map<String, Object> member(String person, String segment, boolean control) {
    return Map.of("person_id", person, "segment_id", segment, "is_control", control);
  }

  /** A profile with consent and contactability for the purposes given, none for the others. */
  static Map<String, Object> profile(String person, String... purposes) {
    Map<String, Object> m = new HashMap<>();
    m.put("person_id", person);
    m.put("nearest_agency", "AG-" + person);
    for (String p : DestinationsConfig.PURPOSES) {
      boolean yes = List.of(purposes).contains(p);
      m.put("consent_" + p, yes);
      m.put("contactable_" + p, yes);
    }
    return m;
  }

  static Stream<Path> walk() {
    try {
      return Files.walk(exports).filter(Files::isRegularFile).sorted();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every delivered file, by its path under export_root. */
  static Map<String, String> files() {
    Map<String, String> out = new TreeMap<>();
    walk().forEach(p -> {
      try {
        out.put(exports.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return out;
  }

  static List<String> dataLines(String destination, LocalDate night) {
    List<String> out = new ArrayList<>();
    files().forEach((path, text) -> {
      if (path.startsWith(destination + "/dt=" + night + "/") && !path.endsWith("manifest.json") && !path.endsWith("_SUCCESS")) {
        text.lines().filter(l -> !l.startsWith("id_type,")).forEach(out::add);
      }
    });
    return out;
  }

  /** identifier -> codes (comma-joined) of a destination's audience that night. */
  static Map<String, String> audience(String destination, LocalDate night) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : lake.readDate(Tables.AUDIENCE, night).where(col("destination").equalTo(destination)).collectAsList()) {
      String codes = String.join(",", r.<String>getList(r.fieldIndex("codes")));
      r.<String>getList(r.fieldIndex("id_values")).forEach(id -> out.put(id, codes));
    }
    return out;
  }

  static List<String> exportsLog(LocalDate night) {
    return lake.readDate(Tables.EXPORTS, night).orderBy("destination").collectAsList().stream()
        .map(r -> r.getAs("destination") + " " + r.getAs("mode") + " " + r.getList(r.fieldIndex("files")) + " rows="
            + r.getAs("rows") + " adds=" + r.getAs("adds") + " removals=" + r.getAs("removals") + " " + r.getAs("status"))
        .toList();
  }

  static List<String> sorted(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).sorted().toList();
  }
}
