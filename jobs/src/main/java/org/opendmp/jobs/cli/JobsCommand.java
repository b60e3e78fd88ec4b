package org.opendmp.jobs.cli;

import java.io.PrintWriter;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.JobSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dmp jobs}: the registry, in nightly order, with what each job reads and writes. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "List the nightly jobs in the order 'nightly' runs them, with their inputs and outputs.")
final class JobsCommand implements Runnable {
  @CommandLine.Option(names = "--names", description = "Print only the job names, one per line.")
  boolean namesOnly;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    for (JobSpec j : JobRegistry.all()) {
      if (namesOnly) {
        out.println(j.name());
        continue;
      }
      out.printf("%-22s %-9s %s%n", j.name(), j.stage(), j.description());
      out.printf("%-22s %-9s   in:  %s%n", "", "", String.join(", ", j.inputs()));
      out.printf("%-22s %-9s   out: %s%n", "", "", String.join(", ", j.outputs()));
    }
  }
}
