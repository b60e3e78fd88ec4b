package org.opendmp.jobs.identity.graph;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.count_if;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Whether two assignments group the same nodes together, whatever their labels: computed in Spark (one job,
 * only counts come back), for tests and benchmarks.
 */
public final class PartitionCheck {
  private PartitionCheck() {}

  /**
   * The counts that decide it. The partitions are equal when both sides hold the same nodes and the pairs
   * (left label, right label) met on common nodes form a bijection: as many distinct pairs as distinct labels
   * on each side.
   */
  public record Comparison(
      long nodesLeft, long nodesRight, long onlyLeft, long onlyRight, long componentsLeft, long componentsRight,
      long labelPairs) {
    public boolean same() {
      return onlyLeft == 0 && onlyRight == 0 && labelPairs == componentsLeft && labelPairs == componentsRight;
    }
  }

  /** Inputs: {@code node, component} each, one row per node (labels of any type). */
  public static Comparison compare(Dataset<Row> left, Dataset<Row> right) {
    Dataset<Row> l = left.select(col("node"), col("component").as("l"));
    Dataset<Row> r = right.select(col("node"), col("component").as("r"));
    Row c = l.join(r, l.col("node").equalTo(r.col("node")), "full_outer")
        .agg(
            count(col("l")),
            count(col("r")),
            count_if(col("r").isNull()),
            count_if(col("l").isNull()),
            countDistinct(col("l")),
            countDistinct(col("r")),
            countDistinct(col("l"), col("r")))
        .first();
    return new Comparison(c.getLong(0), c.getLong(1), c.getLong(2), c.getLong(3), c.getLong(4), c.getLong(5),
        c.getLong(6));
  }
}
