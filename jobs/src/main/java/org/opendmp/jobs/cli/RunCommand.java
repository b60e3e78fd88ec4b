package org.opendmp.jobs.cli;

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
import picocli.CommandLine.Parameters;

/** {@code dmp run JOB --date D}: one job for one date (what Airflow calls). */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run one job for one date. Exit code 0 only when the job succeeded.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {
  @Parameters(index = "0", paramLabel = "JOB", description = "The job to run (see 'dmp jobs').")
  String job;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The data date.")
  LocalDate date;

  @Option(names = "--dry-run", description = "Parse and validate the arguments and the env, print what would run, and stop.")
  boolean dryRun;

  @Mixin Options.Env env;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    JobSpec j = JobRegistry.byName(job);
    EnvConfig e = env.load();
    if (dryRun) {
      spec.commandLine().getOut().printf("would run %s for %s (lake %s)%n", j.name(), date, e.lakeRoot());
      spec.commandLine().getOut().printf("behaviour configs: %s%n", e.confSource());
      return 0;
    }
    SparkSession spark = Sessions.open(j.name(), e);
    JobRunner.Outcome o = JobRunner.run(j, new Lake(spark, e), date);
    NightlyCommand.printSummary(spec.commandLine().getOut(), List.of(o));
    if (!o.ok()) {
      spec.commandLine().getErr().println("error: " + j.name() + " failed for " + date + ": " + o.message());
    }
    return o.ok() ? 0 : 1;
  }
}
