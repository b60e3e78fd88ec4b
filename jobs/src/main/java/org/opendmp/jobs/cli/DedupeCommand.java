package org.opendmp.jobs.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.spark.Sessions;
import org.opendmp.jobs.identity.probabilistic.ColumnProfiler;
import org.opendmp.jobs.identity.probabilistic.DelimitedFile;
import org.opendmp.jobs.identity.probabilistic.LinkResult;
import org.opendmp.jobs.identity.probabilistic.MatchSpec;
import org.opendmp.jobs.identity.probabilistic.ProbabilisticLinker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dmp dedupe}: probabilistic deduplication or linkage of delimited files (the engine of the identity job). */
@Command(
    name = "dedupe",
    mixinStandardHelpOptions = true,
    description = {
      "Find the records that describe the same entity, in one delimited file (deduplicate) or across two (link),",
      "with a Fellegi-Sunter model: blocking rules, comparison levels per column, m by EM, u from random pairs,",
      "term-frequency adjustment, names compared in both orders, clusters by connected components.",
      "Without --spec the columns are profiled and a spec is chosen, printed and saved to DIR/spec.yaml for editing.",
      "Writes DIR/clusters.csv (source,record_id,cluster_id), DIR/pairs.csv (record_id_l,record_id_r,",
      "match_probability, per-column levels and weights), DIR/spec.yaml, DIR/model.json and DIR/summary.txt.",
      "Files: a header line is required; ',' ';' tab or '|' delimited; UTF-8 or ISO-8859-1 (detected)."
    })
