package org.opendmp.jobs.cli;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.spark.Sessions;
import org.opendmp.common.table.Lake;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.JobSpec;
import org.opendmp.jobs.run.JobRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dmp nightly --date D}: every registered job in order, in one SparkSession. */
@Command(
    name = "nightly",
    mixinStandardHelpOptions = true,
    description = {
      "Run every job of the registry in order for one date, in one Spark session.",
      "Stops at the first failure; prints one summary table at the end."
    })
final class NightlyCommand implements java.util.concurrent.Callable<Integer> {
  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The data date.")
  LocalDate date;

  @Option(names = "--from", paramLabel = "JOB", description = "Resume a failed night from this job (skip the ones before it).")
  String from;

  @Option(names = "--dry-run", description = "Parse and validate the arguments and the env, list the jobs that would run, and stop.")
  boolean dryRun;

  @Option(names = "--parallel", defaultValue = "2", paramLabel = "N",
      description = "Jobs of one stage run at once, as in the Airflow DAG (default: ${DEFAULT-VALUE}; 1 = one after the other).")
  int parallel;

  @Mixin Options.Env env;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<JobSpec> jobs = JobRegistry.from(from);
    EnvConfig e = env.load();
    PrintWriter out = spec.commandLine().getOut();
    JobRunner.checkAll(jobs, e);
    if (dryRun) {
      jobs.forEach(j -> out.printf("would run %s for %s (lake %s)%n", j.name(), date, e.lakeRoot()));
      return 0;
    }
    SparkSession spark = Sessions.open("nightly", e);
    List<JobRunner.Outcome> outcomes = JobRunner.runAll(jobs, new Lake(spark, e), date, out::println, parallel);
    printSummary(out, outcomes);
    JobRunner.Outcome failed = outcomes.stream().filter(o -> !o.ok()).findFirst().orElse(null);
    if (failed != null) {
      spec.commandLine().getErr().printf(
          "error: nightly %s stopped at %s: %s (resume with: dmp nightly --date %s --from %s)%n",
          date, failed.spec().name(), failed.message(), date, failed.spec().name());
      return 1;
    }
    return 0;
  }

  /** The summary table: job, status, rows in/out/rejected, seconds. */
  static void printSummary(PrintWriter out, List<JobRunner.Outcome> outcomes) {
    out.printf("%n%-22s %-8s %12s %12s %10s %8s%n", "job", "status", "rows in", "rows out", "rejected", "seconds");
    long in = 0;
    long outRows = 0;
    long rejected = 0;
    double seconds = 0;
    for (JobRunner.Outcome o : outcomes) {
      long i = o.summary() == null ? 0 : o.summary().rowsIn();
      long w = o.summary() == null ? 0 : o.summary().rowsOut();
      long r = o.summary() == null ? 0 : o.summary().rejects();
      out.printf("%-22s %-8s %,12d %,12d %,10d %8.1f%n", o.spec().name(), o.status(), i, w, r, o.seconds());
      in += i;
      outRows += w;
      rejected += r;
      seconds += o.seconds();
    }
    out.printf("%-22s %-8s %,12d %,12d %,10d %8.1f%n", "total", "", in, outRows, rejected, seconds);
  }
}
