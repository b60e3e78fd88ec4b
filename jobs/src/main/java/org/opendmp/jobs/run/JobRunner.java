package org.opendmp.jobs.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.opendmp.common.DmpException;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.JobContext;
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

  /**
   * Runs jobs in order for one date, stopping at the first failure. Returns the outcomes of the jobs that ran.
   */
  public static List<Outcome> runAll(List<JobSpec> jobs, Lake lake, LocalDate date, java.util.function.Consumer<String> progress) {
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      JobSpec spec = jobs.get(i);
      progress.accept(String.format("[%s] %d/%d %s ...", date, i + 1, jobs.size(), spec.name()));
      Outcome o = run(spec, lake, date);
      outcomes.add(o);
      progress.accept(String.format("[%s] %d/%d %s %s in %.1f s%s", date, i + 1, jobs.size(), spec.name(),
          o.status(), o.seconds(), o.ok() ? rows(o.summary()) : ": " + o.message()));
      if (!o.ok()) {
        break;
      }
    }
    return outcomes;
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