final class DedupeCommand implements java.util.concurrent.Callable<Integer> {
  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description = "A delimited file with a header. Once to deduplicate it, twice to link two files (record ids must then be unique per file; clusters span both).")
  List<Path> inputs;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created; its files are replaced).")
  Path out;

  @Option(names = "--spec", paramLabel = "SPEC.yaml", description = "The match spec (columns, levels, blocking, threshold); default: inferred from the data.")
  Path specFile;

  @Option(
      names = "--id-column",
      paramLabel = "COL",
      description = "The column holding each record's id (unique per file). Default: the record's line number (the header is line 1).")
  String idColumn;

  @Option(
      names = "--exclude-column",
      paramLabel = "COL",
      split = ",",
      description = "Columns never compared, e.g. a truth or free-comment column (repeatable, or comma-separated).")
  List<String> excluded = new ArrayList<>();

  @Option(names = "--threshold", paramLabel = "P", description = "Link pairs with match probability >= P (0 < P < 1); overrides the spec's threshold (default 0.9).")
  Double threshold;

  @Mixin Options.Env env;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static final String VERB = "dedupe";

  @Override
  public Integer call() {
    long start = System.nanoTime(); // clock-ok: the summary's total time
    PrintWriter printer = spec.commandLine().getOut();
    java.util.function.Consumer<String> say =
        line -> {
          printer.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - start) / 1e9, line); // clock-ok
          printer.flush();
        };
    if (inputs.size() > 2) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--input takes one file (deduplicate) or two (link), got " + inputs.size());
    }
    if (threshold != null && !(threshold > 0 && threshold < 1)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--threshold must be above 0 and below 1, got " + threshold);
    }
    List<DelimitedFile> files = new ArrayList<>();
    for (Path p : inputs) {
      DelimitedFile f = DelimitedFile.read(p, VERB);
      files.add(f);
      say.accept(String.format(Locale.ROOT, "read %s: %,d records, %d columns (%s, delimiter %s)", p, f.records().size(),
          f.header().size(), f.charset().name(), f.delimiterName()));
      if (f.raggedRows() > 0) {
        printer.printf(Locale.ROOT, "  note: %,d rows do not have %d fields (first at line %d): missing fields are null, extra ones ignored%n",
            f.raggedRows(), f.header().size(), f.firstRaggedLine());
      }
    }
    List<String> ids = new ArrayList<>();
    for (DelimitedFile f : files) {
      ids.add(idColumn == null ? null : requireColumn(f, idColumn, "--id-column"));
    }
    for (String x : excluded) {
      if (files.stream().allMatch(f -> f.column(x) == null)) {
        requireColumn(files.get(0), x, "--exclude-column");
      }
    }
    List<String> columns = comparable(files, ids, printer);

    SparkSession spark = session();
    List<String> labels = labels(inputs);
    Dataset<Row> left = named(files.get(0).toDataset(spark, labels.get(0), ids.get(0), columns, VERB), columns);
    Dataset<Row> right = files.size() == 2 ? named(files.get(1).toDataset(spark, labels.get(1), ids.get(1), columns, VERB), columns) : null;
    List<String> dataColumns = columns.stream().map(DedupeCommand::dataName).toList();

    MatchSpec match;
    if (specFile != null) {
      match = loadSpec(specFile, dataColumns);
      say.accept("spec: " + specFile);
    } else {
      say.accept("profiling " + dataColumns.size() + " columns...");
      ColumnProfiler.Profile profile = asDedupe(() -> ColumnProfiler.infer(left, right, dataColumns));
      say.accept("profiled " + dataColumns.size() + " columns:");
      profile.columns().forEach(c -> printer.println("  " + c.line()));
      match = profile.spec();
    }
    if (threshold != null) {
      match = match.withThreshold(threshold);
    }
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new DmpException("Cannot dedupe: cannot create the output folder: " + e.getMessage() + " (" + out + ")");
    }
    match.write(out.resolve("spec.yaml"));
    if (specFile == null) {
      printer.println("spec (inferred; saved to " + out.resolve("spec.yaml") + " for editing, use it with --spec):");
      match.toYaml().lines().forEach(l -> printer.println("  " + l));
    }
    printer.flush();

    MatchSpec applied = match;
    try (LinkResult result = asDedupe(() -> ProbabilisticLinker.link(spark, left, right, applied, say))) {
      writeOutputs(result, right != null, spark.sparkContext().defaultParallelism(), start, say);
    }
    printer.flush();
    return 0;
  }

  /** clusters.csv, pairs.csv, model.json and summary.txt; the summary is printed too. */
  private void writeOutputs(LinkResult result, boolean two, int cores, long start, java.util.function.Consumer<String> say) {
    PrintWriter printer = spec.commandLine().getOut();
    long clusterRows = writeClusters(result, out.resolve("clusters.csv"));
    long pairRows = writePairs(result, out.resolve("pairs.csv"), two);
    write(out.resolve("model.json"), result.model().toJson());
    say.accept("wrote " + out);
    double total = (System.nanoTime() - start) / 1e9; // clock-ok
    List<String> summary = new ArrayList<>(result.summary().lines());
    summary.add(String.format(Locale.ROOT, "throughput     %,.0f pairs compared per second per core (%d cores)",
        result.summary().pairsPerSecond() / Math.max(1, cores), cores));
    summary.add(String.format(Locale.ROOT, "total time     %.1f s (reading, profiling, linking, writing)", total));
    summary.add(String.format(Locale.ROOT, "wrote          %s: clusters.csv (%,d records), pairs.csv (%,d pairs with probability >= %s),"
        + " spec.yaml, model.json, summary.txt", out, clusterRows, pairRows, pairFloor(result.spec())));
    write(out.resolve("summary.txt"), String.join("\n", summary) + "\n");
    printer.println("summary:");
    summary.forEach(l -> printer.println("  " + l));
  }

  /** Runs a step of the engine, its errors worded as this command's: "Cannot dedupe: why (where)". */
  private static <T> T asDedupe(java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (DmpException e) {
      String m = e.getMessage();
      throw m.startsWith("Cannot dedupe") ? e : new DmpException("Cannot dedupe: " + m.replaceFirst("^Cannot [^:]*: ", ""), e);
    }
  }

  /** The columns compared: the header less the id and excluded columns; with two files, those both have. */
  private List<String> comparable(List<DelimitedFile> files, List<String> ids, PrintWriter printer) {
    Set<String> drop = new LinkedHashSet<>();
    for (String x : excluded) {
      files.forEach(f -> {
        String c = f.column(x);
        if (c != null) {
          drop.add(c.toLowerCase(Locale.ROOT));
        }
      });
    }
    ids.stream().filter(i -> i != null).forEach(i -> drop.add(i.toLowerCase(Locale.ROOT)));
    List<String> columns = new ArrayList<>();
    for (String h : files.get(0).header()) {
      if (drop.contains(h.toLowerCase(Locale.ROOT))) {
        continue;
      }
      if (files.size() == 2 && files.get(1).column(h) == null) {
        printer.println("  note: column " + h + " is only in " + inputs.get(0) + ": not compared");
        continue;
      }
      columns.add(h);
    }
    if (files.size() == 2) {
      for (String h : files.get(1).header()) {
        if (!drop.contains(h.toLowerCase(Locale.ROOT)) && files.get(0).column(h) == null) {
          printer.println("  note: column " + h + " is only in " + inputs.get(1) + ": not compared");
        }
      }
    }
    if (columns.isEmpty()) {
      throw new DmpException("Cannot dedupe: no column left to compare once the id and excluded columns are set aside (file " + inputs.get(0) + ")");
    }
    return columns;
  }

  /** Header names that would clash with the engine's own columns get a suffix. */
  static String dataName(String header) {
    String lower = header.toLowerCase(Locale.ROOT);
    return lower.equals("source") || lower.equals("record_id") ? header + "_field" : header;
  }

  /** Renames the file's columns (matched case-insensitively for the second file) to their data names. */
  private static Dataset<Row> named(Dataset<Row> d, List<String> columns) {
    List<Column> cols = new ArrayList<>(List.of(col("record_id"), col("source")));
    for (int i = 0; i < columns.size(); i++) {
      cols.add(d.col("`" + columns.get(i) + "`").as(dataName(columns.get(i))));
    }
    return d.select(cols.toArray(Column[]::new));
  }

  private String requireColumn(DelimitedFile f, String name, String option) {
    String c = f.column(name);
    if (c == null) {
      throw new DmpException(
          "Cannot dedupe: " + option + " '" + name + "' is not a column of the file (file " + f.file() + "; columns: "
              + String.join(", ", f.header()) + ")");
    }
    return c;
  }

  /** Source labels: the file names, made distinct when two files share a name. */
  static List<String> labels(List<Path> inputs) {
    List<String> names = inputs.stream().map(p -> p.getFileName().toString()).toList();
    if (names.size() == 2 && names.get(0).equals(names.get(1))) {
      return List.of("1:" + names.get(0), "2:" + names.get(1));
    }
    return names;
  }

  private MatchSpec loadSpec(Path file, List<String> dataColumns) {
    MatchSpec m;
    try {
      m = MatchSpec.load(file);
    } catch (DmpException e) {
      String msg = e.getMessage().replaceFirst("^Cannot load config: ", "");
      throw new DmpException("Cannot dedupe: " + (msg.startsWith("file not found") ? "spec " + msg : "bad spec: " + msg), e);
    }
    for (String c : m.referencedColumns()) {
      if (!dataColumns.contains(c)) {
        throw new DmpException(
            "Cannot dedupe: the spec reads column '" + c + "', which the input does not have (spec " + file + "; columns: "
                + String.join(", ", dataColumns) + ")");
      }
    }
    return m;
  }

  /** The session: the running one (tests, an application embedding the CLI), else a local one without the lake's metastore. */
  private SparkSession session() {
    scala.Option<SparkSession> active = SparkSession.getDefaultSession();
    if (active.isDefined()) {
      return active.get();
    }
    EnvConfig e = env.load();
    // dedupe reads and writes plain files: the session catalog is enough, and leaves the metastore to other runs.
    EnvConfig local = new EnvConfig(e.lakeRoot(), e.landingRoot(), e.exportRoot(), e.confDir(), "session", e.metastoreDir(), e.spark());
    SparkSession s = Sessions.open("dedupe", local);
    s.sparkContext().setLogLevel("WARN");
    return s;
  }

  static double pairFloor(MatchSpec m) {
    return Math.min(0.5, m.threshold());
  }

  private static long writeClusters(LinkResult r, Path file) {
    Dataset<Row> sorted =
        r.clusters()
            .orderBy(col("source"), org.apache.spark.sql.functions.length(col("record_id")), col("record_id"))
            .select("source", "record_id", "cluster_id");
    return writeCsv(sorted, file);
  }

  private static long writePairs(LinkResult r, Path file, boolean two) {
    MatchSpec m = r.spec();
    List<Column> cols = new ArrayList<>();
    cols.add(col("record_id_l"));
    cols.add(col("record_id_r"));
    cols.add(col("match_probability"));
    cols.add(col("match_weight"));
    cols.add(col("match_probability").geq(m.threshold()).as("linked"));
    if (two) {
      cols.add(col("source_l"));
      cols.add(col("source_r"));
    }
    cols.add(col("blocking_rule"));
    if (!m.nameSwap().isEmpty()) {
      cols.add(col("names_swapped"));
    }
    for (MatchSpec.ColumnSpec c : m.columns()) {
      cols.add(col(c.name() + "_level"));
      cols.add(col(c.name() + "_weight"));
    }
    Dataset<Row> sorted =
        r.pairs()
            .where(col("match_probability").geq(lit(pairFloor(m))))
            .orderBy(col("match_probability").desc(), col("key_l"), col("key_r"))
            .select(cols.toArray(Column[]::new));
    return writeCsv(sorted, file);
  }

  /** Streams a frame to one CSV file in its order (the driver holds one partition at a time). */
  static long writeCsv(Dataset<Row> d, Path file) {
    long n = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(String.join(",", d.columns()));
      w.write('\n');
      Iterator<Row> it = d.toLocalIterator();
      while (it.hasNext()) {
        Row row = it.next();
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < row.length(); i++) {
          cells.add(cell(row.get(i)));
        }
        w.write(String.join(",", cells));
        w.write('\n');
        n++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n;
  }

  private static String cell(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? d.toString() : BigDecimal.valueOf(d).setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }
    return SqlCommand.csvCell(String.valueOf(v));
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
