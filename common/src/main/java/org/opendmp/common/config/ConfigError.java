package org.opendmp.common.config;

/**
 * Thrown by config records' constructors when a value is invalid; {@link Yaml} adds the file and the full key
 * path. {@code problem} says what is expected, e.g. "must be between 1 and 10000, got 0".
 */
public final class ConfigError extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String key;
  private final String problem;

  public ConfigError(String key, String problem) {
    super("key '" + key + "' " + problem);
    this.key = key;
    this.problem = problem;
  }

  public String key() {
    return key;
  }

  public String problem() {
    return problem;
  }

  /** Fails when a required value is absent. */
  public static <T> T required(T value, String key) {
    if (value == null) {
      throw new ConfigError(key, "is required but missing");
    }
    return value;
  }

  /** Returns the value, or the default when absent. */
  public static <T> T orDefault(T value, T fallback) {
    return value == null ? fallback : value;
  }

  /** Fails unless min <= value <= max. */
  public static int inRange(int value, int min, int max, String key) {
    if (value < min || value > max) {
      throw new ConfigError(key, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** Fails unless min <= value <= max. */
  public static double inRange(double value, double min, double max, String key) {
    if (value < min || value > max) {
      throw new ConfigError(key, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }
}
