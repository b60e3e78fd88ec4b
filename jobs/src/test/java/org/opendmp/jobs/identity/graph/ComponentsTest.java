package org.opendmp.jobs.identity.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.identity.graph.ComponentOptions.CheckpointMode;

/** Hand-made graphs with known components. */
class ComponentsTest {
  private static final String EDGES = "src BIGINT, dst BIGINT";
  /** Small partitions and frequent cuts, so that every code path of the loop runs in these tests. */
  private static final ComponentOptions OPTS =
      ComponentOptions.DEFAULTS.withCheckpoints(CheckpointMode.LOCAL, 2, null);

  @Test
  void chainIsOneComponentLabelledByItsSmallestNode() {
    Dataset<Row> edges = rows(EDGES, e(4, 3), e(3, 2), e(2, 1), e(5, 4));
    assertRows(Components.of(edges, OPTS), a(1, 1), a(2, 1), a(3, 1), a(4, 1), a(5, 1));
  }

  @Test
  void starAroundAMiddleNode() {
    Dataset<Row> edges = rows(EDGES, e(5, 1), e(5, 2), e(5, 9), e(8, 5), e(5, 7));
    assertRows(Components.of(edges, OPTS), a(1, 1), a(2, 1), a(5, 1), a(7, 1), a(8, 1), a(9, 1));
  }

  @Test
  void twoComponentsStaySeparate() {
    Dataset<Row> edges = rows(EDGES, e(1, 2), e(3, 2), e(20, 10), e(11, 10));
    assertRows(Components.of(edges, OPTS), a(1, 1), a(2, 1), a(3, 1), a(10, 10), a(11, 10), a(20, 10));
  }

  @Test
  void selfLoopsAndNullEndsGiveSingleNodesTheirOwnComponent() {
    Dataset<Row> edges = rows(EDGES, e(7, 7), e(2, 2), e(2, 3), new Object[] {9L, null},
        new Object[] {null, null});
    assertRows(Components.of(edges, OPTS), a(7, 7), a(2, 2), a(3, 2), a(9, 9));
  }

  @Test
  void duplicateAndReversedEdgesCountOnce() {
    Dataset<Row> edges = rows(EDGES, e(1, 2), e(2, 1), e(1, 2), e(2, 3), e(3, 2), e(3, 2));
    ComponentsRun run = Components.run(edges, OPTS);
    assertRows(run.assignment(), a(1, 1), a(2, 1), a(3, 1));
    assertThat(run.nodes()).isEqualTo(3);
  }

  @Test
  void negativeIdsAsHashesGiveThemAreOrderedAsLongs() {
    Dataset<Row> edges = rows(EDGES, e(-5, 3), e(3, Long.MIN_VALUE), e(Long.MAX_VALUE, 0), e(0, -1));
    assertRows(Components.of(edges, OPTS),
        a(-5, Long.MIN_VALUE), a(3, Long.MIN_VALUE), a(Long.MIN_VALUE, Long.MIN_VALUE),
        a(Long.MAX_VALUE, -1), a(0, -1), a(-1, -1));
  }

  @Test
  void emptyGraphHasNoComponent() {
    assertRows(Components.of(rows(EDGES), OPTS));
  }

  @Test
  void longShuffledChainConvergesOverManyRoundsWithLocalCheckpoints() {
    ComponentsRun run = Components.run(chain(200, 11), OPTS);
    assertThat(run.iterations()).isGreaterThanOrEqualTo(5);
    assertRows(run.assignment(), chainAssignment(200));
  }

  @Test
  void longShuffledChainWithReliableCheckpoints(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    ComponentOptions reliable = ComponentOptions.DEFAULTS.withCheckpoints(CheckpointMode.RELIABLE, 3,
        dir.toString());
    assertRows(Components.of(chain(200, 12), reliable), chainAssignment(200));
  }

  @Test
  void notConvergingWithinMaxIterationsFailsClearly() {
    assertThatThrownBy(() -> Components.of(chain(200, 13), OPTS.withMaxIterations(2)))
        .isInstanceOf(DmpException.class)
        .hasMessageStartingWith("Cannot compute connected components: not converged after 2 rounds");
  }

  @Test
  void optionsAreValidated() {
    assertThatThrownBy(() -> ComponentOptions.DEFAULTS.withMaxIterations(0))
        .isInstanceOf(DmpException.class).hasMessageContaining("max_iterations=0");
    assertThatThrownBy(() -> ComponentOptions.DEFAULTS.withPartitions(-1))
        .isInstanceOf(DmpException.class).hasMessageContaining("partitions=-1");
  }

  /** Nodes 1..n linked in a random order (ids shuffled along the chain), edges randomly oriented. */
  static Dataset<Row> chain(int n, long seed) {
    List<Long> ids = new ArrayList<>();
    for (long i = 1; i <= n; i++) {
      ids.add(i);
    }
    Random random = new Random(seed);
    Collections.shuffle(ids, random);
    Object[][] edges = new Object[n - 1][];
    for (int i = 0; i + 1 < n; i++) {
      edges[i] = random.nextBoolean() ? e(ids.get(i), ids.get(i + 1)) : e(ids.get(i + 1), ids.get(i));
    }
    return rows(EDGES, edges);
  }

  private static Object[][] chainAssignment(int n) {
    Object[][] expected = new Object[n][];
    for (int i = 0; i < n; i++) {
      expected[i] = a(i + 1, 1);
    }
    return expected;
  }

  static Object[] e(long src, long dst) {
    return new Object[] {src, dst};
  }

  static Object[] a(long node, long component) {
    return new Object[] {node, component};
  }
}
