package org.opendmp.jobs.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.opendmp.common.DmpException;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.JobSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs and keeps their record: one {@code ops.job_runs} row per attempt and one {@code RUN_SUMMARY} log
 * line per job. The clock is read here only to time runs, never to decide what data a job processes.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  /** How one job ended. {@code summary} is null when the job failed. */
  public record Outcome(JobSpec spec, String status, RunSummary summary, double seconds, String message) {
    public boolean ok() {
      return status.equals("success");
    }
  }

  private JobRunner() {}

  /** Runs one job for one date and records the attempt, success or failure. */
  public static Outcome run(JobSpec spec, Lake lake, LocalDate date) {
    Instant started = Instant.now(); // clock-ok: timing the run
    lake.spark().sparkContext().setJobGroup(spec.name(), spec.name() + " " + date, false);
    Outcome outcome;
    try {
      RunSummary summary = spec.factory().get().run(new JobContext(spec.name(), lake, date));
      outcome = new Outcome(spec, "success", summary, secondsSince(started), "");
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", spec.name(), date, e);
      outcome = new Outcome(spec, "failed", null, secondsSince(started), oneLine(e));
    } finally {
      lake.spark().sparkContext().clearJobGroup();
    }
    record(lake, date, outcome, started);
    RunSummary s = outcome.summary() != null ? outcome.summary() : RunSummary.of(spec.name(), date, 0, 0, 0);
    if (!outcome.ok()) {
      s = s.with("error", outcome.message());
    }
    LOG.info(s.logLine(outcome.status(), outcome.seconds()));
    return outcome;
  }

  /**
   * Checks the configs of every job before any runs ({@link org.opendmp.jobs.Job#check}): the first problem is
   * thrown as one line naming the job, e.g. {@code Cannot load segments: ... (file conf/segments.yaml, segment
   * vip, column 12) [job segments]}.
   */
  public static void checkAll(List<JobSpec> jobs, org.opendmp.common.config.EnvConfig env) {
    for (JobSpec spec : jobs) {
      try {
        spec.factory().get().check(env);
      } catch (DmpException e) {
        throw new DmpException(oneLine(e) + " [job " + spec.name() + "]", e);
      }
    }
  }

  /** Runs jobs one after the other for one date, stopping at the first failure (see the parallel form). */
  public static List<Outcome> runAll(List<JobSpec> jobs, Lake lake, LocalDate date, Consumer<String> progress) {
    return runAll(jobs, lake, date, progress, 1);
  }

  /**
   * Runs jobs for one date stage after stage (registry order), stopping after a stage where a job failed. Inside
   * a stage up to {@code parallel} jobs run at once, in threads of the one session, each waiting for the earlier
   * jobs of its stage it depends on ({@link JobRegistry#waitsFor}), as in the Airflow DAG: the night's small jobs
   * spend much of their time planning and reading Delta logs on one core, so two at a time keep both cores of a
   * small machine busy. Returns the outcomes of the jobs that ran, in registry order; a job whose stage
   * predecessor failed does not run.
   */
  public static List<Outcome> runAll(
      List<JobSpec> jobs, Lake lake, LocalDate date, Consumer<String> progress, int parallel) {
    if (parallel < 1) {
      throw new DmpException("Cannot run the night: --parallel must be at least 1, got " + parallel);
    }
    List<Outcome> outcomes = new ArrayList<>();
    int i = 0;
    while (i < jobs.size()) {
      int end = i;
      while (end < jobs.size() && jobs.get(end).stage().equals(jobs.get(i).stage())) {
        end++;
      }
      List<Outcome> stage = runStage(jobs, i, end, lake, date, progress, parallel);
      outcomes.addAll(stage);
      if (stage.size() < end - i || stage.stream().anyMatch(o -> !o.ok())) {
        break;
      }
      i = end;
    }
    return outcomes;
  }

  /** Jobs {@code from} (inclusive) to {@code to} (exclusive) of {@code jobs}, one stage. */
  private static List<Outcome> runStage(
      List<JobSpec> jobs, int from, int to, Lake lake, LocalDate date, Consumer<String> progress, int parallel) {
    int threads = Math.min(parallel, to - from);
    if (threads == 1) {
      List<Outcome> out = new ArrayList<>();
      for (int k = from; k < to; k++) {
        Outcome o = runWithProgress(jobs, k, lake, date, progress);
        out.add(o);
        if (!o.ok()) {
          break;
        }
      }
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Map<String, CompletableFuture<Outcome>> running = new LinkedHashMap<>();
      for (int k = from; k < to; k++) {
        int index = k;
        List<CompletableFuture<Outcome>> before = JobRegistry.waitsFor(jobs.subList(from, to), jobs.get(k)).stream()
            .map(j -> running.get(j.name())).toList();
        CompletableFuture<Outcome> job = CompletableFuture.allOf(before.toArray(new CompletableFuture[0]))
            .thenApplyAsync(x -> before.stream().allMatch(b -> b.join() != null && b.join().ok())
                ? runWithProgress(jobs, index, lake, date, progress) : null, pool);
        running.put(jobs.get(k).name(), job);
      }
      return running.values().stream().map(CompletableFuture::join).filter(java.util.Objects::nonNull).toList();
    } finally {
      pool.shutdown();
    }
  }

  private static Outcome runWithProgress(List<JobSpec> jobs, int k, Lake lake, LocalDate date, Consumer<String> progress) {
    JobSpec spec = jobs.get(k);
    progress.accept(String.format("[%s] %d/%d %s ...", date, k + 1, jobs.size(), spec.name()));
    Outcome o = run(spec, lake, date);
    progress.accept(String.format("[%s] %d/%d %s %s in %.1f s%s", date, k + 1, jobs.size(), spec.name(),
        o.status(), o.seconds(), o.ok() ? rows(o.summary()) : ": " + o.message()));
    return o;
  }

  private static String rows(RunSummary s) {
    return String.format(" (rows in %,d, out %,d, rejected %,d)", s.rowsIn(), s.rowsOut(), s.rejects());
  }

  /** Appends the attempt to ops.job_runs; the attempt number follows the previous ones for that job and date. */
  static void record(Lake lake, LocalDate date, Outcome o, Instant started) {
    Row previous =
        lake.read(Tables.JOB_RUNS)
            .where(col("job").equalTo(o.spec().name()).and(col("run_date").equalTo(date)))
            .agg(max("attempt"))
            .first();
    int attempt = previous.isNullAt(0) ? 1 : previous.getInt(0) + 1;
    RunSummary s = o.summary();
    Row row =
        RowFactory.create(
            o.spec().name(),
            date,
            attempt,
            o.status(),
            started,
            started.plusMillis(Math.round(o.seconds() * 1000)),
            s == null ? 0L : s.rowsIn(),
            s == null ? 0L : s.rowsOut(),
            s == null ? 0L : s.rejects(),
            o.message());
    lake.append(Tables.JOB_RUNS, lake.spark().createDataFrame(List.of(row), Tables.JOB_RUNS.schema()));
  }

  /** The exception as one line: its own message when it is ours, else the root cause's type and message. */
  public static String oneLine(Throwable e) {
    if (e instanceof DmpException) {
      return e.getMessage().lines().findFirst().orElse("");
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof DmpException) {
        break;
      }
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("");
    return root instanceof DmpException ? msg : root.getClass().getSimpleName() + ": " + msg;
  }

  private static double secondsSince(Instant started) {
    return (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0; // clock-ok: timing the run
  }
}
