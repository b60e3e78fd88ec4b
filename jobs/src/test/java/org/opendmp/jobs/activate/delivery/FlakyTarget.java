package org.opendmp.jobs.activate.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A target whose uploads of one file fail {@code failures} times after writing half of it as {@code name.tmp}
 * (what a dropped connection leaves behind), then work.
 */
final class FlakyTarget implements DeliveryTarget {
  private final DeliveryTarget inner;
  private final String failingName;
  private final Path scratch;
  private int failures;
  int uploads;

  FlakyTarget(DeliveryTarget inner, String failingName, int failures, Path scratch) {
    this.inner = inner;
    this.failingName = failingName;
    this.failures = failures;
    this.scratch = scratch;
  }

  @Override
  public String describe() {
    return inner.describe();
  }

  @Override
  public List<String> list(String folder) throws IOException {
    return inner.list(folder);
  }

  @Override
  public void upload(Path source, String folder, String name) throws IOException {
    uploads++;
    if (name.equals(failingName) && failures > 0) {
      failures--;
      byte[] all = Files.readAllBytes(source);
      Path half = Files.write(scratch.resolve("half"), java.util.Arrays.copyOf(all, all.length / 2));
      inner.upload(half, folder, name + ".tmp"); // a partial name.tmp, as a dropped upload leaves it
      throw new IOException("connection reset by peer");
    }
    inner.upload(source, folder, name);
  }

  @Override
  public void delete(String folder, String name) throws IOException {
    inner.delete(folder, name);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
