package org.opendmp.jobs.activate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.FAST;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.assertDelivered;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.files;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.lines;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.spec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.testing.SftpTestServer;

/**
 * Publishing over SFTP to a real MINA SSHD server on 127.0.0.1 (in-process, password auth, rooted in a temp
 * folder): what arrives on the server's disk is compared byte for byte. The server fails writes on demand, from
 * the Nth write on, as a full disk or a dying connection would. Users log in with a password or a key.
 */
class SftpTargetTest {
  @TempDir static Path serverDir;
  private static SftpTestServer server;
  private static KeyPair clientKey;
  private static final RetryPolicy ONCE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  private static final AtomicInteger WRITES = new AtomicInteger();
  private static volatile int failFromWrite = Integer.MAX_VALUE;
  private static final AtomicInteger FAILURES_LEFT = new AtomicInteger();

  @TempDir Path staging;

  @BeforeAll
  static void startServer() throws IOException {
    try {
      clientKey = KeyUtils.generateKeyPair("ecdsa-sha2-nistp256", 256);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    server = SftpTestServer.start(serverDir, () -> {
      int n = WRITES.incrementAndGet();
      if (n >= failFromWrite && FAILURES_LEFT.getAndDecrement() > 0) {
        throw new IOException("injected failure at write " + n);
      }
    }, (user, key, session) -> "dmp".equals(user) && KeyUtils.compareKeys(key, clientKey.getPublic()));
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  @BeforeEach
  void noFailure() {
    failFromWrite = Integer.MAX_VALUE;
    FAILURES_LEFT.set(0);
  }

  private static String uri() {
    return "sftp://dmp@127.0.0.1:" + server.port() + "/exports/partners";
  }

  private static DeliveryTarget target() {
    return Targets.of(uri(), Map.of("sftp.password", "s3cret", "sftp.timeout_seconds", "10"));
  }

  private static Path arrived(String destination) {
    return serverDir.resolve("root/exports/partners/" + destination + "/dt=2026-11-02");
  }

  /** The next writes fail from the {@code nth} one of the next publish on, {@code times} times. */
  private static void failFrom(int nth, int times) {
    FAILURES_LEFT.set(times);
    failFromWrite = WRITES.get() + nth;
  }

  @Test
  void deliversByteForByteAndARerunReplacesTheDate() throws IOException {
    StagedDelivery big = DeliveryFixture.stage(staging.resolve("s1"), spec("sms", 4, true), lines(10, "a"));
    StagedDelivery small = DeliveryFixture.stage(staging.resolve("s2"), spec("sms", 4, true), lines(5, "b"));
    try (DeliveryTarget target = target()) {
      assertThat(target).isInstanceOf(SftpTarget.class);
      assertThat(target.describe()).isEqualTo(uri());
      Publisher.Published p = new Publisher(FAST).publish(big, target);
      assertThat(p.location()).isEqualTo(uri() + "/sms/dt=2026-11-02");
      assertDelivered(files(arrived("sms")), big);

      assertThat(new Publisher(FAST).publish(big, target).removed()).isEmpty();
      assertDelivered(files(arrived("sms")), big);

      assertThat(new Publisher(FAST).publish(small, target).removed()).containsExactly("sms_full_20261102_003.csv.gz");
      assertDelivered(files(arrived("sms")), small);
      assertThat(target.list("sms/dt=2026-11-02")).hasSize(4);
      assertThat(target.list("nobody/dt=2026-11-02")).isEmpty();
    }
  }

  @Test
  void aFailedWriteIsRetriedOnAFreshSession() throws IOException {
    StagedDelivery staged = DeliveryFixture.stage(staging.resolve("s"), spec("email", 3, false), lines(8, "a"));
    try (DeliveryTarget target = target()) {
      failFrom(2, 1); // the second file's only write fails once
      new Publisher(FAST).publish(staged, target);
    }
    assertThat(FAILURES_LEFT.get()).isNegative(); // the failure did happen
    assertDelivered(files(arrived("email")), staged);
  }

  @Test
  void aFailureMidUploadLeavesNoSuccessAndTheRerunCompletesIt() throws IOException {
    StagedDelivery first = DeliveryFixture.stage(staging.resolve("s1"), spec("dsp", 3, true), lines(8, "a"));
    StagedDelivery second = DeliveryFixture.stage(staging.resolve("s2"), spec("dsp", 3, true), lines(7, "b"));
    try (DeliveryTarget target = target()) {
      new Publisher(FAST).publish(first, target);
      assertDelivered(files(arrived("dsp")), first);

      failFrom(2, Integer.MAX_VALUE); // every write from the second file of the re-run on fails
      assertThatThrownBy(() -> new Publisher(FAST).publish(second, target))
          .isInstanceOf(DmpException.class)
          .hasMessageStartingWith("Cannot upload dsp_full_20261102_002.csv.gz: ")
          .hasMessageContaining("SSH_FX_FAILURE") // the server's answer to the injected failure
          .hasMessageEndingWith(", 3 attempts (" + uri() + "/dsp/dt=2026-11-02)")
          .hasMessageNotContaining("\n");
      Map<String, byte[]> midway = files(arrived("dsp"));
      assertThat(midway).doesNotContainKeys(Publisher.SUCCESS, Publisher.MANIFEST).containsKey("dsp_full_20261102_002.csv.gz.tmp");
      assertThat(midway.get("dsp_full_20261102_001.csv.gz"))
          .isEqualTo(Files.readAllBytes(second.dir().resolve("dsp_full_20261102_001.csv.gz")));

      FAILURES_LEFT.set(0);
      Publisher.Published p = new Publisher(FAST).publish(second, target);
      assertThat(p.removed()).isEmpty(); // the rerun's upload of the second file replaced its partial .tmp
      assertDelivered(files(arrived("dsp")), second);
    }
  }

  @Test
  void aWrongPasswordFailsWithTheTarget() throws IOException {
    StagedDelivery staged = DeliveryFixture.stage(staging, spec("crm", 3, false), lines(2, "a"));
    try (DeliveryTarget target = Targets.of(uri(), Map.of("sftp.password", "wrong"))) {
      assertThatThrownBy(() -> new Publisher(ONCE).publish(staged, target))
          .isInstanceOf(DmpException.class)
          .hasMessageStartingWith("Cannot remove the stale _SUCCESS: java.io.IOException: SFTP connection or login as dmp failed: ")
          .hasMessageEndingWith(", 1 attempt (" + uri() + "/crm/dt=2026-11-02)")
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void keyAuthWithAKnownHostsFileAndAnUnknownServerKeyRefused() throws Exception {
    Path key = staging.resolve("id_ecdsa");
    try (OutputStream out = Files.newOutputStream(key)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "dmp", (OpenSSHKeyEncryptionContext) null, out);
    }
    PublicKey hostKey = server.hostKey();
    Path knownHosts = staging.resolve("known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:" + server.port() + " " + PublicKeyEntry.toString(hostKey) + "\n");
    StagedDelivery staged = DeliveryFixture.stage(staging.resolve("s"), spec("keyed", 3, true), lines(5, "k"));
    Map<String, String> settings = Map.of("sftp.private_key", key.toString(), "sftp.known_hosts", knownHosts.toString());
    try (DeliveryTarget target = Targets.of(uri(), settings)) {
      new Publisher(FAST).publish(staged, target);
    }
    assertDelivered(files(arrived("keyed")), staged);

    PublicKey other = KeyUtils.generateKeyPair("ecdsa-sha2-nistp256", 256).getPublic();
    Files.writeString(knownHosts, "[127.0.0.1]:" + server.port() + " " + PublicKeyEntry.toString(other) + "\n");
    try (DeliveryTarget target = Targets.of(uri(), settings)) {
      assertThatThrownBy(() -> new Publisher(ONCE).publish(staged, target))
          .isInstanceOf(DmpException.class)
          .hasMessageContaining("SFTP connection or login as dmp failed")
          .hasMessageContaining("Server key did not validate");
    }
  }
}
