package org.opendmp.jobs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.spark.Sessions;
import org.opendmp.common.table.Lake;
import org.opendmp.jobs.ops.NightReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dmp report --date D}: the night's self-contained HTML report. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write the self-contained HTML report of a night (jobs, quality, rejects per feed, identity, segments),",
      "inline SVG charts, no network: open it in any browser or attach it to a mail."
    })
final class ReportCommand implements java.util.concurrent.Callable<Integer> {
  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The night to report.")
  LocalDate date;

  @Option(names = "--out", paramLabel = "FILE", description = "Where to write it (default: reports/night-<date>.html in the checkout).")
  Path out;

  @Mixin Options.Env env;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    EnvConfig e = env.load();
    Path file = out != null ? out.toAbsolutePath() : Dmp.home().resolve("reports/night-" + date + ".html");
    write(new Lake(Sessions.open("report", e), e), date, file);
    spec.commandLine().getOut().println("report: " + file);
    return 0;
  }

  /** Renders the night and writes the file (folders created). */
  static void write(Lake lake, LocalDate date, Path file) throws IOException {
    String html = NightReport.html(lake, date);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, html, StandardCharsets.UTF_8);
  }
}
