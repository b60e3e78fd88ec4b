package org.opendmp.jobs.segment;

/**
 * The type of a name the segment language can read, and of the input-frame column behind it. NUMBER is any
 * Spark numeric type (BIGINT counts, DECIMAL amounts, DOUBLE scores); TEXT_LIST is ARRAY&lt;STRING&gt;.
 */
public enum ValueType {
  NUMBER("a number", "DOUBLE"),
  TEXT("a text", "STRING"),
  BOOLEAN("a boolean", "BOOLEAN"),
  DATE("a date", "DATE"),
  TIMESTAMP("a timestamp", "TIMESTAMP"),
  TEXT_LIST("a list of codes", "ARRAY<STRING>");

  private final String described;
  private final String sparkType;

  ValueType(String described, String sparkType) {
    this.described = described;
    this.sparkType = sparkType;
  }

  /** "a number", for messages. */
  public String described() {
    return described;
  }

  /** The Spark SQL type of the input column (for NUMBER: any numeric type is accepted, DOUBLE is nominal). */
  public String sparkType() {
    return sparkType;
  }
}
