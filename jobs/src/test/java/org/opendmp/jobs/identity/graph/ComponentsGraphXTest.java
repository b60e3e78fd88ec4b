package org.opendmp.jobs.identity.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.identity.graph.ComponentOptions.CheckpointMode;

/** Same partition as GraphX connectedComponents on random graphs. */
class ComponentsGraphXTest {
  private static final ComponentOptions OPTS =
      ComponentOptions.DEFAULTS.withCheckpoints(CheckpointMode.LOCAL, 3, null);

  @Test
  void randomGraphOf5000EdgesHasTheSamePartitionAsGraphX() {
    // 5000 edges over 7000 random 64-bit ids: average degree 1.4, so one giant component and many small trees.
    Random random = new Random(42);
    long[] ids = random.longs(7000).toArray();
    Object[][] edges = new Object[5000][];
    for (int i = 0; i < edges.length; i++) {
      edges[i] = new Object[] {ids[random.nextInt(ids.length)], ids[random.nextInt(ids.length)]};
    }
    assertSamePartitionAsGraphX(rows("src BIGINT, dst BIGINT", edges));
  }

  @Test
  void identityLikeGraphHasTheSamePartitionAsGraphX() {
    assertSamePartitionAsGraphX(IdentityGraphs.generate(SharedSpark.spark(), 4000, 3, 2));
  }

  @Test
  void partitionCheckSeesOneNodeInTheWrongComponent() {
    String ddl = "node BIGINT, component BIGINT";
    Dataset<Row> left = rows(ddl, new Object[] {1L, 1L}, new Object[] {2L, 1L}, new Object[] {3L, 3L});
    Dataset<Row> relabelled = rows(ddl, new Object[] {1L, 9L}, new Object[] {2L, 9L}, new Object[] {3L, 7L});
    Dataset<Row> moved = rows(ddl, new Object[] {1L, 1L}, new Object[] {2L, 3L}, new Object[] {3L, 3L});
    Dataset<Row> missing = rows(ddl, new Object[] {1L, 1L}, new Object[] {2L, 1L});
    assertThat(PartitionCheck.compare(left, relabelled).same()).isTrue();
    assertThat(PartitionCheck.compare(left, moved).same()).isFalse();
    assertThat(PartitionCheck.compare(left, missing).same()).isFalse();
  }

  private static void assertSamePartitionAsGraphX(Dataset<Row> edges) {
    edges = edges.persist(StorageLevel.MEMORY_ONLY());
    Dataset<Row> ours = Components.of(edges, OPTS);
    Dataset<Row> graphx = GraphXComponents.of(edges);
    PartitionCheck.Comparison c = PartitionCheck.compare(ours, graphx);
    assertThat(c.same()).as("%s", c).isTrue();
    assertThat(c.nodesLeft()).isGreaterThan(1000);
    assertThat(c.componentsLeft()).isGreaterThan(10).isLessThan(c.nodesLeft());
    // Both label a component by its smallest node, so even the labels agree.
    assertThat(ours.join(graphx.withColumnRenamed("component", "g"), "node")
        .where("component <> g").count()).isZero();
    edges.unpersist();
  }
}
