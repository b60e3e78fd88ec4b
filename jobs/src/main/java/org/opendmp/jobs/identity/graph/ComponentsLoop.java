package org.opendmp.jobs.identity.graph;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.opendmp.common.DmpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives {@link StarContraction} rounds until no edge is left to work on. Each round is one Spark job that
 * computes the round, keeps the edges still at work and the nodes of the components it found finished, and
 * counts both (the only thing that comes back to the driver). The next round starts from a one-node plan over
 * the kept edges; every {@code checkpointInterval} rounds the RDD lineage is cut by a checkpoint.
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
    // Checkpoints stay until the end: the finished components' rows may need them to recompute a lost block.
    // A round's rows go as soon as the next round's are kept (released twice is harmless).
    List<Dataset<Row>> kept = new ArrayList<>();
    List<Dataset<Row>> finished = new ArrayList<>();
    Dataset<Row> previous = null;
    long nodes = 0;
    try {
      sc.setJobDescription("components: round 0");
      Dataset<Row> annotated = keep.keep(StarContraction.start(StarContraction.orient(edges), partitions));
      kept.add(annotated);
      for (int round = 0; ; round++) {
        Dataset<Row> done = keep.keep(StarContraction.finished(annotated.where(col(StarContraction.DONE))));
        long[] counts = counts(annotated, done);
        // Only now, with this round kept, may the previous round's rows go.
        keep.release(previous);
        nodes += counts[1];
        LOG.info("Components round {}: {} edges at work, {} nodes in components finished now", round, counts[0],
            counts[1]);
        if (counts[1] > 0) {
          finished.add(done);
        } else {
          keep.release(done);
        }
        if (counts[0] == 0) {
          sc.setJobDescription("components: assignment");
          Dataset<Row> all = finished.isEmpty()
              ? done // an empty graph
              : finished.stream().reduce(Dataset::unionAll).orElseThrow();
          return new ComponentsRun(keep.cut(all), round, nodes);
        }
        if (round >= opts.maxIterations()) {
          throw new DmpException(String.format(
              "Cannot compute connected components: not converged after %d rounds, %d edges still at work "
                  + "(max_iterations=%d; a chain of n nodes needs about log2(n) rounds)",
              round, counts[0], opts.maxIterations()));
        }
        boolean cut = (round + 1) % opts.checkpointInterval() == 0;
        Dataset<Row> restart;
        if (cut) {
          restart = keep.cut(annotated); // releases the rows it was read from
          kept.add(restart);
          previous = null;
        } else {
          restart = annotated;
          previous = annotated;
        }
        sc.setJobDescription("components: round " + (round + 1));
        annotated = keep.keep(StarContraction.annotate(StarContraction.round(restart, partitions), partitions));
        kept.add(annotated);
      }
    } finally {
      // The result, if any, is a checkpoint of its own: everything else goes, on success or failure.
      finished.forEach(keep::release);
      kept.forEach(keep::release);
      keep.release(previous);
      sc.setJobDescription(callerDescription);
    }
  }

  /** Edges still at work and nodes of components finished this round, in one job that keeps both. */
  private static long[] counts(Dataset<Row> annotated, Dataset<Row> done) {
    List<Row> rows = annotated.where(not(col(StarContraction.DONE))).agg(count(lit(1)), lit(0).as("which"))
        .unionAll(done.agg(count(lit(1)), lit(1).as("which")))
        .collectAsList();
    long[] counts = new long[2];
    for (Row r : rows) {
      counts[r.getInt(1)] = r.getLong(0);
    }
    return counts;
  }

  static int partitions(SparkSession spark, ComponentOptions opts) {
    return opts.partitions() > 0 ? opts.partitions() : Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
  }
}
