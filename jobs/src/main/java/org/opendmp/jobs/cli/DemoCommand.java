package org.opendmp.jobs.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.spark.Sessions;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.generate.GeneratorSpec;
import org.opendmp.jobs.generate.WorldGenerator;
import org.opendmp.jobs.run.JobRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dmp demo}: generates a small world, lands an erase request for one of its customers, runs every night of
 * it, and says what happened (the erased person's traces included). Works in its own folder (default: demo/ in the
 * checkout), which it replaces on each run.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Generate a small world, run the nightly for each of its days with progress, and print a summary.",
      "Everything lives under --dir (replaced on each run); query it afterwards with",
      "  bin/dmp sql --set lake_root=demo/lake \"SELECT ...\""
    })
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
  private static final String MARKER = ".opendmp-demo";
  /** The demo's PII key (silver.customers_pii is encrypted): created on the first run, mode 600, reused after. */
  static final String KEY_FILE = "pii.key";

  @Option(names = "--dir", paramLabel = "DIR", description = "Demo folder (default: demo/ in the checkout).")
  Path dir;

  @Option(names = "--people", defaultValue = "2000", description = "People in the world (default: ${DEFAULT-VALUE}).")
  int people;

  @Option(names = "--days", defaultValue = "3", description = "Nights to run (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--start", defaultValue = "2026-11-02", paramLabel = "YYYY-MM-DD", description = "First night (default: ${DEFAULT-VALUE}, a Monday).")
  LocalDate start;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed of the world (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--parallel", defaultValue = "2", paramLabel = "N",
      description = "Jobs of one stage run at once, as in the Airflow DAG (default: ${DEFAULT-VALUE}).")
  int parallel;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path home = dir != null ? dir.toAbsolutePath().normalize() : Dmp.home().resolve("demo");
    prepare(home);
    out.printf("== OpenDMP demo in %s: %,d people x %d nights from %s%n", home, people, days, start);
    out.println("== 1/3 generating the world");
    var report = WorldGenerator.generate(new GeneratorSpec(home.resolve("world"), people, days, start, seed), l -> out.println("   " + l));
    out.printf("   %,d landing records written in %.1f s%n", report.totalRecords(), report.seconds());
    // the erase story: a customer of the first night asks to be erased on the second (README "The demo")
    LocalDate eraseNight = DemoErasure.night(start, days);
    DemoErasure.Subject erased = DemoErasure.pick(home.resolve("world"), start, eraseNight);
    Path request = DemoErasure.land(home.resolve("world/landing"), eraseNight, erased);
    out.printf("   landed an erase request for %s (%s; %s) in %s%n", erased.maskedEmail(), erased.crmId(), erased.why(), home.relativize(request));

    EnvConfig env =
        new EnvConfig(
            home.resolve("lake").toString(), home.resolve("world/landing").toString(), home.resolve("exports").toString(),
            Dmp.home().resolve("conf").toString(), "hive", home.resolve("lake/_metastore").toString(), EnvConfig.SparkSettings.DEFAULTS,
            demoKey(out, home).toString());
    out.println("== 2/3 running the nights");
    // The demo prints its own progress; the jobs' log lines (RUN_SUMMARY...) would only interleave with it.
    org.apache.logging.log4j.core.config.Configurator.setLevel("org.opendmp", org.apache.logging.log4j.Level.WARN);
    // Spark's own advice, meaningless at the demo's size: a single-partition window over a model's few scores,
    // the pure-Java BLAS fallback, a large plan broadcast.
    for (String chatty : List.of("org.apache.spark.sql.execution.window.WindowExec", "dev.ludovic.netlib",
        "org.apache.spark.scheduler.DAGScheduler")) {
      org.apache.logging.log4j.core.config.Configurator.setLevel(chatty, org.apache.logging.log4j.Level.ERROR);
    }
    SparkSession spark = Sessions.open("demo", env);
    Lake lake = new Lake(spark, env);
    for (int d = 0; d < days; d++) {
      LocalDate date = start.plusDays(d);
      List<JobRunner.Outcome> outcomes = JobRunner.runAll(JobRegistry.all(), lake, date, l -> out.println("   " + l), parallel);
      for (JobRunner.Outcome o : outcomes) {
        if (!o.ok()) {
          throw new DmpException("Cannot finish the demo: " + o.spec().name() + " failed for " + date + ": " + o.message());
        }
      }
    }
    out.println("== 3/3 what is in the lake");
    LocalDate last = start.plusDays(days - 1L);
    summarize(out, lake, last);
    useCases(out, lake, home.resolve("world/truth"));
    DemoErasure.report(out, lake, home, List.of(home.resolve("lake"), home.resolve("exports")), erased);
    Path reportFile = home.resolve("report-" + last + ".html");
    ReportCommand.write(lake, last, reportFile);
    out.printf("%nThe night's report (charts, open in a browser): %s%n", reportFile);
    out.printf("%nQuery it:  bin/dmp sql --set lake_root=%s \"SELECT event_type, count(*) FROM silver.events GROUP BY 1\"%n",
        Dmp.home().relativize(home.resolve("lake")));
    return 0;
  }

  /** Tables and rows, per zone; identity; segment sizes of the last night. */
  static void summarize(PrintWriter out, Lake lake, LocalDate last) {
    Map<String, Long> rows = new java.util.LinkedHashMap<>();
    for (TableDef t : Tables.all()) {
      rows.put(t.fullName(), lake.read(t).count());
    }
    rows.forEach((name, n) -> out.printf("   %-40s %,12d rows%n", name, n));
    long customers = lake.read(Tables.CUSTOMERS).where("NOT deleted").count();
    out.printf("   live CRM customers: %,d%n", customers);
    for (Row r :
        lake.read(Tables.AUDIT).where("metric IN ('persons', 'reconciliation')").orderBy(col("run_date").desc())
            .limit(3).collectAsList()) {
      String metric = r.getString(0).equals("persons") ? "persons in the identity graph" : "reconciliation: " + r.getString(1).replace('_', ' ');
      double v = r.getDouble(2);
      out.printf("   %s: %s%n", metric, v < 1 ? String.format("%.1f%%", 100 * v) : String.format("%,.0f", v));
    }
    out.printf("   segments on %s (members, adds, drops):%n", last);
    for (Row r : lake.readDate(Tables.SEGMENT_STATS, last).orderBy("segment_id").collectAsList()) {
      out.printf("     %-32s %,8d %,6d %,6d%n", r.<String>getAs("segment_id"), r.<Long>getAs("members"), r.<Long>getAs("adds"), r.<Long>getAs("drops"));
    }
  }

  /** The story of each planted person: the segments their person is in on the night the story completes. */
  static void useCases(PrintWriter out, Lake lake, Path truth) {
    String[][] stories = {
      {"car_intender", "use case 1, car intender", "car_intenders"},
      {"abandon_then_wifi", "use case 2, cart abandoned then in store", "cart_abandoners_store_visit"},
      {"callcenter_browse", "use case 3, call-center appointment after browsing", "callcenter_browsed"}
    };
    var spark = lake.spark();
    var ids = spark.read().option("header", "true").csv(truth.resolve("identifiers.csv").toString())
        .where("shared = '0'").join(lake.read(Tables.ID_GRAPH), new String[] {"id_type", "id_value"})
        .select("true_person_id", "person_id").distinct();
    var cases = spark.read().option("header", "true").csv(truth.resolve("use_cases.csv").toString()).join(ids, "true_person_id");
    var members = lake.read(Tables.SEGMENT_MEMBERSHIP).select(col("person_id"),
        col("segment_id"), col("run_date").cast("string").as("dt"),
        col("is_control"));
    out.println("   planted use cases (truth/use_cases.csv) and the segments of their person on that night:");
    for (String[] story : stories) {
      var rows = cases.where(col("use_case").equalTo(story[0]))
          .join(members.where(col("segment_id").equalTo(story[2])), new String[] {"person_id", "dt"}, "left")
          .groupBy("dt", "true_person_id")
          .agg(max(col("segment_id").isNotNull()).as("in"),
              max("is_control").as("control"))
          .orderBy("dt", "true_person_id").collectAsList();
      long found = rows.stream().filter(r -> r.getBoolean(2)).count();
      out.printf("     %-52s %d of %d in %s%n", story[1], found, rows.size(), story[2]);
      for (Row r : rows.subList(0, Math.min(3, rows.size()))) {
        out.printf("       %s %s: %s%n", r.getString(0), r.getString(1),
            r.getBoolean(2) ? "member" + (Boolean.TRUE.equals(r.get(3)) ? " (control group: not exported)" : "") : "not a member");
      }
    }
  }

  /** Empties the demo folder, refusing to touch a folder the demo did not create. */
  /** The demo folder's PII key file, created with a fresh key on the first run (DMP_PII_KEY and DMP_PII_KEY_FILE still win). */
  static Path demoKey(PrintWriter out, Path home) {
    Path file = home.resolve(KEY_FILE);
    if (!Files.exists(file)) {
      org.opendmp.jobs.privacy.PiiKey.createFile(file);
      out.printf("   created the demo's PII key %s (mode 600; the encrypted columns of silver.customers_pii need it)%n", file);
    }
    return file;
  }

  static void prepare(Path home) throws IOException {
    if (Files.exists(home)) {
      boolean empty;
      try (Stream<Path> s = Files.list(home)) {
        empty = s.findAny().isEmpty();
      }
      if (!empty && !Files.exists(home.resolve(MARKER))) {
        throw new DmpException("Cannot use " + home + " for the demo: it is not empty and was not made by the demo (no " + MARKER + ")");
      }
      try (Stream<Path> s = Files.walk(home)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          if (!p.equals(home) && !p.equals(home.resolve(KEY_FILE))) { // the key outlives the runs: made once, reused
            Files.delete(p);
          }
        }
      }
    }
    Files.createDirectories(home);
    Files.writeString(home.resolve(MARKER), "This folder is made and replaced by 'bin/dmp demo'.\n");
  }
}
