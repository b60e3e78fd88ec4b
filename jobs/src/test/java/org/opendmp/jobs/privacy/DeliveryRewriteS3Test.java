package org.opendmp.jobs.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.jobs.activate.delivery.DeliveryFiles;
import org.opendmp.jobs.activate.delivery.DeliverySpec;
import org.opendmp.jobs.activate.delivery.DeliveryTarget;
import org.opendmp.jobs.activate.delivery.Publisher;
import org.opendmp.jobs.activate.delivery.RetryPolicy;
import org.opendmp.jobs.activate.delivery.StagedDelivery;
import org.opendmp.jobs.activate.delivery.Targets;
import org.opendmp.jobs.testing.S3MockServer;

/**
 * A delivery published to s3a (a real S3-compatible server on 127.0.0.1, {@link S3MockServer}) is scrubbed through
 * Hadoop's S3A: the object holding the erased line is replaced by the bytes a delivery of the other lines has, the
 * manifest follows, nothing else is left in the folder.
 */
class DeliveryRewriteS3Test {
  static final LocalDate D = LocalDate.parse("2026-11-02");
  @TempDir Path staging;

  @Test
  void aDeliveryOnS3IsRewrittenWithoutTheErasedLine() throws Exception {
    try (S3MockServer s3 = S3MockServer.start("partners")) {
      Map<String, String> settings = new HashMap<>(s3.s3aSettings());
      settings.put("fs.s3a.buffer.dir", staging.resolve("s3a-buffer").toString());
      StagedDelivery delivered = DeliveryFiles.stage(spec(), List.of("ck-anna\t1001\t", "ck-bob\t1001\t").iterator(),
          Map.of(), staging.resolve("delivered"));
      try (DeliveryTarget target = Targets.of("s3a://partners/exports", settings)) {
        new Publisher(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(4))).publish(delivered, target);
      }
      Configuration conf = new Configuration();
      settings.forEach(conf::set);
      DeliveryRewrite.Outcome o;
      try (FileSystem fs = FileSystem.newInstance(URI.create("s3a://partners/"), conf)) {
        o = DeliveryRewrite.scrub(fs, new org.apache.hadoop.fs.Path("s3a://partners/exports/dsp/dt=" + D), Set.of("ck-anna"));
      }

      assertThat(o).isEqualTo(new DeliveryRewrite.Outcome(true, 1));
      StagedDelivery expected = DeliveryFiles.stage(spec(), List.of("ck-bob\t1001\t").iterator(), Map.of(),
          staging.resolve("expected"));
      Map<String, String> arrived = new TreeMap<>();
      String prefix = "exports/dsp/dt=" + D + "/";
      for (String key : s3.keys(prefix)) {
        if (!key.endsWith("/")) {
          arrived.put(key.substring(prefix.length()), new String(s3.get(key), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
      }
      String name = expected.manifest().files().get(0).name();
      assertThat(arrived.keySet()).containsExactly(Publisher.SUCCESS, name, Publisher.MANIFEST);
      assertThat(arrived.get(name)).isEqualTo(Files.readString(expected.dir().resolve(name), java.nio.charset.StandardCharsets.ISO_8859_1));
      assertThat(arrived.get(Publisher.MANIFEST)).contains("\"erased_rows\" : 1", expected.manifest().files().get(0).sha256());
    }
  }

  private static DeliverySpec spec() {
    return new DeliverySpec("dsp", "incremental", D, "dsp_{split}.txt", 100, true, null);
  }
}
