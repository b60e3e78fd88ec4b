package org.opendmp.jobs.identity.graph;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.opendmp.common.DmpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives {@link StarContraction} rounds to convergence. Each round is one Spark job that computes the round,
 * caches it and counts its changed rows (the only thing that comes back to the driver); every
 * {@code checkpointInterval} rounds the lineage is cut, and what is no longer needed is released at once.
 */
final class ComponentsLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ComponentsLoop.class);
  private static final String DESCRIPTION = "spark.job.description";

  private ComponentsLoop() {}

  static ComponentsRun run(Dataset<Row> edges, ComponentOptions opts) {
    SparkSession spark = edges.sparkSession();
    SparkContext sc = spark.sparkContext();
    int partitions = partitions(spark, opts);
    Materializer keep = new Materializer(spark, opts);
    String callerDescription = sc.getLocalProperty(DESCRIPTION);
    Dataset<Row> current = StarContraction.orient(edges, partitions);
    Dataset<Row> lastCut = null;
    Dataset<Row> cached = null;
    try {
      for (int round = 1; ; round++) {
        sc.setJobDescription("components: round " + round);
        Dataset<Row> next = keep.cache(StarContraction.round(current, partitions));
        Row stats = StarContraction.stats(next);
        long size = stats.getLong(0);
        long changed = stats.getLong(1);
        LOG.info("Components round {}: {} edges, {} changed", round, size, changed);
        if (changed == 0) {
          // The round's input was already a star forest, and so is its output: read the assignment off it.
          sc.setJobDescription("components: assignment");
          Dataset<Row> assignment = keep.cut(keep.cache(StarContraction.assignment(next)));
          keep.release(next);
          keep.release(cached);
          keep.release(lastCut);
          return new ComponentsRun(assignment, round, size);
        }
        if (round % opts.checkpointInterval() == 0) {
          next = keep.cut(next);
          keep.release(lastCut);
          lastCut = next;
        }
        if (cached != lastCut) {
          keep.release(cached);
        }
        cached = next;
        current = next;
        if (round >= opts.maxIterations()) {
          keep.release(lastCut);
          keep.release(cached);
          throw new DmpException(String.format(
              "Cannot compute connected components: not converged after %d rounds, %d of %d edges still changing "
                  + "(max_iterations=%d; a long chain needs about log2(length) rounds)",
              round, changed, size, opts.maxIterations()));
        }
      }
    } finally {
      sc.setJobDescription(callerDescription);
    }
  }

  static int partitions(SparkSession spark, ComponentOptions opts) {
    return opts.partitions() > 0 ? opts.partitions() : Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
  }
}
