package org.opendmp.jobs.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.jobs.activate.delivery.DeliveryFiles;
import org.opendmp.jobs.activate.delivery.DeliverySpec;
import org.opendmp.jobs.activate.delivery.Manifest;
import org.opendmp.jobs.activate.delivery.Publisher;

/** One delivery folder rewritten on Hadoop's local file system, without Spark: csv quoting, crm files, crash repair. */
class DeliveryRewriteTest {
  static final LocalDate D = LocalDate.parse("2026-11-02");
  @TempDir Path dir;

  @Test
  void onlyTheIdentifierFieldCountsAndQuotedFieldsMayHoldCommasQuotesAndLineBreaks() throws Exception {
    List<String> lines = List.of(
        "cookie,\"ck,\"\"x\",CAR,,\"Lyon\nCentre\"", // the id ck,"x quoted; an extra column with a line break
        "cookie,ck-y,CAR,,\"ck-x\r\"",
        "cookie,ck-z,ck-y,,Paris"); // a code that equals an erased id: not the identifier
    Path folder = stage("id_type,id,codes,removed_codes,agency", lines, false);

    DeliveryRewrite.Outcome o = DeliveryRewrite.scrub(fs(), hadoop(folder), Set.of("ck,\"x", "ck-y"));

    assertThat(o).isEqualTo(new DeliveryRewrite.Outcome(true, 2));
    assertThat(Files.readString(folder.resolve("d_001.csv"), StandardCharsets.UTF_8))
        .isEqualTo("id_type,id,codes,removed_codes,agency\ncookie,ck-z,ck-y,,Paris\n");
    assertThat(Files.readString(folder.resolve(Publisher.MANIFEST))).contains("\"erased_rows\" : 2", "\"rows\" : 1");
  }

  @Test
  void crmFilesAreMatchedOnTheCrmIdAndAamFilesOnTheFirstField() throws Exception {
    Path crm = stage("crm_id,segments,removed_segments,vip", List.of("crm-1,vip,,true", "crm-2,vip,,crm-1"), true);
    assertThat(DeliveryRewrite.scrub(fs(), hadoop(crm), Set.of("crm-1")).linesRemoved()).isEqualTo(1);
    assertThat(DeliveryScrubTest.text(crm.resolve("d_001.csv.gz"))).isEqualTo("crm_id,segments,removed_segments,vip\ncrm-2,vip,,crm-1\n");

    Path aam = dir.resolve("aam");
    DeliveryFiles.stage(spec(null, false), List.of("ck-1\t1001\t", "ck-2\tck-1\t").iterator(), Map.of(), aam);
    assertThat(DeliveryRewrite.scrub(fs(), hadoop(aam), Set.of("ck-1")).linesRemoved()).isEqualTo(1);
    assertThat(Files.readString(aam.resolve("d_001.csv"))).isEqualTo("ck-2\tck-1\t\n");
  }

  @Test
  void aManifestLeftBehindByACrashIsRebuiltFromTheFilesOnTheRerun() throws Exception {
    Path folder = stage("id_type,id,codes,removed_codes", List.of("cookie,ck-1,CAR,", "cookie,ck-2,CAR,"), false);
    byte[] delivered = Files.readAllBytes(folder.resolve(Publisher.MANIFEST));
    DeliveryRewrite.scrub(fs(), hadoop(folder), Set.of("ck-1"));
    byte[] scrubbed = Files.readAllBytes(folder.resolve(Publisher.MANIFEST));
    Files.write(folder.resolve(Publisher.MANIFEST), delivered); // as if the job died between the data file and the manifest

    DeliveryRewrite.Outcome rerun = DeliveryRewrite.scrub(fs(), hadoop(folder), Set.of("ck-1"));

    assertThat(rerun).isEqualTo(new DeliveryRewrite.Outcome(true, 0));
    assertThat(Files.readAllBytes(folder.resolve(Publisher.MANIFEST))).isEqualTo(scrubbed);
    assertThat(Manifest.parse(new String(scrubbed, StandardCharsets.UTF_8), "m", n -> 0).erasedRows()).isEqualTo(1);
    assertThat(DeliveryRewrite.scrub(fs(), hadoop(folder), Set.of("ck-1"))).isEqualTo(new DeliveryRewrite.Outcome(false, 0));
  }

  private Path stage(String header, List<String> lines, boolean gzip) {
    Path folder = dir.resolve("f" + System.nanoTime());
    DeliveryFiles.stage(spec(header, gzip), lines.iterator(), Map.of(), folder);
    return folder;
  }

  private static DeliverySpec spec(String header, boolean gzip) {
    return new DeliverySpec("d", "full", D, "d_{split}.csv", 100, gzip, header);
  }

  private static FileSystem fs() throws Exception {
    FileSystem fs = FileSystem.newInstance(java.net.URI.create("file:///"), new Configuration());
    fs.setWriteChecksum(false);
    return fs;
  }

  private static org.apache.hadoop.fs.Path hadoop(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }
}
