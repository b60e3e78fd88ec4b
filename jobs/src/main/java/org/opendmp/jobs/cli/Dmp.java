package org.opendmp.jobs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.run.JobRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dmp}: the command line of OpenDMP (DESIGN.md §6). Exit codes: 0 success, 1 a command failed (one line
 * on stderr says what and where), 2 the command line itself was wrong.
 */
@Command(
    name = "dmp",
    mixinStandardHelpOptions = true,
    versionProvider = Dmp.Version.class,
    description = {
      "OpenDMP: a Data Management Platform as nightly Spark + Delta Lake batch jobs.",
      "Ingests landing feeds into the lake, reconciles identities, computes profiles and segments,",
      "and exports them to partners. Run 'dmp COMMAND --help' for a command's options."
    },
    subcommands = {
      DemoCommand.class,
      GenerateCommand.class,
      NightlyCommand.class,
      RunCommand.class,
      JobsCommand.class,
      SqlCommand.class,
      DedupeCommand.class,
      ReportCommand.class,
      RotatePiiKeyCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Dmp implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.setOut(QuietVacuum.wrap(System.out));
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (tests call this). */
  public static int execute(String... args) {
    return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
  }

  /** The configured picocli command line: one-line errors, exit codes as documented. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Dmp());
    cl.setOut(out);
    cl.setErr(err);
    cl.registerConverter(java.time.LocalDate.class, Options::parseDate);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + JobRunner.oneLine(e));
          if (!(e instanceof DmpException) && System.getenv("DMP_DEBUG") != null) {
            e.printStackTrace(commandLine.getErr());
          }
          return 1;
        });
    cl.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine c = e.getCommandLine();
          c.getErr().println("error: " + e.getMessage());
          c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
          return 2;
        });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where OpenDMP is installed: the checkout (set by bin/dmp as -Ddmp.home), else the working directory. */
  public static Path home() {
    return Path.of(System.getProperty("dmp.home", ".")).toAbsolutePath().normalize();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Dmp.class.getPackage().getImplementationVersion();
      return new String[] {"OpenDMP " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Spark 4.1.0, Delta 4.1.0)"};
    }
  }
}
