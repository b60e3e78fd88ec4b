package org.opendmp.jobs.activate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.FAST;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.assertDelivered;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.files;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.lines;
import static org.opendmp.jobs.activate.delivery.DeliveryFixture.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;

/** Publishing to a local folder: order, replacement of a date, idempotency, retries, what a failure leaves. */
class LocalTargetTest {
  @TempDir Path dir;

  private Path exports() {
    return dir.resolve("exports");
  }

  private Path dt() {
    return exports().resolve("sms/dt=2026-11-02");
  }

  @Test
  void deliversByteForByteAndARerunReplacesTheDate() throws IOException {
    StagedDelivery big = DeliveryFixture.stage(dir.resolve("s1"), spec("sms", 4, true), lines(10, "a"));
    try (DeliveryTarget target = Targets.of(exports().toString(), Map.of())) {
      Publisher.Published p = new Publisher(FAST).publish(big, target);
      assertThat(p.location()).isEqualTo(exports().toUri().toString().replaceAll("/$", "") + "/sms/dt=2026-11-02");
      assertThat(p.removed()).isEmpty();
      assertDelivered(files(dt()), big);

      // the same staged files again: same bytes, nothing removed
      assertThat(new Publisher(FAST).publish(big, target).removed()).isEmpty();
      assertDelivered(files(dt()), big);

      // a re-run of the date with other data and fewer splits: the third split of the first run goes
      Files.writeString(dt().resolve("x.csv.gz.tmp"), "left by a crash");
      StagedDelivery small = DeliveryFixture.stage(dir.resolve("s2"), spec("sms", 4, true), lines(6, "b"));
      assertThat(new Publisher(FAST).publish(small, target).removed())
          .containsExactly("sms_full_20261102_003.csv.gz", "x.csv.gz.tmp");
      assertDelivered(files(dt()), small);
    }
  }

  @Test
  void aFailingUploadIsRetried() throws IOException {
    StagedDelivery staged = DeliveryFixture.stage(dir.resolve("s"), spec("sms", 3, false), lines(8, "a"));
    FlakyTarget flaky = new FlakyTarget(new LocalTarget(exports()), "sms_full_20261102_002.csv", 2, dir);
    new Publisher(FAST).publish(staged, flaky);
    assertDelivered(files(dt()), staged); // the partial .tmp was overwritten and renamed
    assertThat(flaky.uploads).isEqualTo(3 + 2 + 2); // 3 data files, 2 failed attempts, manifest, _SUCCESS
  }

  @Test
  void aFailureAfterTheRetriesLeavesNoSuccessAndTheRerunCompletesIt() throws IOException {
    StagedDelivery first = DeliveryFixture.stage(dir.resolve("s1"), spec("sms", 3, false), lines(8, "a"));
    new Publisher(FAST).publish(first, new LocalTarget(exports()));
    assertThat(dt().resolve(Publisher.SUCCESS)).exists();

    StagedDelivery second = DeliveryFixture.stage(dir.resolve("s2"), spec("sms", 3, false), lines(8, "b"));
    FlakyTarget broken = new FlakyTarget(new LocalTarget(exports()), "sms_full_20261102_002.csv", 99, dir);
    assertThatThrownBy(() -> new Publisher(FAST).publish(second, broken))
        .isInstanceOf(DmpException.class)
        .hasMessage(
            "Cannot upload sms_full_20261102_002.csv: java.io.IOException: connection reset by peer, 3 attempts ("
                + exports().toUri().toString().replaceAll("/$", "")
                + "/sms/dt=2026-11-02)");
    // the earlier delivery's _SUCCESS went first: nobody takes the half-replaced folder for a delivery
    assertThat(files(dt())).doesNotContainKey(Publisher.SUCCESS).containsKey("sms_full_20261102_002.csv.tmp");

    new Publisher(FAST).publish(second, new LocalTarget(exports()));
    assertDelivered(files(dt()), second);
  }

  @Test
  void backoffDoublesUpToItsCap() {
    RetryPolicy p = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofMillis(350));
    assertThat(p.delayAfter(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.delayAfter(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.delayAfter(3)).isEqualTo(Duration.ofMillis(350));
    assertThat(p.delayAfter(60)).isEqualTo(Duration.ofMillis(350));
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(DmpException.class);
  }

  @Test
  void targetsByScheme() throws IOException {
    try (DeliveryTarget plain = Targets.of(exports().toString(), Map.of());
        DeliveryTarget file = Targets.of(exports().toUri().toString(), Map.of())) {
      assertThat(plain).isInstanceOf(LocalTarget.class);
      assertThat(file.describe()).isEqualTo(plain.describe());
    }
    assertThatThrownBy(() -> Targets.of("ftp://h/x", Map.of()))
        .hasMessage("Cannot open a delivery target: unknown scheme ftp, known: file, s3a, sftp, or a plain path (ftp://h/x)");
    assertThatThrownBy(() -> Targets.of("sftp://127.0.0.1:2222/x", Map.of("sftp.password", "p")))
        .hasMessage("Cannot connect to SFTP: the URI names no user, write sftp://user@host:port/path (sftp://127.0.0.1:2222/x)");
    assertThatThrownBy(() -> Targets.of("sftp://u:secret@127.0.0.1:2222/x", Map.of()))
        .hasMessage("Cannot connect to SFTP: put the password in sftp.password, not in the URI (sftp://127.0.0.1:2222/x)");
    assertThatThrownBy(() -> Targets.of("sftp://u@127.0.0.1/x", Map.of()))
        .hasMessage("Cannot connect to SFTP: set sftp.password or sftp.private_key (sftp://u@127.0.0.1:22/x)");
    assertThatThrownBy(() -> Targets.of("sftp://u@127.0.0.1/x", Map.of("sftp.pasword", "p")))
        .hasMessageStartingWith("Cannot connect to SFTP: unknown setting sftp.pasword");
    assertThatThrownBy(() -> Targets.of("", Map.of())).hasMessageContaining("export_root is empty");
  }
}
