package org.opendmp.jobs.activate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.DATE;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.lines;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;

/** Staging a delivery: split, names, gzip that re-runs byte for byte, the manifest. */
class DeliveryFilesTest {
  @TempDir Path dir;

  private static String text(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void splitsAtTheRowCountWithTheHeaderInEveryFile() throws Exception {
    List<DataFile> files =
        DeliveryFiles.write(spec("sms", 3, false), List.of("a,1", "b,2", "c,3", "d,4", "e,5", "f,6", "g,7").iterator(), dir);

    assertThat(files).extracting(DataFile::name)
        .containsExactly("sms_full_20261102_001.csv", "sms_full_20261102_002.csv", "sms_full_20261102_003.csv");
    assertThat(files).extracting(DataFile::rows).containsExactly(3L, 3L, 1L);
    assertThat(text(dir.resolve("sms_full_20261102_001.csv"))).isEqualTo("person_key,segment_id\na,1\nb,2\nc,3\n");
    assertThat(text(dir.resolve("sms_full_20261102_003.csv"))).isEqualTo("person_key,segment_id\ng,7\n");
    for (DataFile f : files) {
      byte[] bytes = Files.readAllBytes(dir.resolve(f.name()));
      assertThat(f.sha256()).isEqualTo(sha256(bytes));
      assertThat(f.bytes()).isEqualTo(bytes.length);
    }
  }

  @Test
  void anExactMultipleMakesNoEmptyLastFileAndNoRowsStillMakeOneFile() throws IOException {
    List<DataFile> six = DeliveryFiles.write(spec("sms", 3, false), lines(6, "p").iterator(), dir.resolve("six"));
    assertThat(six).extracting(DataFile::rows).containsExactly(3L, 3L);

    DeliverySpec noHeader = new DeliverySpec("dsp", "delta", DATE, "{split}-{destination}.txt", 10, false, null);
    List<DataFile> none = DeliveryFiles.write(noHeader, Collections.emptyIterator(), dir.resolve("none"));
    assertThat(none).containsExactly(new DataFile("001-dsp.txt", 0, 0, sha256Hex(new byte[0])));
    assertThat(Files.size(dir.resolve("none/001-dsp.txt"))).isZero();
  }

  private static String sha256Hex(byte[] b) {
    try {
      return sha256(b);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void templatePlaceholders() {
    DeliverySpec s =
        new DeliverySpec("email-crm", "delta", DATE, "{iso_date}.{mode}.{destination}.{date}.{split}.tsv", 1, true, null);
    assertThat(s.fileName(1)).isEqualTo("2026-11-02.delta.email-crm.20261102.001.tsv.gz");
    assertThat(s.fileName(42)).endsWith(".042.tsv.gz");
    assertThat(new DeliverySpec("d", "full", DATE, "x_{split}.csv.gz", 1, true, null).fileName(7)).isEqualTo("x_007.csv.gz");
    assertThat(s.folder()).isEqualTo("email-crm/dt=2026-11-02");
  }

  @Test
  void gzipIsByteIdenticalAcrossRunsAndHoldsNoTimeNorName() throws IOException {
    List<String> lines = lines(2_500, "person");
    StagedDelivery first = DeliveryFixture.stage(dir.resolve("run1"), spec("sms", 1_000, true), lines);
    StagedDelivery second = DeliveryFixture.stage(dir.resolve("run2"), spec("sms", 1_000, true), lines);

    assertThat(first.manifest()).isEqualTo(second.manifest());
    assertThat(first.manifest().files()).extracting(DataFile::name)
        .containsExactly("sms_full_20261102_001.csv.gz", "sms_full_20261102_002.csv.gz", "sms_full_20261102_003.csv.gz");
    List<String> unzipped = new ArrayList<>();
    for (String name : List.of("sms_full_20261102_001.csv.gz", "sms_full_20261102_002.csv.gz", "sms_full_20261102_003.csv.gz", Publisher.MANIFEST)) {
      byte[] a = Files.readAllBytes(first.dir().resolve(name));
      assertThat(a).as(name).isEqualTo(Files.readAllBytes(second.dir().resolve(name)));
      if (name.endsWith(".gz")) {
        assertThat(a[3]).as("FLG: no file name, no comment, no extra").isZero();
        assertThat(new byte[] {a[4], a[5], a[6], a[7]}).as("MTIME").containsOnly(0);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(a))) {
          String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          assertThat(text).startsWith("person_key,segment_id\n");
          text.lines().skip(1).forEach(unzipped::add);
        }
      }
    }
    assertThat(unzipped).isEqualTo(lines);
    assertThat(Files.size(first.dir().resolve(Publisher.SUCCESS))).isZero();
  }

  @Test
  void manifestListsFilesTotalsAndSegmentsInAStableOrder() throws Exception {
    StagedDelivery staged =
        DeliveryFiles.stage(
            spec("sms", 2, false), List.of("a", "b", "c").iterator(), Map.of("seg_b", 2L, "seg_a", 1L, "seg_c", 0L), dir);
    String json = text(dir.resolve(Publisher.MANIFEST));
    assertThat(json).isEqualTo(staged.manifest().toJson()).endsWith("}\n").doesNotContain("\r");

    JsonNode m = new ObjectMapper().readTree(json);
    assertThat(fieldNames(m)).containsExactly("destination", "date", "mode", "files", "totals", "segments");
    assertThat(m.get("destination").asText()).isEqualTo("sms");
    assertThat(m.get("date").asText()).isEqualTo("2026-11-02");
    assertThat(m.get("mode").asText()).isEqualTo("full");
    assertThat(m.get("files")).hasSize(2);
    JsonNode f1 = m.get("files").get(0);
    assertThat(fieldNames(f1)).containsExactly("name", "rows", "sha256");
    assertThat(f1.get("name").asText()).isEqualTo("sms_full_20261102_001.csv");
    assertThat(f1.get("rows").asLong()).isEqualTo(2);
    assertThat(f1.get("sha256").asText()).isEqualTo(sha256(Files.readAllBytes(dir.resolve("sms_full_20261102_001.csv"))));
    assertThat(m.get("files").get(1).get("rows").asLong()).isEqualTo(1);
    assertThat(fieldNames(m.get("totals"))).containsExactly("files", "rows", "bytes");
    assertThat(m.get("totals").get("files").asInt()).isEqualTo(2);
    assertThat(m.get("totals").get("rows").asLong()).isEqualTo(3);
    long bytes = Files.size(dir.resolve("sms_full_20261102_001.csv")) + Files.size(dir.resolve("sms_full_20261102_002.csv"));
    assertThat(m.get("totals").get("bytes").asLong()).isEqualTo(bytes);
    assertThat(fieldNames(m.get("segments"))).containsExactly("seg_a", "seg_b", "seg_c");
    assertThat(m.get("segments").get("seg_b").asLong()).isEqualTo(2);
  }

  @Test
  void aManifestReadsBackAndRecordsErasedRowsOnlyOnceThereAreSome() throws Exception {
    StagedDelivery staged =
        DeliveryFiles.stage(spec("sms", 2, true), List.of("a", "b", "c").iterator(), Map.of("seg_a", 3L), dir);
    String json = text(dir.resolve(Publisher.MANIFEST));
    Manifest read = Manifest.parse(json, "manifest.json", name -> staged.manifest().files().stream()
        .filter(f -> f.name().equals(name)).findFirst().orElseThrow().bytes());
    assertThat(read).isEqualTo(staged.manifest());
    assertThat(read.erasedRows()).isZero();
    assertThat(read.toJson()).isEqualTo(json).doesNotContain("erased_rows");

    Manifest erased = new Manifest(read.destination(), read.date(), read.mode(), read.files(), read.segments(), 2);
    JsonNode m = new ObjectMapper().readTree(erased.toJson());
    assertThat(fieldNames(m)).containsExactly("destination", "date", "mode", "files", "totals", "erased_rows", "segments");
    assertThat(m.get("erased_rows").asLong()).isEqualTo(2);
    assertThat(Manifest.parse(erased.toJson(), "m", name -> 0).erasedRows()).isEqualTo(2);
    assertThatThrownBy(() -> Manifest.parse("{\"date\": \"yesterday\"}", "dt=x/manifest.json", name -> 0))
        .hasMessageStartingWith("Cannot read a delivery manifest: ").hasMessageEndingWith("(dt=x/manifest.json)");
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void refusals() throws IOException {
    assertThatThrownBy(() -> new DeliverySpec("sms", "full", DATE, "{destination}.csv", 10, false, null))
        .isInstanceOf(DmpException.class)
        .hasMessage("Cannot build delivery file names: the template must contain {split} (file_template of sms: {destination}.csv)");
    assertThatThrownBy(() -> new DeliverySpec("sms", "full", DATE, "{dest}_{split}.csv", 10, false, null))
        .hasMessageContaining("unknown placeholder {dest}");
    assertThatThrownBy(() -> new DeliverySpec("../etc", "full", DATE, "{split}.csv", 10, false, null))
        .hasMessageStartingWith("Cannot name a delivery: destination must be");
    assertThatThrownBy(() -> new DeliverySpec("sms", "full", DATE, "{split}.csv", 0, false, null))
        .hasMessageStartingWith("Cannot split delivery files: split_rows must be at least 1");
    assertThatThrownBy(() -> new DeliverySpec("sms", "full", DATE, "a/{split}.csv", 1, false, null).fileName(1))
        .hasMessageContaining("'a/001.csv' is not a plain file name");
    assertThatThrownBy(() -> DeliveryFiles.write(spec("sms", 1, false), lines(1000, "x").iterator(), dir.resolve("many")))
        .hasMessageStartingWith("Cannot name delivery split 1000: the split number has 3 digits");

    Files.writeString(dir.resolve("old.csv"), "left over");
    assertThatThrownBy(() -> DeliveryFixture.stage(dir, spec("sms", 1, false), lines(1, "x")))
        .isInstanceOf(DmpException.class)
        .hasMessage("Cannot stage a delivery: the staging folder is not empty (" + dir + ")");
  }
}
