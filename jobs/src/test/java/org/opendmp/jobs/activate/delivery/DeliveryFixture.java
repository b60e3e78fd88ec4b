package org.opendmp.jobs.activate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/** Staged deliveries of made-up export lines, and the byte-for-byte check of what arrived. */
final class DeliveryFixture {
  static final LocalDate DATE = LocalDate.of(2026, 11, 2);
  /** Tests retry fast: the backoff is exercised, not waited for. */
  static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(4));

  private DeliveryFixture() {}

  static DeliverySpec spec(String destination, int splitRows, boolean gzip) {
    return new DeliverySpec(
        destination, "full", DATE, "{destination}_{mode}_{date}_{split}.csv", splitRows, gzip, "person_key,segment_id");
  }

  static List<String> lines(int n, String salt) {
    return IntStream.range(0, n).mapToObj(i -> String.format("%s%05d,seg_%d", salt, i, i % 3)).toList();
  }

  static StagedDelivery stage(Path dir, DeliverySpec spec, List<String> lines) {
    return DeliveryFiles.stage(spec, lines.iterator(), Map.of("seg_0", 5L, "seg_1", 3L), dir);
  }

  /** Every file under {@code folder}, name -> bytes. */
  static Map<String, byte[]> files(Path folder) {
    Map<String, byte[]> out = new TreeMap<>();
    if (!Files.isDirectory(folder)) {
      return out;
    }
    try (var s = Files.list(folder)) {
      for (Path p : s.toList()) {
        out.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** What a complete delivery of {@code staged} must look like: its data files, the manifest, _SUCCESS. */
  static void assertDelivered(Map<String, byte[]> arrived, StagedDelivery staged) {
    List<String> expected = new ArrayList<>();
    staged.manifest().files().forEach(f -> expected.add(f.name()));
    expected.add(Publisher.MANIFEST);
    expected.add(Publisher.SUCCESS);
    assertThat(arrived.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    for (String name : expected) {
      try {
        assertThat(arrived.get(name)).as(name).isEqualTo(Files.readAllBytes(staged.dir().resolve(name)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertThat(arrived.get(Publisher.SUCCESS)).isEmpty();
  }
}
