package org.opendmp.jobs.identity.graph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.execution.LogicalRDD$;
import org.apache.spark.storage.StorageLevel;
import org.opendmp.jobs.identity.graph.ComponentOptions.CheckpointMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Keeps the datasets of an iterative computation: each under a one-node plan over its persisted rows, cut from
 * its lineage by a checkpoint (reliable or local) when asked, and released as soon as it is no longer needed.
 *
 * <p>Why not {@code Dataset.persist}: (1) each round reads its input several times, so without a one-node plan
 * the logical plan of round n holds about 4^n copies of the first one and planning, not computing, dominates
 * after a few rounds; (2) Spark's cache is found by matching plans, and plans over RDDs are not always matched
 * (Spark 4.1 without adaptive execution does not), which silently recomputes every round from the start.
 * Persisting the rows' RDD keeps the lineage (a lost block is recomputed) and the output partitioning.
 */
final class Materializer {
  private static final Logger LOG = LoggerFactory.getLogger(Materializer.class);

  private final SparkSession spark;
  private final CheckpointMode mode;

  Materializer(SparkSession spark, ComponentOptions opts) {
    this.spark = spark;
    this.mode = opts.checkpointMode();
    if (mode == CheckpointMode.RELIABLE) {
      ensureCheckpointDir(spark.sparkContext(), opts.checkpointDir());
    }
  }

  /**
   * The same rows under a one-node plan, persisted (MEMORY_AND_DISK) by the first action that computes them,
   * with the dataset's output partitioning. With adaptive execution on, the shuffle stages of the plan run now.
   */
  Dataset<Row> keep(Dataset<Row> planned) {
    org.apache.spark.sql.classic.Dataset<Row> ds = (org.apache.spark.sql.classic.Dataset<Row>) planned;
    // Copies: the plan's iterator reuses its row objects, and the persisted partition holds them all.
    RDD<InternalRow> rows = ds.queryExecution().toRdd().toJavaRDD()
        .map(InternalRow::copy)
        .persist(StorageLevel.MEMORY_AND_DISK())
        .rdd();
    // Spark's own way to turn a dataset into a leaf plan (Dataset.checkpoint uses it).
    LogicalRDD leaf = LogicalRDD$.MODULE$.fromDataset(rows, ds, false);
    return org.apache.spark.sql.classic.Dataset.ofRows(ds.sparkSession(), leaf);
  }

  /**
   * Cuts the lineage of a kept dataset: eagerly checkpointed from its persisted rows, which are then released.
   * The result no longer depends on any earlier dataset of the computation.
   */
  Dataset<Row> cut(Dataset<Row> ds) {
    Dataset<Row> kept = mode == CheckpointMode.RELIABLE ? ds.checkpoint(true) : ds.localCheckpoint(true);
    release(ds);
    return kept;
  }

  /**
   * Releases a dataset this class kept or cut: its persisted rows, its local checkpoint blocks or its reliable
   * checkpoint files. Only for datasets no live result depends on any more. Null and repeated calls are fine.
   */
  void release(Dataset<Row> ds) {
    if (ds == null) {
      return;
    }
    LogicalPlan plan = ((org.apache.spark.sql.classic.Dataset<Row>) ds).queryExecution().analyzed();
    if (plan instanceof LogicalRDD logical) {
      RDD<?> rdd = logical.rdd();
      rdd.unpersist(false);
      Option<String> file = rdd.getCheckpointFile();
      if (file.isDefined()) {
        deleteQuietly(file.get());
      }
    }
  }

  private void deleteQuietly(String file) {
    Path path = new Path(file);
    try {
      path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
    } catch (IOException e) {
      // An intermediate checkpoint left behind only costs disk space in a per-run folder: not worth failing for.
      LOG.warn("Cannot delete intermediate checkpoint {}: {}", file, e.toString());
    }
  }

  /** Sets the SparkContext's checkpoint dir only when none is set (it is global to the application). */
  private static synchronized void ensureCheckpointDir(SparkContext sc, String wanted) {
    Option<String> current = sc.getCheckpointDir();
    if (current.isDefined()) {
      if (wanted != null && !current.get().contains(wanted)) {
        LOG.warn("Components: the SparkContext already checkpoints to {}; checkpoint_dir {} is not used",
            current.get(), wanted);
      }
      return;
    }
    String dir = wanted;
    if (dir == null) {
      try {
        dir = Files.createTempDirectory("opendmp-components-").toString();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    sc.setCheckpointDir(dir);
  }
}
