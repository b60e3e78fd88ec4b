package org.opendmp.jobs.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.ids.IdNormalizer;
import org.opendmp.common.ids.Identifiers;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.activate.DestinationsConfig;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.activate.delivery.DeliveryFiles;
import org.opendmp.jobs.activate.delivery.Publisher;
import org.opendmp.jobs.testing.TableRows;

/**
 * The privacy job's scrub of earlier deliveries, on real delivery folders written by {@link DeliveryFiles#stage}: a
 * gzip aam destination ({@code dsp}) and a plain csv one split in files of two lines ({@code social}, under a
 * relative {@code target}), two nights each, Anna (erased on D3) among others in each file; plus an sftp destination
 * that cannot be scrubbed. A second lake checks the removals sent before tonight.
 */
class DeliveryScrubTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02");
  static final LocalDate D2 = D1.plusDays(1);
  static final LocalDate D3 = D1.plusDays(2);
  static final String ANNA = "anna.smith@example.com";
  static final String A = Identifiers.sha256Hex(ANNA);
  static final String B = Identifiers.sha256Hex("bob@example.com");

  static final Destination DSP = new Destination("dsp", "DSP", List.of("ad_cookie"), Map.of("cars", "1001"), "ads", null,
      "aam", "incremental", null, null, true, null);
  static final Destination SOCIAL = new Destination("social", "Social", List.of("email_sha256", "cookie"), Map.of("cars", "CAR"),
      "ads", null, "csv", "incremental", null, 2, false, "partners");
  static final Destination SFTP = new Destination("remote", "Remote", List.of("ad_cookie"), Map.of("cars", "1001"), "ads", null,
      "aam", "incremental", null, null, false, "sftp://dmp@127.0.0.1:1/out");
  static final DestinationsConfig CONF = new DestinationsConfig(List.of(DSP, SOCIAL, SFTP), null, Map.of());

  /** What each folder was delivered with: destination -> night -> lines. */
  static final Map<String, Map<LocalDate, List<String>>> SENT = Map.of(
      "dsp", Map.of(
          D1, List.of("ck-anna-1\t1001\t", "ck-bob\t1001\t", "ck-carl\t1001\t"),
          D2, List.of("ck-anna-2\t1001\t", "ck-carl\t\t1001", "ck-dan\t1001\t")),
      "social", Map.of(
          D1, List.of("email_sha256," + A + ",CAR,", "email_sha256," + B + ",CAR,", "cookie,\"ck,carl\",CAR,"),
          D2, List.of("email_sha256," + B + ",CAR|VAN,")));

  static Lake lake;
  static Path exports;
  static Map<String, String> before;
  static Map<String, String> after;
  static Map<String, String> afterRerun;
  static RunSummary first;
  static RunSummary again;

  @BeforeAll
  static void eraseNight() throws IOException {
    lake = SharedSpark.freshLake();
    exports = Path.of(lake.env().exportRoot());
    for (Destination d : List.of(DSP, SOCIAL)) {
      SENT.get(d.id()).forEach((night, lines) -> stage(d, night, lines));
    }
    access("r-anna", "{\"identifiers\": [{\"id_type\": \"ad_cookie\", \"id_value\": \"ck-anna-1\"}]}");
    access("r-bob", "{\"identifiers\": [{\"id_type\": \"ad_cookie\", \"id_value\": \"ck-bob\"}], \"note\": \"ck-anna-3 is nobody\"}");
    lake.overwrite(Tables.ID_GRAPH, TableRows.of(Tables.ID_GRAPH, graph("email_sha256", A, "person-anna"),
        graph("ad_cookie", "ck-anna-1", "person-anna"), graph("ad_cookie", "ck-anna-2", "person-anna"),
        graph("email_sha256", B, "person-bob"), graph("ad_cookie", "ck-bob", "person-bob")));
    lake.replaceDate(Tables.AUDIENCE, D1, TableRows.of(Tables.AUDIENCE, audience("dsp", "person-anna", "ck-anna-1"),
        audience("dsp", "person-bob", "ck-bob"), audience("dsp", "person-carl", "ck-carl"), audience("social", "person-anna", A),
        audience("social", "person-bob", B), audience("social", "person-carl", "ck,carl"), audience("remote", "person-anna", "ck-anna-1")));
    lake.replaceDate(Tables.AUDIENCE, D2, TableRows.of(Tables.AUDIENCE, audience("dsp", "person-anna", "ck-anna-2"),
        audience("dsp", "person-bob", "ck-bob"), audience("dsp", "person-dan", "ck-dan"), audience("social", "person-anna", A),
        audience("social", "person-bob", B), audience("remote", "person-anna", "ck-anna-1")));
    for (LocalDate night : List.of(D1, D2)) {
      lake.replaceDate(Tables.EXPORTS, night, TableRows.of(Tables.EXPORTS, Map.of("destination", "remote", "status", "delivered")));
    }
    Path dir = Path.of(lake.env().landingRoot(), "privacy", "dt=" + D3);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("requests.csv"), "request_id,type,id_type,id_value\nr1,erase,email,Anna.Smith@example.com\n");

    before = snapshot();
    first = run(D3);
    after = snapshot();
    again = run(D3);
    afterRerun = snapshot();
  }

  @Test
  void noFileUnderTheExportRootHoldsHerValuesAndEveryOtherLineStaysInOrder() throws IOException {
    FileScan.Result scan = FileScan.scan(List.of(exports), List.of(ANNA, A, "ck-anna-1", "ck-anna-2", "person-anna"));
    assertThat(scan.hits()).isEmpty();
    assertThat(scan.files()).as("files read").isGreaterThanOrEqualTo(10);
    // each scrubbed data file has exactly the bytes a delivery of the other lines would have had (names, gzip)
    assertThat(dataFiles("dsp", D1)).isEqualTo(staged(DSP, D1, List.of("ck-bob\t1001\t", "ck-carl\t1001\t")));
    assertThat(dataFiles("dsp", D2)).isEqualTo(staged(DSP, D2, List.of("ck-carl\t\t1001", "ck-dan\t1001\t")));
    // a file is rewritten on its own (splits are not redone): split 1 held her and Bob, split 2 only Carl
    Map<String, String> social = staged(SOCIAL, D1, List.of("email_sha256," + B + ",CAR,"));
    social.put("social_incremental_20261102_002.csv", before.get("partners/social/dt=" + D1 + "/social_incremental_20261102_002.csv"));
    assertThat(dataFiles("social", D1)).isEqualTo(social);
  }

  @Test
  void manifestsDescribeTheFilesAsTheyAreAndCountTheErasedLines() throws Exception {
    assertManifest("dsp", D1, 1);
    assertManifest("dsp", D2, 1);
    assertManifest("social", D1, 1);
    for (String folder : List.of("dsp/dt=" + D1, "dsp/dt=" + D2, "partners/social/dt=" + D1)) {
      assertThat(after).containsKey(folder + "/" + Publisher.SUCCESS);
      try (Stream<Path> s = Files.list(exports.resolve(folder))) {
        assertThat(s.map(p -> p.getFileName().toString())).as("no temporary or .crc left").allMatch(n -> !n.startsWith("_") || n.equals("_SUCCESS"))
            .noneMatch(n -> n.endsWith(".crc") || n.endsWith(".scrub"));
      }
    }
  }

  @Test
  void foldersAndFilesWithoutHerAreUntouched() {
    Map<String, String> kept = new TreeMap<>(before);
    kept.keySet().removeIf(k -> !k.startsWith("partners/social/dt=" + D2) && !k.endsWith("social_incremental_20261102_002.csv"));
    assertThat(kept).hasSize(4); // D2's data file, manifest and _SUCCESS; D1's second split (Carl only)
    kept.forEach((file, sha) -> assertThat(after.get(file)).as(file).isEqualTo(sha));
  }

  @Test
  void herAccessAnswerIsDeletedAndBobsKept() {
    assertThat(before).containsKeys("privacy/dt=" + D2 + "/r-anna.json", "privacy/dt=" + D2 + "/r-bob.json");
    assertThat(after).doesNotContainKey("privacy/dt=" + D2 + "/r-anna.json")
        .containsEntry("privacy/dt=" + D2 + "/r-bob.json", before.get("privacy/dt=" + D2 + "/r-bob.json"));
  }

  @Test
  void theSummaryCountsWhatWasScrubbedAndWhatCouldNotBe() {
    assertThat(first.details()).containsEntry("deliveries_rewritten", 3L).containsEntry("delivery_lines_removed", 3L)
        .containsEntry("access_files_deleted", 1L).containsEntry("deliveries_not_scrubbed", 2L)
        .containsEntry("not_scrubbed_destinations", List.of("remote"));
    assertThat(first.details().toString()).doesNotContain(A, "ck-anna");
  }

  @Test
  void aSecondRunChangesNoByte() {
    assertThat(afterRerun).isEqualTo(after);
    assertThat(again.details()).containsEntry("deliveries_rewritten", 0L).containsEntry("access_files_deleted", 0L);
  }

  @Test
  void removalsSentOnAnEarlierNightLeaveThatFolderAndNotYetSentOnesStay() throws Exception {
    Lake other = SharedSpark.freshLake();
    Path root = Path.of(other.env().exportRoot());
    List<String> d2 = List.of("ck-erin\t\t1001", "ck-fay\t1001\t", "ck-gus\t1001\t");
    stage(root, DSP, D2, d2);
    stage(root, DSP, D3, List.of("ck-hal\t\t1001"));
    other.overwrite(Tables.PENDING_REMOVALS, TableRows.of(Tables.PENDING_REMOVALS,
        pending("person-erin", "ck-erin", D2), // sent on D2: its removal line goes on D3
        pending("person-fay", "ck-fay", null), // not sent yet
        pending("person-hal", "ck-hal", D3))); // sent tonight (a rerun of D3): kept until the next night
    Map<String, String> dt3 = snapshot(root.resolve("dsp/dt=" + D3));

    RunSummary night = Privacy.run(new JobContext("privacy", other, D3), new PrivacyConfig(null, null, false),
        IdNormalizer.defaults(), () -> CONF);

    assertThat(night.details()).containsEntry("requests", 0).containsEntry("deliveries_rewritten", 1L)
        .containsEntry("delivery_lines_removed", 1L);
    assertThat(dataFiles(root, "dsp", D2)).isEqualTo(staged(DSP, D2, List.of("ck-fay\t1001\t", "ck-gus\t1001\t")));
    assertManifest(root, "dsp", D2, 1);
    assertThat(snapshot(root.resolve("dsp/dt=" + D3))).isEqualTo(dt3);
  }

  // ---- helpers ----

  static RunSummary run(LocalDate night) {
    // vacuum off: the lake's own scrub is PrivacyJobTest's; this test is about the delivery folders
    return Privacy.run(new JobContext("privacy", lake, night), new PrivacyConfig(null, null, false), IdNormalizer.defaults(),
        () -> CONF);
  }

  static void stage(Destination d, LocalDate night, List<String> lines) {
    stage(exports, d, night, lines);
  }

  /** A published delivery folder, as activate leaves it under the destination's root. */
  static void stage(Path exportRoot, Destination d, LocalDate night, List<String> lines) {
    Path root = Path.of(d.targetRoot(exportRoot.toString()));
    DeliveryFiles.stage(d.spec(night), lines.iterator(), Map.of("cars", (long) lines.size()), root.resolve(d.spec(night).folder()));
  }

  /** The data files DeliveryFiles writes for these lines: name -> sha256 of the bytes. */
  static Map<String, String> staged(Destination d, LocalDate night, List<String> lines) throws IOException {
    Path dir = Files.createTempDirectory("expected");
    DeliveryFiles.stage(d.spec(night), lines.iterator(), Map.of(), dir);
    Map<String, String> out = snapshot(dir);
    out.keySet().removeIf(n -> n.equals(Publisher.MANIFEST) || n.equals(Publisher.SUCCESS));
    return out;
  }

  static Map<String, String> dataFiles(String destination, LocalDate night) {
    return dataFiles(exports, destination, night);
  }

  static Map<String, String> dataFiles(Path exportRoot, String destination, LocalDate night) {
    Destination d = CONF.destination(destination);
    Map<String, String> out = snapshot(Path.of(d.targetRoot(exportRoot.toString())).resolve(d.spec(night).folder()));
    out.keySet().removeIf(n -> n.equals(Publisher.MANIFEST) || n.equals(Publisher.SUCCESS));
    return out;
  }

  static void assertManifest(String destination, LocalDate night, long erased) throws Exception {
    assertManifest(exports, destination, night, erased);
  }

  /** The manifest's files, rows, sha256 and totals recomputed from the folder's files, and its erased_rows. */
  static void assertManifest(Path exportRoot, String destination, LocalDate night, long erased) throws Exception {
    Destination d = CONF.destination(destination);
    Path folder = Path.of(d.targetRoot(exportRoot.toString())).resolve(d.spec(night).folder());
    JsonNode m = new ObjectMapper().readTree(folder.resolve(Publisher.MANIFEST).toFile());
    List<String> names = new ArrayList<>();
    long rows = 0;
    long bytes = 0;
    for (JsonNode f : m.get("files")) {
      Path file = folder.resolve(f.get("name").asText());
      names.add(file.getFileName().toString());
      assertThat(f.get("sha256").asText()).as(file.toString()).isEqualTo(sha256(Files.readAllBytes(file)));
      long lines = text(file).lines().count() - (d.spec(night).header() == null ? 0 : 1);
      assertThat(f.get("rows").asLong()).as(file.toString()).isEqualTo(lines);
      rows += lines;
      bytes += Files.size(file);
    }
    assertThat(names).isEqualTo(dataFiles(exportRoot, destination, night).keySet().stream().sorted().toList());
    assertThat(m.get("totals").get("files").asLong()).isEqualTo(names.size());
    assertThat(m.get("totals").get("rows").asLong()).isEqualTo(rows);
    assertThat(m.get("totals").get("bytes").asLong()).isEqualTo(bytes);
    assertThat(m.get("erased_rows").asLong()).isEqualTo(erased);
  }

  /** A file's text, gz opened. */
  static String text(Path f) throws IOException {
    byte[] bytes = Files.readAllBytes(f);
    if (f.getFileName().toString().endsWith(".gz")) {
      try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
        bytes = in.readAllBytes();
      }
    }
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  static void access(String request, String json) throws IOException {
    Path dir = exports.resolve("privacy").resolve("dt=" + D2);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(request + ".json"), json);
  }

  static Map<String, String> snapshot() {
    return snapshot(exports);
  }

  /** Every file under a folder: relative path -> sha256 of its bytes. */
  static Map<String, String> snapshot(Path dir) {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(f).toString(), sha256(Files.readAllBytes(f)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Object> audience(String destination, String person, String id) {
    return Map.of("destination", destination, "person_id", person, "id_type", "x", "id_values", List.of(id),
        "segments", List.of("cars"), "codes", List.of("1001"), "column_values", List.of());
  }

  static Map<String, Object> pending(String person, String id, LocalDate deliveredOn) {
    Map<String, Object> m = new java.util.HashMap<>(Map.of("destination", "dsp", "person_id", person, "id_type", "ad_cookie",
        "id_values", List.of(id), "segments", List.of("cars"), "codes", List.of("1001"), "column_values", List.of(),
        "request_id", "r-" + person, "erased_on", Date.valueOf(D2)));
    if (deliveredOn != null) {
      m.put("delivered_on", Date.valueOf(deliveredOn));
    }
    return m;
  }

  static Map<String, Object> graph(String type, String value, String person) {
    return Map.of("id_type", type, "id_value", value, "person_id", person, "first_seen", Date.valueOf(D1));
  }
}
