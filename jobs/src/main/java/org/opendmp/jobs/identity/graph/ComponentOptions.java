package org.opendmp.jobs.identity.graph;

import org.opendmp.common.DmpException;

/**
 * How {@link Components} runs.
 *
 * @param maxIterations rounds (one large-star and one small-star pass each) after which the run fails; the
 *     alternating algorithm needs O(log^2 n) rounds in theory and about log n in practice (a 200-node chain
 *     takes 8), so hitting this means a bug or a pathological graph, never a slow night
 * @param checkpointInterval every this many rounds the lineage is cut by a checkpoint; in between, each round
 *     is cached (MEMORY_AND_DISK) and the previous round released
 * @param checkpointMode {@link CheckpointMode#RELIABLE} writes the cut to {@code checkpointDir} (survives the
 *     loss of an executor); {@link CheckpointMode#LOCAL} keeps it in the executors' block managers (faster, not
 *     fault tolerant)
 * @param checkpointDir where reliable checkpoints go; null: the SparkContext's checkpoint dir when one is set,
 *     else a new local temp dir (set on the SparkContext only when none is set). On a cluster give a shared
 *     filesystem path, one per run, and delete it after the run
 * @param partitions shuffle partitions of every round; 0: {@code spark.sql.shuffle.partitions}. Fixed (not
 *     left to adaptive coalescing) so that rounds stay co-partitioned and skip shuffles
 * @param maxComponentSize the giant-component guard used by {@link Components#oversized(org.apache.spark.sql.Dataset,
 *     ComponentOptions)}: components with more nodes are reported; 0 disables the guard
 * @param broadcastIncremental in {@link Components#extend}, broadcast the night's touched nodes and the merged
 *     component ids so that the history is only scanned, never shuffled; turn off for a backfill whose new
 *     edges are as large as the history
 */
public record ComponentOptions(
    int maxIterations,
    int checkpointInterval,
    CheckpointMode checkpointMode,
    String checkpointDir,
    int partitions,
    long maxComponentSize,
    boolean broadcastIncremental) {

  /** Reliable checkpoints every 4 rounds to the default dir, at most 60 rounds, no size guard. */
  public static final ComponentOptions DEFAULTS =
      new ComponentOptions(60, 4, CheckpointMode.RELIABLE, null, 0, 0, true);

  /** Where the lineage cut of {@link ComponentOptions#checkpointInterval} is kept. */
  public enum CheckpointMode {
    RELIABLE,
    LOCAL
  }

  public ComponentOptions {
    if (maxIterations < 1) {
      throw invalid("max_iterations must be at least 1", "max_iterations=" + maxIterations);
    }
    if (checkpointInterval < 1) {
      throw invalid("checkpoint_interval must be at least 1", "checkpoint_interval=" + checkpointInterval);
    }
    if (checkpointMode == null) {
      throw invalid("checkpoint_mode is missing", "checkpoint_mode=null");
    }
    if (partitions < 0) {
      throw invalid("partitions must be 0 (session default) or more", "partitions=" + partitions);
    }
    if (maxComponentSize < 0) {
      throw invalid("max_component_size must be 0 (no guard) or more", "max_component_size=" + maxComponentSize);
    }
  }

  public ComponentOptions withMaxIterations(int n) {
    return new ComponentOptions(n, checkpointInterval, checkpointMode, checkpointDir, partitions, maxComponentSize,
        broadcastIncremental);
  }

  public ComponentOptions withCheckpoints(CheckpointMode mode, int interval, String dir) {
    return new ComponentOptions(maxIterations, interval, mode, dir, partitions, maxComponentSize, broadcastIncremental);
  }

  public ComponentOptions withPartitions(int n) {
    return new ComponentOptions(maxIterations, checkpointInterval, checkpointMode, checkpointDir, n, maxComponentSize,
        broadcastIncremental);
  }

  public ComponentOptions withMaxComponentSize(long n) {
    return new ComponentOptions(maxIterations, checkpointInterval, checkpointMode, checkpointDir, partitions, n,
        broadcastIncremental);
  }

  public ComponentOptions withBroadcastIncremental(boolean b) {
    return new ComponentOptions(maxIterations, checkpointInterval, checkpointMode, checkpointDir, partitions,
        maxComponentSize, b);
  }

  private static DmpException invalid(String why, String what) {
    return new DmpException("Cannot configure connected components: " + why + " (" + what + ")");
  }
}
