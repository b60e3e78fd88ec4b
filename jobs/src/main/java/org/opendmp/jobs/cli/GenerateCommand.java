package org.opendmp.jobs.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import org.opendmp.jobs.generate.GeneratorReport;
import org.opendmp.jobs.generate.GeneratorSpec;
import org.opendmp.jobs.generate.WorldGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dmp generate}: a synthetic world (landing files + truth), the project's test bed and benchmark data. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Generate a synthetic world: the landing zone of every feed (DIR/landing/<source>/dt=YYYY-MM-DD/)",
      "and its exact truth (DIR/truth/). The same arguments give byte-identical files."
    })
final class GenerateCommand implements java.util.concurrent.Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (its landing/ and truth/ are replaced).")
  Path out;

  @Option(names = "--people", defaultValue = "2000", description = "Number of people (default: ${DEFAULT-VALUE}).")
  int people;

  @Option(names = "--days", defaultValue = "3", description = "Number of days (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--start", defaultValue = "2026-11-02", paramLabel = "YYYY-MM-DD", description = "First day (default: ${DEFAULT-VALUE}, a Monday).")
  LocalDate start;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    var printer = spec.commandLine().getOut();
    GeneratorReport report =
        WorldGenerator.generate(new GeneratorSpec(out.toAbsolutePath(), people, days, start, seed), printer::println);
    printer.println(report.summary());
    return 0;
  }
}
