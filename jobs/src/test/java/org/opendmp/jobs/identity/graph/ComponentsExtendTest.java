package org.opendmp.jobs.identity.graph;

import static org.apache.spark.sql.functions.col;
import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.assertSameRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.opendmp.jobs.identity.graph.ComponentOptions.CheckpointMode;

/** Incremental components: same result as recomputing, and only the affected nodes reported. */
class ComponentsExtendTest {
  private static final String EDGES = "src BIGINT, dst BIGINT";
  private static final ComponentOptions OPTS =
      ComponentOptions.DEFAULTS.withCheckpoints(CheckpointMode.LOCAL, 3, null);

  @Test
  void reportsAbsorbedComponentsAndNewNodesOnly() {
    // History: {1,2,3}, {5,6}, {10,11,12}, {20,21}.
    Dataset<Row> previous = Components.of(rows(EDGES, e(1, 2), e(2, 3), e(5, 6), e(10, 11), e(12, 11), e(20, 21)),
        OPTS);
    Dataset<Row> newEdges = rows(EDGES,
        e(6, 3),     // merges {5,6} into {1,2,3}: 5 and 6 change, 1..3 keep their label
        e(12, 4),    // new node 4 joins {10,11,12}, which becomes labelled 4
        e(21, 20),   // inside one component: nothing changes
        e(30, 31),   // a new component
        e(40, 40));  // a new single node
    assertRows(Components.extend(previous, newEdges, OPTS),
        c(5, 5L, 1), c(6, 5L, 1),
        c(10, 10L, 4), c(11, 10L, 4), c(12, 10L, 4), c(4, null, 4),
        c(30, null, 30), c(31, null, 30),
        c(40, null, 40));
  }

  @Test
  void chainOfMergesAcrossManyComponentsResolvesInOneExtend() {
    Dataset<Row> previous = Components.of(rows(EDGES, e(1, 2), e(3, 4), e(5, 6), e(7, 8)), OPTS);
    Dataset<Row> newEdges = rows(EDGES, e(8, 6), e(5, 4), e(9, 7));
    assertRows(Components.extend(previous, newEdges, OPTS),
        c(5, 5L, 3), c(6, 5L, 3), c(7, 7L, 3), c(8, 7L, 3), c(9, null, 3));
  }

  @Test
  void extendingARandomHistoryEqualsRecomputingAndListsExactlyTheChangedNodes() {
    Random random = new Random(5);
    long[] ids = random.longs(3000).toArray();
    Dataset<Row> history = randomEdges(random, ids, 0, 2000, 2000);
    // The night's edges reach old nodes (ids 1500-1999) and new ones (2000-2999).
    Dataset<Row> night = randomEdges(random, ids, 1500, 3000, 150);

    Dataset<Row> previous = Components.of(history, OPTS);
    Dataset<Row> changes = Components.extend(previous, night, OPTS);
    Dataset<Row> recomputed = Components.of(history.unionByName(night), OPTS);

    assertSameRows(Components.applyChanges(previous, changes).select("node", "component"), recomputed);
    Dataset<Row> before = previous.select(col("node").as("p_node"), col("component").as("old_component"));
    Dataset<Row> expectedChanges = recomputed.join(before, recomputed.col("node").equalTo(col("p_node")), "left")
        .where(col("old_component").isNull().or(col("old_component").notEqual(col("component"))))
        .select(recomputed.col("node"), col("old_component"), col("component").as("new_component"));
    assertSameRows(changes, expectedChanges);
  }

  private static Dataset<Row> randomEdges(Random random, long[] ids, int from, int to, int n) {
    Object[][] edges = new Object[n][];
    for (int i = 0; i < n; i++) {
      edges[i] = new Object[] {ids[from + random.nextInt(to - from)], ids[from + random.nextInt(to - from)]};
    }
    return rows(EDGES, edges);
  }

  private static Object[] e(long src, long dst) {
    return new Object[] {src, dst};
  }

  private static Object[] c(long node, Long old, long now) {
    return new Object[] {node, old, now};
  }
}
