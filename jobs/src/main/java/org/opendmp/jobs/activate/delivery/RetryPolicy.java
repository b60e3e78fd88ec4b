package org.opendmp.jobs.activate.delivery;

import java.time.Duration;
import org.opendmp.common.DmpException;

/**
 * How often and how patiently a delivery step is tried: {@code attempts} in all (1 = no retry), waiting
 * {@code baseDelay}, then twice that, and so on, never more than {@code maxDelay} between two attempts.
 */
public record RetryPolicy(int attempts, Duration baseDelay, Duration maxDelay) {
  /** 5 attempts over about 30 s: long enough for a partner's server restart or a network blip. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(2), Duration.ofSeconds(30));

  public RetryPolicy {
    if (attempts < 1 || baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
      throw new DmpException(
          "Cannot retry deliveries: attempts must be >= 1 and 0 <= base delay <= max delay, got "
              + attempts
              + ", "
              + baseDelay
              + ", "
              + maxDelay
              + " (delivery retry settings)");
    }
  }

  /** The wait after failed attempt {@code attempt} (1-based). */
  public Duration delayAfter(int attempt) {
    long factor = 1L << Math.min(attempt - 1, 30);
    Duration d = baseDelay.multipliedBy(factor);
    return d.compareTo(maxDelay) > 0 || d.isNegative() ? maxDelay : d;
  }
}
