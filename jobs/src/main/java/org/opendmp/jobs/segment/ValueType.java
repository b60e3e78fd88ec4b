package org.opendmp.jobs.segment;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The type of a name the segment language can read, and of the input-frame column behind it. NUMBER is any
 * Spark numeric type (BIGINT counts, DECIMAL amounts, DOUBLE scores); TEXT_LIST is ARRAY&lt;STRING&gt;.
 */
public enum ValueType {
  NUMBER("a number"),
  TEXT("a text"),
  BOOLEAN("a boolean"),
  DATE("a date"),
  TIMESTAMP("a timestamp"),
  TEXT_LIST("a list of codes");

  private final String described;

  ValueType(String described) {
    this.described = described;
  }

  /** "a number", for messages. */
  public String described() {
    return described;
  }

  /** The Spark SQL type of the input column (for NUMBER: any numeric type is accepted, DOUBLE is nominal). */
  public DataType sparkType() {
    return switch (this) {
      case NUMBER -> DataTypes.DoubleType;
      case TEXT -> DataTypes.StringType;
      case BOOLEAN -> DataTypes.BooleanType;
      case DATE -> DataTypes.DateType;
      case TIMESTAMP -> DataTypes.TimestampType;
      case TEXT_LIST -> DataTypes.createArrayType(DataTypes.StringType);
    };
  }
}
