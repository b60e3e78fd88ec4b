package org.opendmp.jobs.identity.graph;

import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Sizes, the n largest components and the giant-component guard. */
class ComponentsGuardTest {
  private static final Dataset<Row> ASSIGNMENT = rows("node BIGINT, component BIGINT",
      a(1, 1), a(2, 1), a(3, 1), a(4, 1),
      a(5, 5), a(6, 5), a(7, 5),
      a(8, 8), a(9, 8), a(10, 8),
      a(11, 11));

  @Test
  void largestAreBySizeThenComponent() {
    assertRows(Components.largest(ASSIGNMENT, 2), a(1, 4), a(5, 3));
  }

  @Test
  void oversizedListsComponentsAboveTheGuardWithTheirSize() {
    assertRows(Components.oversized(ASSIGNMENT, ComponentOptions.DEFAULTS.withMaxComponentSize(2)),
        a(1, 4), a(5, 3), a(8, 3));
    assertRows(Components.oversized(ASSIGNMENT, ComponentOptions.DEFAULTS.withMaxComponentSize(3)), a(1, 4));
  }

  @Test
  void guardOffReportsNothing() {
    assertRows(Components.oversized(ASSIGNMENT, ComponentOptions.DEFAULTS));
  }

  private static Object[] a(long x, long y) {
    return new Object[] {x, y};
  }
}
