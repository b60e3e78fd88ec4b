package org.opendmp.common.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Dataset equality with readable diffs, the little of spark-testing-base we need. Rows are compared as their
 * string rendering, order-insensitive unless asked, and a failure lists the missing and unexpected rows.
 */
public final class DatasetAssert {
  private DatasetAssert() {}

  /** A small frame from inline rows, e.g. {@code rows("id STRING, n INT", new Object[] {"a", 1})}. */
  public static Dataset<Row> rows(String ddl, Object[]... values) {
    List<Row> list = Arrays.stream(values).map(RowFactory::create).collect(Collectors.toList());
    return SharedSpark.spark().createDataFrame(list, StructType.fromDDL(ddl));
  }

  /** Asserts the frame holds exactly these rows (any order), each given as its values. */
  public static void assertRows(Dataset<Row> actual, Object[]... expected) {
    List<String> want = Arrays.stream(expected).map(DatasetAssert::render).sorted().collect(Collectors.toList());
    List<String> got = actual.collectAsList().stream().map(r -> render(toArray(r))).sorted().toList();
    if (!want.equals(got)) {
      List<String> missing = new ArrayList<>(want);
      got.forEach(missing::remove);
      List<String> unexpected = new ArrayList<>(got);
      want.forEach(unexpected::remove);
      throw new AssertionError(
          "Rows differ (columns " + Arrays.toString(actual.columns()) + ")\n  missing:    " + missing
              + "\n  unexpected: " + unexpected + "\n  all actual: " + got);
    }
  }

  /** Asserts two frames hold the same rows (any order) and the same column names. */
  public static void assertSameRows(Dataset<Row> actual, Dataset<Row> expected) {
    if (!Arrays.equals(actual.columns(), expected.columns())) {
      throw new AssertionError(
          "Columns differ: " + Arrays.toString(actual.columns()) + " vs " + Arrays.toString(expected.columns()));
    }
    assertRows(actual, expected.collectAsList().stream().map(DatasetAssert::toArray).toArray(Object[][]::new));
  }

  private static Object[] toArray(Row r) {
    Object[] values = new Object[r.length()];
    for (int i = 0; i < r.length(); i++) {
      values[i] = r.get(i);
    }
    return values;
  }

  private static String render(Object[] values) {
    return Arrays.stream(values).map(DatasetAssert::renderValue).collect(Collectors.joining(", ", "(", ")"));
  }

  private static String renderValue(Object v) {
    if (v instanceof java.math.BigDecimal d) {
      return d.stripTrailingZeros().toPlainString();
    }
    if (v instanceof scala.collection.Seq<?> s) {
      return scala.jdk.javaapi.CollectionConverters.asJava(s).toString();
    }
    if (v instanceof Object[] a) {
      return Arrays.toString(a);
    }
    return String.valueOf(v);
  }
}
