package org.opendmp.common.table;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * One lake table, declared once in {@link Tables}: zone, name, schema, partitioning, grain. Jobs refer to
 * tables only through these definitions, never by spelling a name or a path.
 *
 * @param grain what one row is, e.g. "one row per input record"
 */
public record TableDef(Zone zone, String name, StructType schema, List<String> partitionBy, String grain) {

  public TableDef {
    partitionBy = List.copyOf(partitionBy);
    for (String p : partitionBy) {
      if (!List.of(schema.fieldNames()).contains(p)) {
        throw new IllegalArgumentException("Partition column " + p + " is not in the schema of " + name);
      }
    }
  }

  /** A table defined by a Spark DDL column list, e.g. {@code "job STRING, run_date DATE"}. */
  public static TableDef of(Zone zone, String name, String grain, String ddl, String... partitionBy) {
    return new TableDef(zone, name, StructType.fromDDL(ddl), List.of(partitionBy), grain);
  }

  /** {@code zone.name}, the name analysts query. */
  public String fullName() {
    return zone.id() + "." + name;
  }

  /** The column names in declared order. */
  public List<String> columns() {
    return List.of(schema.fieldNames());
  }

  /** True when the table is written one run_date partition at a time. */
  public boolean byRunDate() {
    return partitionBy.contains("run_date");
  }
}
