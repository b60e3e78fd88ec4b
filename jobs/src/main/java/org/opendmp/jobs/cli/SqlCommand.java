package org.opendmp.jobs.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.spark.Sessions;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dmp sql "SELECT ..."}: query the lake's tables by name. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run a SQL statement against the lake's tables by name (bronze.web_events, silver.customers, ...).",
      "Tables keep their names across runs (embedded metastore under the lake)."
    })
final class SqlCommand implements java.util.concurrent.Callable<Integer> {
  enum Format {
    table,
    csv,
    json
  }

  @Parameters(index = "0", paramLabel = "SQL", description = "The statement, e.g. \"SELECT count(*) FROM bronze.web_events\".")
  String sql;

  @Option(names = "--format", defaultValue = "table", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--max-rows", defaultValue = "200", description = "Rows shown in table format (default: ${DEFAULT-VALUE}); csv and json print all rows.")
  int maxRows;

  @Mixin Options.Env env;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    EnvConfig e = env.load();
    SparkSession spark = Sessions.open("sql", e);
    registerExistingTables(new Lake(spark, e));
    Dataset<Row> result = spark.sql(sql);
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case table -> printTable(out, result, maxRows);
      case csv -> printCsv(out, result);
      case json -> printJson(out, result);
    }
    out.flush();
    return 0;
  }

  /**
   * Names every declared table whose data exists but which the catalog does not know (an in-memory catalog, or a
   * lake moved to another place), so that queries work whatever the catalog. Known names cost one lookup.
   */
  static void registerExistingTables(Lake lake) {
    for (TableDef t : Tables.all()) {
      if (!lake.spark().catalog().tableExists(t.fullName())
          && io.delta.tables.DeltaTable.isDeltaTable(lake.spark(), lake.path(t))) {
        lake.ensure(t);
      }
    }
  }

  static void printTable(PrintWriter out, Dataset<Row> result, int maxRows) {
    String[] cols = result.columns();
    List<Row> rows = result.limit(maxRows + 1).collectAsList();
    List<String[]> cells = new ArrayList<>();
    int[] width = new int[cols.length];
    for (int c = 0; c < cols.length; c++) {
      width[c] = cols[c].length();
    }
    for (Row r : rows.subList(0, Math.min(rows.size(), maxRows))) {
      String[] line = new String[cols.length];
      for (int c = 0; c < cols.length; c++) {
        line[c] = r.isNullAt(c) ? "NULL" : String.valueOf(r.get(c));
        width[c] = Math.min(Math.max(width[c], line[c].length()), 80);
      }
      cells.add(line);
    }
    StringBuilder sep = new StringBuilder("+");
    for (int w : width) {
      sep.append("-".repeat(w + 2)).append('+');
    }
    out.println(sep);
    out.println(formatLine(cols, width));
    out.println(sep);
    cells.forEach(l -> out.println(formatLine(l, width)));
    out.println(sep);
    out.println(rows.size() > maxRows ? "(first " + maxRows + " rows; use --max-rows or --format csv)" : "(" + rows.size() + " rows)");
  }

  private static String formatLine(String[] values, int[] width) {
    StringBuilder sb = new StringBuilder("|");
    for (int c = 0; c < values.length; c++) {
      String v = values[c].length() > width[c] ? values[c].substring(0, width[c] - 1) + "…" : values[c];
      sb.append(' ').append(v).append(" ".repeat(width[c] - v.length())).append(" |");
    }
    return sb.toString();
  }

  static void printCsv(PrintWriter out, Dataset<Row> result) {
    out.println(String.join(",", result.columns()));
    Iterator<Row> it = result.toLocalIterator();
    while (it.hasNext()) {
      Row r = it.next();
      List<String> cells = new ArrayList<>();
      for (int c = 0; c < r.length(); c++) {
        cells.add(r.isNullAt(c) ? "" : csvCell(String.valueOf(r.get(c))));
      }
      out.println(String.join(",", cells));
    }
  }

  static String csvCell(String v) {
    return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }

  static void printJson(PrintWriter out, Dataset<Row> result) {
    Iterator<String> it = result.toJSON().toLocalIterator();
    while (it.hasNext()) {
      out.println(it.next());
    }
  }
}
