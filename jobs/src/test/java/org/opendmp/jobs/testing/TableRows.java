package org.opendmp.jobs.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.testing.SharedSpark;

/** Rows of a declared table from a few named values: tests say only the columns they care about. */
public final class TableRows {
  private TableRows() {}

  /** A frame of the table's schema; each map gives some columns (Java maps and lists allowed), the rest are null. */
  @SafeVarargs
  public static Dataset<Row> of(TableDef t, Map<String, Object>... rows) {
    List<Row> out = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      Object[] values = new Object[t.schema().fields().length];
      int i = 0;
      for (StructField f : t.schema().fields()) {
        values[i++] = scala(r.get(f.name()));
      }
      out.add(RowFactory.create(values));
    }
    return SharedSpark.spark().createDataFrame(out, t.schema());
  }

  private static Object scala(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> converted = new LinkedHashMap<>();
      m.forEach((k, x) -> converted.put(k, scala(x)));
      return scala.jdk.javaapi.CollectionConverters.asScala(converted);
    }
    if (v instanceof List<?> l) {
      return scala.jdk.javaapi.CollectionConverters.asScala(l.stream().map(TableRows::scala).toList()).toSeq();
    }
    return v;
  }
}
