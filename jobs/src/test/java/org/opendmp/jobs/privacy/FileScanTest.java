package org.opendmp.jobs.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.privacy.FileScan.Kind;

/**
 * FileScan on a tiny folder holding a needle in each kind of file: a parquet file written by Spark (dictionary
 * encoded, gzip pages: the needle is in no byte of the file, and is neither the column's min nor its max), a gz
 * file, a text file (upper case), a Delta log commit and a checkpoint (decoded too); and files without it.
 */
class FileScanTest {
  static final String NEEDLE = "Needle.Value@Example.com";
  static final String HASH = org.opendmp.common.ids.Identifiers.sha256Hex("needle.value@example.com");

  @TempDir static Path dir;
  static Path lake;
  static Path exports;
  static Path dataFile;
  static Path cleanDataFile;
  static Path checkpoint;

  @BeforeAll
  static void folder() throws IOException {
    lake = dir.resolve("lake");
    exports = dir.resolve("exports");
    // 1,000 rows of 20 repeated values around the needle: a dictionary page, compressed
    List<String> values = around(NEEDLE);
    dataFile = parquet(values, lake.resolve("silver/t/run_date=2026-11-02"), "gzip");
    cleanDataFile = parquet(values.stream().map(v -> v.equals(NEEDLE) ? "0000-0" : v).toList(), lake.resolve("silver/t/run_date=2026-11-03"), "snappy");
    Path log = Files.createDirectories(lake.resolve("silver/t/_delta_log"));
    Files.writeString(log.resolve("00000000000000000000.json"), "{\"add\":{\"stats\":\"{\\\"minValues\\\":{\\\"id\\\":\\\"" + HASH + "\\\"}}\"}}\n");
    Files.writeString(log.resolve("00000000000000000001.json"), "{\"commitInfo\":{\"operation\":\"WRITE\"}}\n");
    // a checkpoint is parquet too: one holding the hash, decoded like a data file
    checkpoint = log.resolve("00000000000000000010.checkpoint.parquet");
    Files.copy(parquet(around(HASH), dir.resolve("tmp"), "gzip"), checkpoint);
    Files.createDirectories(exports.resolve("dsp/dt=2026-11-02"));
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(exports.resolve("dsp/dt=2026-11-02/part-1.tsv.gz")))) {
      out.write(("id\tsegments\n" + HASH + "\tCAR\nother\tCAR\n").getBytes(StandardCharsets.UTF_8));
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(exports.resolve("dsp/dt=2026-11-02/part-2.tsv.gz")))) {
      out.write("id\tsegments\nother\tCAR\n".getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(exports.resolve("dsp/dt=2026-11-02/manifest.txt"), "sent to NEEDLE.VALUE@EXAMPLE.COM\n");
    Files.writeString(exports.resolve("dsp/dt=2026-11-02/_SUCCESS"), "");
  }

  @Test
  void findsTheNeedleInEveryKindAndNothingElse() throws IOException {
    // the premise: a byte search would miss the parquet and gz files
    assertThat(raw(dataFile)).doesNotContain(NEEDLE.toLowerCase(Locale.ROOT));
    assertThat(raw(checkpoint)).doesNotContain(HASH);
    assertThat(raw(exports.resolve("dsp/dt=2026-11-02/part-1.tsv.gz"))).doesNotContain(HASH);

    FileScan.Result r = FileScan.scan(List.of(lake, exports), List.of(NEEDLE, HASH));
    assertThat(r.hits()).isEqualTo(Map.of(
        dataFile, Set.of(NEEDLE),
        lake.resolve("silver/t/_delta_log/00000000000000000000.json"), Set.of(HASH),
        checkpoint, Set.of(HASH),
        exports.resolve("dsp/dt=2026-11-02/part-1.tsv.gz"), Set.of(HASH),
        exports.resolve("dsp/dt=2026-11-02/manifest.txt"), Set.of(NEEDLE)));
    assertThat(r.hits()).doesNotContainKeys(cleanDataFile, exports.resolve("dsp/dt=2026-11-02/part-2.tsv.gz"));
  }

  @Test
  void countsTheFilesReadPerKind() throws IOException {
    FileScan.Result r = FileScan.scan(List.of(lake, exports), List.of(NEEDLE));
    long parquetData;
    long all;
    try (Stream<Path> s = Files.walk(lake)) {
      List<Path> files = s.filter(Files::isRegularFile).toList();
      all = files.size();
      parquetData = files.stream().filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains("_delta_log")
          && !f.getFileName().toString().startsWith(".")).count();
    }
    assertThat(parquetData).as("Spark wrote one data file per partition").isEqualTo(2);
    assertThat(r.scanned(Kind.PARQUET)).isEqualTo(2);
    assertThat(r.scanned(Kind.DELTA_CHECKPOINT)).isEqualTo(1);
    assertThat(r.scanned(Kind.DELTA_LOG)).isEqualTo(2);
    assertThat(r.scanned(Kind.GZIP)).isEqualTo(2);
    assertThat(r.parquetDecoded()).isEqualTo(3);
    assertThat(r.logFiles()).isEqualTo(3);
    // the rest: Spark's _SUCCESS and .crc files, the manifest and the export's _SUCCESS
    assertThat(r.scanned(Kind.OTHER)).isEqualTo(all - 5 + 2);
    assertThat(r.files()).isEqualTo(all + 4);
  }

  @Test
  void theNeedleFinderIgnoresCaseAndSeesUtf8ReadAsBytes() {
    FileScan.Finder f = FileScan.needles(List.of("Élodie@Mail.fr", "absent"));
    assertThat(f.find("x ÉLODIE@mail.FR y")).containsExactly("Élodie@Mail.fr");
    String asBytes = new String("élodie@mail.fr".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    assertThat(f.find(asBytes)).containsExactly("Élodie@Mail.fr");
    assertThat(f.find("elodie@mail.fr")).isEmpty();
  }

  @Test
  void aFileItCannotReadIsAnErrorNamingIt() throws IOException {
    Path bad = Files.createDirectories(dir.resolve("bad")).resolve("part-0.parquet");
    Files.writeString(bad, "not parquet at all");
    assertThatThrownBy(() -> FileScan.scan(List.of(bad.getParent()), List.of("x")))
        .isInstanceOf(DmpException.class).hasMessageStartingWith("Cannot scan " + bad + " (read as PARQUET): ");
    assertThatThrownBy(() -> FileScan.scan(List.of(dir.resolve("absent")), List.of("x")))
        .isInstanceOf(DmpException.class).hasMessage("Cannot scan " + dir.resolve("absent") + ": not a folder");
  }

  /** 1,000 values: 20 repeated ones (a dictionary page) and the needle once, neither the least nor the greatest. */
  static List<String> around(String needle) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      values.add(i == 500 ? needle : (i % 2 == 0 ? "0000-" : "zzzz-") + i % 20);
    }
    return values;
  }

  /** One parquet file of a string column written by Spark into the folder; its path. */
  static Path parquet(List<String> values, Path folder, String codec) throws IOException {
    SharedSpark.spark().createDataset(values, Encoders.STRING()).toDF("id").coalesce(1).write()
        .option("compression", codec).mode("overwrite").parquet(folder.toString());
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(f -> f.getFileName().toString().matches("part-.*\\.parquet")).findFirst().orElseThrow();
    }
  }

  static String raw(Path f) throws IOException {
    return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
  }
}
