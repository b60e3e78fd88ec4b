package org.opendmp.jobs.profile;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a trait computes over the matching events of a window. Events whose {@code field} is null never match a
 * trait that has a field. Empty windows: counts, distinct counts and sums are 0; the others are null (absent).
 */
public enum Aggregation {
  /** Matching events. */
  COUNT(FieldUse.OPTIONAL, false),
  /** Sum of a numeric field. */
  SUM(FieldUse.NUMERIC, false),
  /** Smallest value of a numeric field. */
  MIN(FieldUse.NUMERIC, false),
  /** Largest value of a numeric field. */
  MAX(FieldUse.NUMERIC, false),
  /** The field's value on the earliest matching event (ties: smallest value, then event id). */
  FIRST_VALUE(FieldUse.REQUIRED, false),
  /** The field's value on the latest matching event (ties: largest value, then event id). */
  LAST_VALUE(FieldUse.REQUIRED, false),
  /** event_time of the earliest matching event. */
  FIRST_TIME(FieldUse.OPTIONAL, false),
  /** event_time of the latest matching event. */
  LAST_TIME(FieldUse.OPTIONAL, false),
  /** Days from the latest matching event's date (event_time, UTC) to the run date: 0 for an event of the run date. */
  DAYS_SINCE_LAST(FieldUse.OPTIONAL, false),
  /** Distinct non-null values of the field. */
  DISTINCT_COUNT(FieldUse.REQUIRED, true),
  /** The field's most frequent value (ties: the smallest value). */
  MOST_FREQUENT(FieldUse.REQUIRED, true);

  /** Whether a field is required, optional, or must be numeric. */
  enum FieldUse {
    OPTIONAL,
    REQUIRED,
    NUMERIC
  }

  private final FieldUse fieldUse;
  private final boolean countsValues;

  Aggregation(FieldUse fieldUse, boolean countsValues) {
    this.fieldUse = fieldUse;
    this.countsValues = countsValues;
  }

  FieldUse fieldUse() {
    return fieldUse;
  }

  /** True when its daily partial is the count of each value (distinct count, most frequent). */
  public boolean countsValues() {
    return countsValues;
  }

  /** True when the daily partial keeps the field's value on the first and last events. */
  public boolean keepsValue() {
    return this == FIRST_VALUE || this == LAST_VALUE;
  }

  /** True when the daily partial keeps the sum, min and max of a numeric field. */
  public boolean keepsNumber() {
    return fieldUse == FieldUse.NUMERIC;
  }

  /** The YAML spelling: {@code last_value}. */
  public String yaml() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<Aggregation> parse(String yaml) {
    return Arrays.stream(values()).filter(a -> a.yaml().equals(yaml)).findFirst();
  }

  static String allYaml() {
    return Arrays.stream(values()).map(Aggregation::yaml).collect(Collectors.joining(", "));
  }
}
