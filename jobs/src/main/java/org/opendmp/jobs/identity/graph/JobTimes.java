package org.opendmp.jobs.identity.graph;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.executor.TaskMetrics;

/**
 * Benchmark instrument: wall time of Spark jobs and their stage count, summed by job description (the loop
 * describes each round's jobs "components: round N"). Uses the event times Spark stamps, no clock of its own.
 * Verbose: one line per stage on stderr (wall, executor run and CPU time, GC, shuffle, spill).
 */
final class JobTimes extends SparkListener {
  private final Map<Integer, String> descriptions = new ConcurrentHashMap<>();
  private final Map<Integer, Long> starts = new ConcurrentHashMap<>();
  private final Map<String, Long> millis = new LinkedHashMap<>();
  private final Map<String, Integer> stages = new LinkedHashMap<>();
  private final Map<Integer, String> stageOwners = new ConcurrentHashMap<>();
  private final boolean verbose;

  JobTimes(boolean verbose) {
    this.verbose = verbose;
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    String d = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
    String description = d == null ? "(none)" : d;
    descriptions.put(start.jobId(), description);
    starts.put(start.jobId(), start.time());
    scala.jdk.javaapi.CollectionConverters.asJava(start.stageIds())
        .forEach(id -> stageOwners.put((Integer) id, description));
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    String description = descriptions.remove(end.jobId());
    Long start = starts.remove(end.jobId());
    if (description != null && start != null) {
      synchronized (this) {
        millis.merge(description, end.time() - start, Long::sum);
      }
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted completed) {
    StageInfo info = completed.stageInfo();
    String description = stageOwners.get(info.stageId());
    if (description != null && info.submissionTime().isDefined()) {
      synchronized (this) {
        stages.merge(description, 1, Integer::sum);
        if (verbose) {
          TaskMetrics m = info.taskMetrics();
          long wall = info.completionTime().isDefined()
              ? (Long) info.completionTime().get() - (Long) info.submissionTime().get() : -1;
          System.err.printf(Locale.ROOT,
              "STAGE %-28s %-44.44s tasks=%d wall=%dms run=%dms cpu=%dms gc=%dms in=%d shufW=%dKB/%d shufR=%dKB spill=%dKB%n",
              description, info.name(), info.numTasks(), wall, m.executorRunTime(), m.executorCpuTime() / 1_000_000,
              m.jvmGCTime(), m.inputMetrics().recordsRead(), m.shuffleWriteMetrics().bytesWritten() >> 10,
              m.shuffleWriteMetrics().recordsWritten(), m.shuffleReadMetrics().totalBytesRead() >> 10,
              m.memoryBytesSpilled() >> 10);
        }
      }
    }
  }

  synchronized void clear() {
    millis.clear();
    stages.clear();
  }

  /** Seconds by description, in first-seen order. */
  synchronized Map<String, Double> seconds() {
    Map<String, Double> out = new LinkedHashMap<>();
    millis.forEach((k, v) -> out.put(k, v / 1000.0));
    return out;
  }

  /** Stages that ran (skipped ones excluded), by description. */
  synchronized Map<String, Integer> stagesRun() {
    return new LinkedHashMap<>(stages);
  }
}
