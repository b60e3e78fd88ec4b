package org.opendmp.jobs.activate.delivery;

import java.nio.file.Path;

/**
 * A delivery written to a local staging folder ({@code dir} holds the data files, {@code manifest.json} and an
 * empty {@code _SUCCESS}), ready for {@link Publisher#publish}.
 */
public record StagedDelivery(Path dir, Manifest manifest) {
  /** Where it goes under a target's root: {@code <destination>/dt=YYYY-MM-DD}. */
  public String folder() {
    return manifest.destination() + "/dt=" + manifest.date();
  }
}
