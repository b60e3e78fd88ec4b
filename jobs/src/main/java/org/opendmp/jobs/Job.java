package org.opendmp.jobs;

import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.run.RunSummary;

/**
 * A nightly job (DESIGN.md §7): reads, calls pure transforms, checks, writes, and says what it did. It never
 * reads the clock: the date comes from the context. Throwing {@link org.opendmp.common.DmpException} fails the
 * job with that message; nothing it had not committed is published.
 */
@FunctionalInterface
public interface Job {
  RunSummary run(JobContext ctx);

  /**
   * Loads and checks the job's behaviour configs without touching data, throwing the same one-line error the
   * run would. {@code dmp nightly} checks every job before the first one writes, so that a typo in a late job's
   * conf (a segment rule) stops the night before anything is written.
   */
  default void check(EnvConfig env) {}
}
