package org.opendmp.jobs.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.common.table.Zone;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.JobSpec;
import org.opendmp.jobs.ops.Svg.Bar;

/**
 * The self-contained HTML report of a night: jobs and their durations, quality checks, rejects per feed, identity
 * (persons, reconciliation over the nights, component sizes), segments (sizes over the nights, adds and drops,
 * volatility, overlaps), deliveries per destination. Read from the ops, identity and gold tables only: small aggregates, collected to the
 * driver. No clock: the same lake and date give the same bytes.
 */
public final class NightReport {
  /** Nights of history the charts show. */
  static final int HISTORY = 30;

  private NightReport() {}

  public static String html(Lake lake, LocalDate date) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>OpenDMP night ").append(date).append("</title>\n")
        .append("<style>body{font-family:sans-serif;margin:2em;max-width:960px;color:#222}h1{font-size:1.6em}")
        .append("h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}table{border-collapse:collapse;margin:.6em 0}")
        .append("td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px;text-align:right}td:first-child,th:first-child{text-align:left}")
        .append(".bad{background:#fde0dc}.warn{background:#fff4d6}.note{color:#666;font-size:13px}</style></head><body>\n");
    h.append("<h1>OpenDMP: the night of ").append(date).append("</h1>\n<p class=\"note\">Lake ").append(Svg.escape(lake.env().lakeRoot()))
        .append(". Charts show up to ").append(HISTORY).append(" nights before ").append(date).append(".</p>\n");
    jobs(h, lake, date);
    quality(h, lake, date);
    feeds(h, lake, date);
    identity(h, lake, date);
    segments(h, lake, date);
    models(h, lake, date);
    deliveries(h, lake, date);
    return h.append("</body></html>\n").toString();
  }

  // ---- jobs ----

  private static void jobs(StringBuilder h, Lake lake, LocalDate date) {
    h.append("<h2>Jobs</h2>\n");
    Dataset<Row> runs = lake.read(Tables.JOB_RUNS).where(col("run_date").equalTo(lit(date)))
        .groupBy("job").agg(max_by(struct(col("*")), col("attempt")).as("r")).select("r.*");
    Map<String, Row> byJob = new LinkedHashMap<>();
    runs.collectAsList().forEach(r -> byJob.put(r.getAs("job"), r));
    if (byJob.isEmpty()) {
      h.append("<p>No job ran for this night (ops.job_runs).</p>\n");
      return;
    }
    List<Bar> bars = new ArrayList<>();
    StringBuilder t = new StringBuilder("<table><tr><th>job</th><th>status</th><th>attempt</th><th>seconds</th><th>rows in</th>"
        + "<th>rows out</th><th>rejected</th><th>message</th></tr>\n");
    List<String> order = new ArrayList<>(JobRegistry.all().stream().map(JobSpec::name).toList());
    new TreeSet<>(byJob.keySet()).stream().filter(j -> !order.contains(j)).forEach(order::add);
    for (String job : order) {
      Row r = byJob.get(job);
      if (r == null) {
        continue;
      }
      double seconds = seconds(r);
      bars.add(new Bar(job, seconds));
      boolean ok = "success".equals(r.getAs("status"));
      t.append("<tr").append(ok ? "" : " class=\"bad\"").append("><td>").append(Svg.escape(job)).append("</td><td>")
          .append(Svg.escape(r.getAs("status"))).append("</td>").append(cell(r.<Integer>getAs("attempt")))
          .append(String.format(Locale.ROOT, "<td>%.1f</td>", seconds)).append(cell(r.<Long>getAs("rows_in")))
          .append(cell(r.<Long>getAs("rows_out"))).append(cell(r.<Long>getAs("rejects"))).append("<td style=\"text-align:left\">")
          .append(Svg.escape(r.getAs("message"))).append("</td></tr>\n");
    }
    h.append("<h3>Duration (seconds)</h3>\n").append(Svg.bars(bars, List.of("seconds"))).append('\n').append(t).append("</table>\n");
  }

  private static double seconds(Row r) {
    Object started = r.getAs("started");
    Object finished = r.getAs("finished");
    if (started == null || finished == null) {
      return 0;
    }
    return (instant(finished).toEpochMilli() - instant(started).toEpochMilli()) / 1000.0;
  }

  private static java.time.Instant instant(Object t) {
    return t instanceof java.time.Instant i ? i : ((java.sql.Timestamp) t).toInstant();
  }

  // ---- quality ----

  private static void quality(StringBuilder h, Lake lake, LocalDate date) {
    h.append("<h2>Quality checks</h2>\n");
    List<Row> checks = lake.read(Tables.QUALITY_RESULTS).where(col("run_date").equalTo(lit(date)))
        .orderBy(col("passed"), col("job"), col("table_name"), col("check_name")).collectAsList();
    if (checks.isEmpty()) {
      h.append("<p>No quality results for this night (ops.quality_results).</p>\n");
      return;
    }
    long failed = checks.stream().filter(r -> !r.<Boolean>getAs("passed")).count();
    h.append("<p>").append(checks.size()).append(" checks, ").append(failed).append(" failed.</p>\n<table><tr><th>job</th><th>table</th>"
        + "<th>check</th><th>level</th><th>passed</th><th>observed</th><th>expected</th><th>message</th></tr>\n");
    for (Row r : checks) {
      boolean passed = r.getAs("passed");
      String css = passed ? "" : "ERROR".equals(r.getAs("level")) ? " class=\"bad\"" : " class=\"warn\"";
      h.append("<tr").append(css).append("><td>").append(Svg.escape(r.getAs("job"))).append("</td><td>").append(Svg.escape(r.getAs("table_name")))
          .append("</td><td>").append(Svg.escape(r.getAs("check_name"))).append("</td><td>").append(Svg.escape(r.getAs("level")))
          .append("</td><td>").append(passed ? "yes" : "no").append("</td>").append(cell(r.<Double>getAs("observed")))
          .append("<td>").append(Svg.escape(r.getAs("expected"))).append("</td><td style=\"text-align:left\">")
          .append(Svg.escape(r.getAs("message"))).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  // ---- feeds ----

  private static void feeds(StringBuilder h, Lake lake, LocalDate date) {
    h.append("<h2>Feeds: rows and rejects</h2>\n");
    List<Bar> bars = new ArrayList<>();
    StringBuilder t = new StringBuilder("<table><tr><th>table</th><th>rows</th><th>rejected</th><th>reject ratio</th></tr>\n");
    for (TableDef b : Tables.all()) {
      if (b.zone() != Zone.BRONZE || b.name().endsWith("_rejects") || Tables.byName(b.fullName() + "_rejects").isEmpty()) {
        continue;
      }
      long rows = lake.readDate(b, date).count();
      long rejects = lake.readDate(Tables.rejectsOf(b), date).count();
      bars.add(new Bar(b.fullName(), rows, rejects));
      double ratio = rows + rejects == 0 ? 0 : (double) rejects / (rows + rejects);
      t.append("<tr").append(ratio > 0.05 ? " class=\"warn\"" : "").append("><td>").append(b.fullName()).append("</td>").append(cell(rows))
          .append(cell(rejects)).append(String.format(Locale.ROOT, "<td>%.2f%%</td></tr>%n", 100 * ratio));
    }
    h.append(Svg.bars(bars, List.of("rows", "rejected"))).append('\n').append(t).append("</table>\n");
  }

  // ---- identity ----

  private static void identity(StringBuilder h, Lake lake, LocalDate date) {
    h.append("<h2>Identity</h2>\n");
    Dataset<Row> audit = lake.read(Tables.AUDIT).where(col("run_date").between(lit(date.minusDays(HISTORY - 1L)), lit(date)));
    Map<String, Map<String, Double>> byNight = new TreeMap<>();
    for (Row r : audit.where("metric IN ('persons', 'reconciliation', 'merges_tonight', 'splits_tonight') AND dimension IN"
        + " ('all', 'crm_customers_with_cookie', 'cookies_of_known_customers')").collectAsList()) {
      byNight.computeIfAbsent(r.getAs("run_date").toString(), k -> new TreeMap<>())
          .put(r.getAs("metric") + "/" + r.getAs("dimension"), r.getAs("value"));
    }
    if (byNight.isEmpty()) {
      h.append("<p>No identity audit (identity.audit) for these nights.</p>\n");
      return;
    }
    List<String> nights = new ArrayList<>(byNight.keySet());
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    rates.put("CRM customers with a cookie", series(byNight, nights, "reconciliation/crm_customers_with_cookie"));
    rates.put("cookies of known customers", series(byNight, nights, "reconciliation/cookies_of_known_customers"));
    h.append("<h3>Reconciliation rate</h3>\n").append(Svg.lines(nights, rates, true)).append('\n');
    Map<String, List<Double>> persons = new LinkedHashMap<>();
    persons.put("persons", series(byNight, nights, "persons/all"));
    h.append("<h3>Persons in the identity graph</h3>\n").append(Svg.lines(nights, persons, false)).append('\n');
    Map<String, Double> tonight = byNight.getOrDefault(date.toString(), Map.of());
    h.append(String.format(Locale.ROOT, "<p>Tonight: %s persons, %s merges, %s splits.</p>%n", Svg.number(tonight.getOrDefault("persons/all", 0.0)),
        Svg.number(tonight.getOrDefault("merges_tonight/all", 0.0)), Svg.number(tonight.getOrDefault("splits_tonight/all", 0.0))));
    List<Bar> sizes = new ArrayList<>();
    Map<String, Double> bySize = new LinkedHashMap<>();
    for (Row r : audit.where(col("run_date").equalTo(lit(date)).and(col("metric").equalTo("persons_by_size"))).collectAsList()) {
      bySize.put(r.getAs("dimension"), r.getAs("value"));
    }
    for (String bucket : List.of("1", "2", "3-5", "6-10", "11-50", ">50")) {
      if (bySize.containsKey(bucket)) {
        sizes.add(new Bar(bucket + " identifiers", bySize.get(bucket)));
      }
    }
    if (!sizes.isEmpty()) {
      h.append("<h3>Persons by number of identifiers (component sizes)</h3>\n").append(Svg.bars(sizes, List.of("persons"))).append('\n');
    }
  }

  private static List<Double> series(Map<String, Map<String, Double>> byNight, List<String> nights, String key) {
    List<Double> out = new ArrayList<>();
    nights.forEach(n -> out.add(byNight.get(n).get(key)));
    return out;
  }

  // ---- segments ----

  private static void segments(StringBuilder h, Lake lake, LocalDate date) {
    h.append("<h2>Segments</h2>\n");
    List<Row> stats = lake.read(Tables.SEGMENT_STATS).where(col("run_date").between(lit(date.minusDays(HISTORY - 1L)), lit(date)))
        .orderBy("run_date", "segment_id").collectAsList();
    if (stats.isEmpty()) {
      h.append("<p>No segment statistics (gold.segment_stats) for these nights.</p>\n");
      return;
    }
    TreeSet<String> nightSet = new TreeSet<>();
    Map<String, Map<String, Double>> members = new TreeMap<>();
    for (Row r : stats) {
      String night = r.getAs("run_date").toString();
      nightSet.add(night);
      members.computeIfAbsent(r.getAs("segment_id"), k -> new TreeMap<>()).put(night, ((Long) r.getAs("members")).doubleValue());
    }
    List<String> nights = new ArrayList<>(nightSet);
    Map<String, List<Double>> lines = new LinkedHashMap<>();
    members.forEach((segment, perNight) -> lines.put(segment, nights.stream().map(perNight::get).toList()));
    h.append("<h3>Members over the nights</h3>\n").append(Svg.lines(nights, lines, false)).append('\n');
    List<Row> tonight = stats.stream().filter(r -> r.getAs("run_date").toString().equals(date.toString())).toList();
    if (tonight.isEmpty()) {
      h.append("<p>No segment statistics for ").append(date).append(".</p>\n");
      return;
    }
    List<Bar> moves = new ArrayList<>();
    StringBuilder t = new StringBuilder("<table><tr><th>segment</th><th>members</th><th>controls</th><th>qualified</th><th>adds</th>"
        + "<th>drops</th><th>volatility</th><th>largest overlaps</th></tr>\n");
    for (Row r : tonight) {
      String segment = r.getAs("segment_id");
      moves.add(new Bar(segment, r.<Long>getAs("adds"), r.<Long>getAs("drops")));
      Map<String, Long> overlaps = new TreeMap<>(scala.jdk.javaapi.CollectionConverters.asJava(r.<scala.collection.Map<String, Long>>getAs("overlaps")));
      List<String> top = overlaps.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(3)
          .map(e -> e.getKey() + " " + Svg.number(e.getValue())).toList();
      Double volatility = r.getAs("volatility");
      t.append("<tr><td>").append(Svg.escape(segment)).append("</td>").append(cell(r.<Long>getAs("members"))).append(cell(r.<Long>getAs("controls")))
          .append(cell(r.<Long>getAs("qualified"))).append(cell(r.<Long>getAs("adds"))).append(cell(r.<Long>getAs("drops")))
          .append(volatility == null ? "<td></td>" : String.format(Locale.ROOT, "<td>%.3f</td>", volatility))
          .append("<td style=\"text-align:left\">").append(Svg.escape(String.join(", ", top))).append("</td></tr>\n");
    }
    h.append("<h3>Adds and drops tonight</h3>\n").append(Svg.bars(moves, List.of("adds", "drops"))).append('\n').append(t).append("</table>\n");
  }

  // ---- models ----

  /**
   * gold.model_reports of the night: every model trained, refused or skipped, with its AUC; for each look-alike
   * model, its lift and the reach/accuracy table (recall of the held-out seed against the share of people taken).
   */
  private static void models(StringBuilder h, Lake lake, LocalDate date) {
    h.append("<h2>Models</h2>\n");
    List<Row> reports = lake.read(Tables.MODEL_REPORTS).where(col("run_date").equalTo(lit(date))).orderBy("model").collectAsList();
    if (reports.isEmpty()) {
      h.append("<p>No model trained or refused this night (gold.model_reports).</p>\n");
      return;
    }
    StringBuilder t = new StringBuilder("<table><tr><th>model</th><th>status</th><th>AUC</th><th>lift top 10%</th><th>seed</th>"
        + "<th>population</th><th>message</th></tr>\n");
    StringBuilder charts = new StringBuilder();
    for (Row r : reports) {
      String model = r.getAs("model");
      Map<String, Double> metrics = r.isNullAt(r.fieldIndex("metrics")) ? Map.of()
          : scala.jdk.javaapi.CollectionConverters.asJava(r.<scala.collection.Map<String, Double>>getAs("metrics"));
      Double auc = r.getAs("auc");
      Double lift = metrics.get("lift_top_10pct");
      t.append("<tr><td>").append(Svg.escape(model)).append("</td><td>").append(Svg.escape(r.getAs("status"))).append("</td>")
          .append(auc == null ? "<td></td>" : String.format(Locale.ROOT, "<td>%.3f</td>", auc))
          .append(lift == null ? "<td></td>" : String.format(Locale.ROOT, "<td>%.2f</td>", lift))
          .append(cell(metrics.get("seed_size"))).append(cell(metrics.get("population_size")))
          .append("<td style=\"text-align:left\">").append(Svg.escape(r.getAs("message"))).append("</td></tr>\n");
      if (!r.isNullAt(r.fieldIndex("reach")) && r.<scala.collection.Seq<Row>>getAs("reach").size() > 0) {
        List<Row> steps = scala.jdk.javaapi.CollectionConverters.asJava(r.<scala.collection.Seq<Row>>getAs("reach"));
        List<String> x = steps.stream().map(s -> Svg.number(s.<Double>getAs("top_percent")) + "%").toList();
        Map<String, List<Double>> recall = Map.of("recall of the held-out seed", steps.stream().map(s -> s.<Double>getAs("recall")).toList());
        charts.append("<h3>").append(Svg.escape(model)).append(": reach and accuracy</h3>\n<p class=\"note\">From the most accurate (top ")
            .append(x.get(0)).append(", ").append(Svg.number(steps.get(0).<Long>getAs("reach"))).append(" people, lift ")
            .append(String.format(Locale.ROOT, "%.2f", steps.get(0).<Double>getAs("lift"))).append(") to the widest reach (")
            .append(Svg.number(steps.get(steps.size() - 1).<Long>getAs("reach"))).append(" people).</p>\n")
            .append(Svg.lines(x, recall, true)).append('\n');
      }
    }
    h.append(t).append("</table>\n").append(charts);
  }

  // ---- deliveries ----

  private static void deliveries(StringBuilder h, Lake lake, LocalDate date) {
    h.append("<h2>Deliveries</h2>\n");
    List<Row> exports = lake.read(Tables.EXPORTS).where(col("run_date").equalTo(lit(date))).orderBy("destination").collectAsList();
    if (exports.isEmpty()) {
      h.append("<p>Nothing delivered this night (activation.exports).</p>\n");
      return;
    }
    List<Bar> bars = new ArrayList<>();
    StringBuilder t = new StringBuilder("<table><tr><th>destination</th><th>mode</th><th>rows</th><th>adds</th><th>removals</th>"
        + "<th>files</th><th>status</th><th>target</th></tr>\n");
    for (Row r : exports) {
      String destination = r.getAs("destination");
      bars.add(new Bar(destination, r.<Long>getAs("rows"), r.<Long>getAs("adds"), r.<Long>getAs("removals")));
      t.append("<tr><td>").append(Svg.escape(destination)).append("</td><td>").append(Svg.escape(r.getAs("mode"))).append("</td>")
          .append(cell(r.<Long>getAs("rows"))).append(cell(r.<Long>getAs("adds"))).append(cell(r.<Long>getAs("removals")))
          .append(cell(r.<scala.collection.Seq<String>>getAs("files").size())).append("<td>").append(Svg.escape(r.getAs("status")))
          .append("</td><td style=\"text-align:left\">").append(Svg.escape(r.getAs("target"))).append("</td></tr>\n");
    }
    h.append(Svg.bars(bars, List.of("rows", "adds", "removals"))).append('\n').append(t).append("</table>\n");
  }

  private static String cell(Number n) {
    return n == null ? "<td></td>" : "<td>" + Svg.number(n.doubleValue()) + "</td>";
  }

  /** Every night with a job run, newest last (for the command's default). */
  public static LocalDate latestNight(Lake lake) {
    Row r = lake.read(Tables.JOB_RUNS).agg(max(col("run_date"))).first();
    return r.isNullAt(0) ? null : r.getLocalDate(0);
  }
}
