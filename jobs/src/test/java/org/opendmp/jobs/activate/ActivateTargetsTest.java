package org.opendmp.jobs.activate;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.activate.delivery.RetryPolicy;
import org.opendmp.jobs.testing.S3MockServer;
import org.opendmp.jobs.testing.SftpTestServer;
import org.opendmp.jobs.testing.TableRows;

/**
 * The activate job delivering one audience to three targets at once: the export folder, S3 (S3Mock 5.2.0 as its own
 * JVM on 127.0.0.1) and SFTP (an in-process MINA SSHD server on 127.0.0.1), with the target settings taken from the
 * env file's Spark conf as in production. What arrives on S3 and on the SFTP server's disk must be the local files,
 * byte for byte; a connection that dies in the middle of the SFTP upload fails the night without a _SUCCESS there and
 * without a delivered row in activation.exports, and the rerun completes it.
 */
class ActivateTargetsTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02");
  static final RetryPolicy ONCE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  @TempDir static Path serverDir;
  static S3MockServer s3;
  static SftpTestServer sftp;
  static final AtomicInteger WRITES = new AtomicInteger();
  static volatile int failFromWrite = Integer.MAX_VALUE;
  static Lake lake;
  static DestinationsConfig conf;

  @BeforeAll
  static void serversAndLake() throws Exception {
    s3 = S3MockServer.start("partners");
    sftp = SftpTestServer.start(serverDir, () -> {
      if (WRITES.incrementAndGet() >= failFromWrite) {
        throw new IOException("injected failure: the connection died");
      }
    }, null);

    // the targets' settings come from the env file's spark.conf, as bin/dmp and spark-submit pass them
    Map<String, String> settings = new TreeMap<>();
    s3.s3aSettings().forEach((k, v) -> settings.put("spark.hadoop." + k, v));
    settings.put("spark.hadoop.fs.s3a.buffer.dir", serverDir.resolve("s3a-buffer").toString());
    settings.put("sftp.password", "s3cret");
    settings.put("sftp.timeout_seconds", "10");
    Lake fresh = SharedSpark.freshLake();
    lake = new Lake(fresh.spark(), fresh.env().withSparkConf(settings));
    conf = new DestinationsConfig(List.of(
        destination("to_local", null),
        destination("to_s3", "s3a://partners/exports"),
        destination("to_sftp", "sftp://dmp@127.0.0.1:" + sftp.port() + "/exports")));

    lake.overwrite(Tables.ID_GRAPH, TableRows.of(Tables.ID_GRAPH, ActivateJobTest.id("phone_sha256", "ph1", "P1"),
        ActivateJobTest.id("phone_sha256", "ph2", "P2"), ActivateJobTest.id("phone_sha256", "ph3", "P3")));
    lake.replaceDate(Tables.SEGMENT_MEMBERSHIP, D1, TableRows.of(Tables.SEGMENT_MEMBERSHIP, ActivateJobTest.member("P1", "cars", false),
        ActivateJobTest.member("P2", "cars", false), ActivateJobTest.member("P3", "cars", false)));
    lake.replaceDate(Tables.PROFILES, D1, TableRows.of(Tables.PROFILES, ActivateJobTest.profile("P1", "sms"),
        ActivateJobTest.profile("P2", "sms"), ActivateJobTest.profile("P3", "sms")));
    ActivateJobTest.stats(lake, D1);
    ActivateJobTest.optOut(lake, D1);
  }

  /** The same audience for every target: one line per file, gzip, so that an upload has several files to die in. */
  static Destination destination(String id, String target) {
    return new Destination(id, "SMS partner", List.of("phone_sha256"), ActivateJobTest.ordered("cars", "CAR"), "sms", null, "csv",
        "incremental", "cars_{mode}_{date}_{split}.csv", 1, true, target);
  }

  @AfterAll
  static void stopServers() throws IOException {
    if (s3 != null) {
      s3.close();
    }
    if (sftp != null) {
      sftp.close();
    }
  }

  static void run() {
    Activate.run(new JobContext("activate", lake, D1), conf, ONCE);
  }

  /** The local delivery: file name -> bytes. */
  static Map<String, byte[]> local() throws IOException {
    return folder(Path.of(lake.env().exportRoot(), "to_local", "dt=" + D1));
  }

  static Map<String, byte[]> folder(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          out.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
      }
    }
    return out;
  }

  static Map<String, byte[]> onS3() throws Exception {
    String prefix = "exports/to_s3/dt=" + D1 + "/";
    Map<String, byte[]> out = new TreeMap<>();
    for (String key : s3.keys(prefix)) {
      if (!key.endsWith("/")) {
        out.put(key.substring(prefix.length()), s3.get(key));
      }
    }
    return out;
  }

  static Map<String, byte[]> onSftp() throws IOException {
    return folder(serverDir.resolve("root/exports/to_sftp/dt=" + D1));
  }

  @Test
  void aDeathMidUploadLeavesNoSuccessThenTheRerunDeliversTheSameBytesEverywhere() throws Exception {
    failFromWrite = WRITES.get() + 2; // the first data file arrives, the second dies
    try {
      assertThatThrownBy(ActivateTargetsTest::run).hasMessageContaining("sftp://dmp@127.0.0.1");
    } finally {
      failFromWrite = Integer.MAX_VALUE;
    }
    assertThat(onSftp()).isNotEmpty().doesNotContainKey("_SUCCESS");
    assertThat(lake.readDate(Tables.EXPORTS, D1).where(col("destination").equalTo("to_sftp")).count()).isZero();

    run();
    Map<String, byte[]> local = local();
    assertThat(local.keySet()).containsExactlyInAnyOrder("cars_incremental_20261102_001.csv.gz", "cars_incremental_20261102_002.csv.gz",
        "cars_incremental_20261102_003.csv.gz", "manifest.json", "_SUCCESS");
    assertSameBytes(onS3(), "to_s3", local);
    assertSameBytes(onSftp(), "to_sftp", local);
    assertThat(lake.readDate(Tables.EXPORTS, D1).select("destination", "status", "rows").collectAsList().stream().map(Object::toString))
        .containsExactlyInAnyOrder("[to_local,delivered,3]", "[to_s3,delivered,3]", "[to_sftp,delivered,3]");
    assertThat(lake.readDate(Tables.EXPORTS, D1).where(col("destination").equalTo("to_s3")).first().<String>getAs("target"))
        .isEqualTo("s3a://partners/exports/to_s3/dt=" + D1);
  }

  /** The same files; the manifests differ only by the destination they name. */
  static void assertSameBytes(Map<String, byte[]> arrived, String destination, Map<String, byte[]> local) {
    assertThat(arrived.keySet()).isEqualTo(local.keySet());
    local.forEach((name, bytes) -> {
      if (name.equals("manifest.json")) {
        String manifest = new String(arrived.get(name), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(manifest).contains("\"" + destination + "\"")
            .isEqualTo(new String(bytes, java.nio.charset.StandardCharsets.UTF_8).replace("\"to_local\"", "\"" + destination + "\""));
      } else {
        assertThat(arrived.get(name)).as(name).isEqualTo(bytes);
      }
    });
  }
}
