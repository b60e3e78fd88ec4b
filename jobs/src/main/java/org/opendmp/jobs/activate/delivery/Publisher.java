package org.opendmp.jobs.activate.delivery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.opendmp.common.DmpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a staged delivery to a target, in the order that makes a partial delivery invisible to a partner who
 * waits for {@code _SUCCESS}:
 *
 * <ol>
 *   <li>remove {@code _SUCCESS}, then {@code manifest.json} (a re-run of a date replaces the delivery: from here on
 *       it is not complete, and no manifest describes files that are being replaced);
 *   <li>upload every data file (each as {@code name.tmp}, then renamed);
 *   <li>remove every other file of the folder (splits of an earlier run that this one does not have, leftover
 *       {@code .tmp}s), so that the folder holds exactly what the manifest lists;
 *   <li>upload {@code manifest.json}, then the empty {@code _SUCCESS}.
 * </ol>
 *
 * Each step is retried on its own ({@link RetryPolicy}); a step that still fails throws a one-line {@link
 * DmpException} naming the file and the target, and leaves no {@code _SUCCESS}. Running it again with the same
 * staged files completes the delivery and gives the same bytes: it is idempotent.
 */
public final class Publisher {
  public static final String MANIFEST = "manifest.json";
  public static final String SUCCESS = "_SUCCESS";
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

  private final RetryPolicy retry;

  public Publisher(RetryPolicy retry) {
    this.retry = retry;
  }

  /** What was delivered: where, the files kept, and the files of an earlier delivery that were removed. */
  public record Published(String location, Manifest manifest, List<String> removed) {}

  @FunctionalInterface
  private interface Step {
    void run() throws IOException;
  }

  public Published publish(StagedDelivery staged, DeliveryTarget target) {
    String folder = staged.folder();
    String where = target.describe() + "/" + folder;
    step("remove the stale", SUCCESS, where, () -> target.delete(folder, SUCCESS));
    step("remove the stale", MANIFEST, where, () -> target.delete(folder, MANIFEST));
    Set<String> keep = new HashSet<>(List.of(MANIFEST, SUCCESS));
    for (DataFile f : staged.manifest().files()) {
      keep.add(f.name());
      step("upload", f.name(), where, () -> target.upload(staged.dir().resolve(f.name()), folder, f.name()));
    }
    List<String> stale = new ArrayList<>();
    step("list", folder, where, () -> stale.addAll(target.list(folder)));
    stale.removeIf(keep::contains);
    stale.sort(null);
    for (String name : stale) {
      step("remove the stale", name, where, () -> target.delete(folder, name));
    }
    step("upload", MANIFEST, where, () -> target.upload(staged.dir().resolve(MANIFEST), folder, MANIFEST));
    step("upload", SUCCESS, where, () -> target.upload(staged.dir().resolve(SUCCESS), folder, SUCCESS));
    LOG.info(
        "Delivered {} files, {} rows to {} (removed {} stale)",
        staged.manifest().files().size(),
        staged.manifest().totalRows(),
        where,
        stale.size());
    return new Published(where, staged.manifest(), List.copyOf(stale));
  }

  private void step(String what, String name, String where, Step step) {
    for (int attempt = 1; ; attempt++) {
      try {
        step.run();
        return;
      } catch (DmpException e) {
        throw e; // configuration: no retry cures it
      } catch (IOException | RuntimeException e) {
        if (attempt >= retry.attempts()) {
          throw new DmpException(
              "Cannot "
                  + what
                  + " "
                  + name
                  + ": "
                  + oneLine(e)
                  + ", "
                  + attempt
                  + " attempt"
                  + (attempt == 1 ? "" : "s")
                  + " ("
                  + where
                  + ")",
              e);
        }
        long millis = retry.delayAfter(attempt).toMillis();
        LOG.warn(
            "Attempt {} to {} {} failed ({}), again in {} ms ({})", attempt, what, name, oneLine(e), millis, where);
        sleep(millis, what, name, where);
      }
    }
  }

  private static void sleep(long millis, String what, String name, String where) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DmpException("Cannot " + what + " " + name + ": interrupted while waiting to retry (" + where + ")", e);
    }
  }

  /** The failure and its root cause on one line: targets' exceptions often nest the useful part. */
  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = e.toString();
    if (root != e && !text.contains(String.valueOf(root.getMessage()))) {
      text = text + " <- " + root;
    }
    return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
