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
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.execution.LogicalRDD$;
import org.apache.spark.storage.StorageLevel;
import org.opendmp.jobs.identity.graph.ComponentOptions.CheckpointMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Keeps the datasets of an iterative computation: cached between lineage cuts, checkpointed (reliable or local)
 * at the cuts, and released as soon as the next one is kept. Checkpoints keep the output partitioning, so a
 * round that groups by the key its input was partitioned on does not shuffle again.
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

  /** Caches a planned dataset (computed by the first action on it). */
  Dataset<Row> cache(Dataset<Row> planned) {
    return planned.persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * The same rows, cached dataset or not, under a one-node logical plan over the dataset's RDD, keeping its
   * partitioning. Iterations must restart from such a plan: each round refers to its input several times (self
   * joins), so without it the logical plan of round n holds about 4^n copies of the first one, and planning, not
   * computing, dominates after a few rounds. The RDD lineage is kept (recomputable if a cached block is lost).
   */
  Dataset<Row> fresh(Dataset<Row> ds) {
    org.apache.spark.sql.classic.Dataset<Row> classic = (org.apache.spark.sql.classic.Dataset<Row>) ds;
    // Spark's own way to turn a dataset into a leaf plan (Dataset.checkpoint uses it), without the checkpoint.
    LogicalRDD leaf = LogicalRDD$.MODULE$.fromDataset(classic.queryExecution().toRdd(), classic, false);
    return org.apache.spark.sql.classic.Dataset.ofRows(classic.sparkSession(), leaf);
  }

  /**
   * Cuts the lineage of a dataset (cached or not): eagerly checkpointed, then its cache, if any, released. The
   * result no longer depends on any earlier dataset of the computation.
   */
  Dataset<Row> cut(Dataset<Row> ds) {
    Dataset<Row> kept = mode == CheckpointMode.RELIABLE ? ds.checkpoint(true) : ds.localCheckpoint(true);
    ds.unpersist(false);
    return kept;
  }

  /**
   * Releases a dataset this class kept: its cache, its local checkpoint blocks or its reliable checkpoint
   * files. Only for datasets no live result depends on any more.
   */
  void release(Dataset<Row> ds) {
    if (ds == null) {
      return;
    }
    ds.unpersist(false);
    LogicalPlan plan = ds.queryExecution().analyzed();
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
      if (wanted != null && !current.get().startsWith(wanted) && !current.get().contains(wanted)) {
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
