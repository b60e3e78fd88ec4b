package org.opendmp.jobs.activate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.FAST;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.assertDelivered;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.lines;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.testing.S3MockServer;

/**
 * Publishing to {@code s3a://} through hadoop-aws against a real S3-compatible server (S3Mock in its own JVM on
 * 127.0.0.1, see {@link S3MockServer}); what arrived is read back over plain HTTP, byte for byte.
 */
class S3TargetTest {
  private static S3MockServer s3;

  @TempDir Path staging;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3MockServer.start("partners");
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  private DeliveryTarget target() {
    Map<String, String> settings = new HashMap<>(s3.s3aSettings());
    settings.put("fs.s3a.buffer.dir", staging.resolve("s3a-buffer").toString());
    return Targets.of("s3a://partners/exports", settings);
  }

  /** The objects under a delivery's folder, key name -> bytes. */
  private static Map<String, byte[]> arrived(String destination) throws Exception {
    String prefix = "exports/" + destination + "/dt=2026-11-02/";
    Map<String, byte[]> out = new TreeMap<>();
    for (String key : s3.keys(prefix)) {
      if (!key.endsWith("/")) { // a directory marker, if s3a leaves one, is not a file
        out.put(key.substring(prefix.length()), s3.get(key));
      }
    }
    return out;
  }

  @Test
  void deliversByteForByteAndARerunReplacesTheDate() throws Exception {
    StagedDelivery big = DeliveryFixture.stage(staging.resolve("s1"), spec("sms", 4, true), lines(10, "a"));
    StagedDelivery small = DeliveryFixture.stage(staging.resolve("s2"), spec("sms", 4, true), lines(5, "b"));
    try (DeliveryTarget target = target()) {
      assertThat(target).isInstanceOf(S3Target.class);
      Publisher.Published p = new Publisher(FAST).publish(big, target);
      assertThat(p.location()).isEqualTo("s3a://partners/exports/sms/dt=2026-11-02");
      assertDelivered(arrived("sms"), big);

      assertThat(new Publisher(FAST).publish(big, target).removed()).isEmpty();
      assertDelivered(arrived("sms"), big);

      assertThat(new Publisher(FAST).publish(small, target).removed()).containsExactly("sms_full_20261102_003.csv.gz");
      assertDelivered(arrived("sms"), small);
      assertThat(target.list("nobody/dt=2026-11-02")).isEmpty();
    }
  }

  @Test
  void aFailureMidUploadLeavesNoSuccessAndTheRerunCompletesIt() throws Exception {
    StagedDelivery first = DeliveryFixture.stage(staging.resolve("s1"), spec("dsp", 3, false), lines(8, "a"));
    StagedDelivery second = DeliveryFixture.stage(staging.resolve("s2"), spec("dsp", 3, false), lines(8, "b"));
    try (DeliveryTarget target = target()) {
      new Publisher(FAST).publish(first, target);
      assertDelivered(arrived("dsp"), first);

      FlakyTarget broken = new FlakyTarget(target, "dsp_full_20261102_002.csv", Integer.MAX_VALUE, staging);
      assertThatThrownBy(() -> new Publisher(FAST).publish(second, broken))
          .isInstanceOf(DmpException.class)
          .hasMessage(
              "Cannot upload dsp_full_20261102_002.csv: java.io.IOException: connection reset by peer, 3 attempts"
                  + " (s3a://partners/exports/dsp/dt=2026-11-02)");
      Map<String, byte[]> midway = arrived("dsp");
      assertThat(midway).doesNotContainKeys(Publisher.SUCCESS, Publisher.MANIFEST).containsKey("dsp_full_20261102_002.csv.tmp");
      assertThat(midway.get("dsp_full_20261102_001.csv"))
          .isEqualTo(Files.readAllBytes(second.dir().resolve("dsp_full_20261102_001.csv")));

      Publisher.Published p = new Publisher(FAST).publish(second, target);
      assertThat(p.removed()).isEmpty(); // the rerun's upload of the second file replaced its partial .tmp
      assertDelivered(arrived("dsp"), second);
    }
  }

  @Test
  void anUnreachableEndpointFailsWithTheTarget() throws IOException {
    Map<String, String> settings = new HashMap<>(s3.s3aSettings());
    settings.put("fs.s3a.endpoint", "http://127.0.0.1:1");
    settings.put("fs.s3a.attempts.maximum", "1");
    settings.put("fs.s3a.retry.limit", "0");
    settings.put("fs.s3a.connection.establish.timeout", "1s");
    StagedDelivery staged = DeliveryFixture.stage(staging.resolve("s"), spec("crm", 3, false), lines(2, "a"));
    try (DeliveryTarget target = Targets.of("s3a://partners/exports", settings)) {
      RetryPolicy once = new RetryPolicy(1, java.time.Duration.ZERO, java.time.Duration.ZERO);
      assertThatThrownBy(() -> new Publisher(once).publish(staged, target))
          .isInstanceOf(DmpException.class)
          .hasMessageStartingWith("Cannot remove the stale _SUCCESS: ")
          .hasMessageEndingWith(", 1 attempt (s3a://partners/exports/crm/dt=2026-11-02)")
          .hasMessageNotContaining("\n");
    }
  }
}
