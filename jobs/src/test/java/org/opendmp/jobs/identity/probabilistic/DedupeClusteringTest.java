package org.opendmp.jobs.identity.probabilistic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.assertSameRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Clusters are the connected components of the links, in Spark (label propagation) or on the driver. */
class DedupeClusteringTest {
  /** A chain of seven written in scrambled order (so labels need several steps), a pair, and a lone record. */
  static Dataset<Row> links() {
    return rows("key_l STRING, key_r STRING",
        new Object[] {"g", "h"}, new Object[] {"f", "g"}, new Object[] {"c", "h"}, new Object[] {"e", "f"},
        new Object[] {"d", "e"}, new Object[] {"b", "d"}, new Object[] {"x", "y"});
  }

  @Test
  void propagationFindsTheSmallestKeyOfEachComponent() {
    int[] steps = {0};
    Dataset<Row> spark = Clustering.connectedComponents(links(), 20, s -> steps[0] = s);
    assertRows(spark,
        new Object[] {"b", "b"}, new Object[] {"c", "b"}, new Object[] {"d", "b"}, new Object[] {"e", "b"},
        new Object[] {"f", "b"}, new Object[] {"g", "b"}, new Object[] {"h", "b"}, new Object[] {"x", "x"},
        new Object[] {"y", "x"});
    assertThat(steps[0]).isBetween(2, 6);

    long[][] sizes = {null};
    Dataset<Row> local = Clustering.connectedComponentsLocally(links(), s -> sizes[0] = s);
    assertSameRows(local.select("_key", "label"), spark.select("_key", "label"));
    long[] sorted = sizes[0].clone();
    Arrays.sort(sorted);
    assertThat(sorted).containsExactly(2, 7);
    assertThat(ProbabilisticLinker.clusterStats(sizes[0], 10)).containsExactly(3, 1, 7, 21 + 1);
  }

  @Test
  void everyRecordGetsItsClusterNamedByItsFirstRecord() {
    Dataset<Row> records =
        rows("_key STRING, source STRING, record_id STRING",
            new Object[] {"s\u0001#0000000000000000009", "s", "9"}, new Object[] {"s\u0001#0000000000000000010", "s", "10"},
            new Object[] {"s\u0001#0000000000000000011", "s", "11"});
    Dataset<Row> labels =
        rows("_key STRING, label STRING",
            new Object[] {"s\u0001#0000000000000000010", "s\u0001#0000000000000000009"},
            new Object[] {"s\u0001#0000000000000000009", "s\u0001#0000000000000000009"});
    assertRows(Clustering.clusters(records, labels, true),
        new Object[] {"s", "9", "9", 2L}, new Object[] {"s", "10", "9", 2L}, new Object[] {"s", "11", "11", 1L});
    assertRows(Clustering.clusters(records, labels, false).select("record_id", "cluster_id"),
        new Object[] {"9", "s:9"}, new Object[] {"10", "s:9"}, new Object[] {"11", "s:11"});
  }
}
