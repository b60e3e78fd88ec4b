package org.opendmp.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.testing.TableRows;

/** The night's HTML report on a tiny lake: every section from its table, charts inline, nothing fetched. */
class NightReportTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02");
  static final LocalDate D2 = D1.plusDays(1);
  static Lake lake;
  static String html;

  @BeforeAll
  static void twoNights() {
    lake = SharedSpark.freshLake();
    lake.append(Tables.JOB_RUNS, TableRows.of(Tables.JOB_RUNS,
        run("conform", 1, "failed", 30, "Cannot read bronze.web_events"), run("conform", 2, "success", 42, ""),
        run("segments", 1, "success", 12, "")));
    lake.replaceDate(Tables.QUALITY_RESULTS, D2, TableRows.of(Tables.QUALITY_RESULTS,
        Map.of("job", "traits", "table_name", "gold.traits", "check_name", "person_id_unique", "level", "ERROR", "passed", true,
            "observed", 0.0, "expected", "0"),
        Map.of("job", "traits", "table_name", "gold.person_daily", "check_name", "events_without_person_ratio", "level", "WARN",
            "passed", false, "observed", 0.08, "expected", "<= 0.05", "message", "events whose identifier has no person")));
    for (LocalDate night : new LocalDate[] {D1, D2}) {
      double grow = night.equals(D1) ? 1 : 1.1;
      lake.replaceDate(Tables.AUDIT, night, TableRows.of(Tables.AUDIT,
          Map.of("metric", "persons", "dimension", "all", "value", 1000 * grow),
          Map.of("metric", "reconciliation", "dimension", "crm_customers_with_cookie", "value", 0.2 * grow),
          Map.of("metric", "persons_by_size", "dimension", "1", "value", 700.0),
          Map.of("metric", "persons_by_size", "dimension", "3-5", "value", 120.0)));
      lake.replaceDate(Tables.SEGMENT_STATS, night, TableRows.of(Tables.SEGMENT_STATS,
          Map.of("segment_id", "vip", "members", (long) (50 * grow), "controls", 0L, "qualified", 50L, "adds", 5L, "drops", 0L,
              "overlaps", Map.of("car_intenders", 3L)),
          Map.of("segment_id", "car_intenders", "members", 7L, "controls", 1L, "qualified", 7L, "adds", 2L, "drops", 1L,
              "volatility", 0.5, "overlaps", Map.of("vip", 3L))));
    }
    lake.replaceDate(Tables.EXPORTS, D2, TableRows.of(Tables.EXPORTS,
        Map.of("destination", "sms_partner", "mode", "incremental", "files", java.util.List.of("sms_001.csv", "sms_002.csv"), "rows", 12L,
            "adds", 4L, "removals", 2L, "checksum", "ab", "target", "/x/sms_partner/dt=2026-11-03", "status", "delivered")));
    List<org.apache.spark.sql.Row> reach = new java.util.ArrayList<>(); // step, top_percent, min_percentile, reach, recall, lift
    for (int step = 0; step < 21; step++) {
      double top = step == 0 ? 1 : step * 5;
      reach.add(org.apache.spark.sql.RowFactory.create(step, top, 100 - top, (long) (10 * top), Math.min(1.0, top / 40), Math.max(1.0, 4 - top / 10)));
    }
    lake.replaceDate(Tables.MODEL_REPORTS, D2, TableRows.of(Tables.MODEL_REPORTS,
        Map.of("model", "lookalike.lal_purchasers", "status", "trained", "message", "trained on 120 seed persons", "auc", 0.871,
            "metrics", Map.of("lift_top_10pct", 3.25, "seed_size", 120.0, "population_size", 1000.0), "reach", reach),
        Map.of("model", "propensity", "status", "refused", "message", "12 positives < min_positives 100")));
    html = NightReport.html(lake, D2);
  }

  static Map<String, Object> run(String job, int attempt, String status, int seconds, String message) {
    Timestamp started = Timestamp.valueOf(D2.plusDays(1).atTime(1, 0));
    return Map.of("job", job, "run_date", Date.valueOf(D2), "attempt", attempt, "status", status, "started", started,
        "finished", new Timestamp(started.getTime() + seconds * 1000L), "rows_in", 10L, "rows_out", 9L, "rejects", 1L, "message", message);
  }

  @Test
  void everySectionIsThereWithItsCharts() {
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<h1>OpenDMP: the night of 2026-11-03</h1>");
    assertThat(html).contains("<h2>Jobs</h2>", "<h2>Quality checks</h2>", "<h2>Feeds: rows and rejects</h2>", "<h2>Identity</h2>",
        "<h2>Segments</h2>", "<h2>Deliveries</h2>");
    assertThat(html.split("<svg ", -1).length - 1).as("charts").isGreaterThanOrEqualTo(6);
    // the latest attempt of each job, in the registry's order, with its duration
    assertThat(html).contains("<td>conform</td><td>success</td><td>2</td><td>42.0</td>").doesNotContain("Cannot read bronze.web_events");
    assertThat(html.indexOf("<td>conform</td>")).isLessThan(html.indexOf("<td>segments</td>"));
    // a failed WARN check is highlighted, the passed one is not
    assertThat(html).contains("<tr class=\"warn\"><td>traits</td><td>gold.person_daily</td><td>events_without_person_ratio</td>")
        .contains("2 checks, 1 failed.");
    assertThat(html).contains("Tonight: 1,100 persons", "car_intenders", "vip 3", "<td>0.500</td>");
    assertThat(html).contains("<title>CRM customers with a cookie 2026-11-03: 22.00%</title>");
    assertThat(html).contains("<td>sms_partner</td><td>incremental</td><td>12</td><td>4</td><td>2</td><td>2</td><td>delivered</td>");
    // models: the look-alike's quality and its reach/accuracy chart; the refused propensity model with its reason
    assertThat(html).contains("<h2>Models</h2>", "<td>lookalike.lal_purchasers</td><td>trained</td><td>0.871</td><td>3.25</td><td>120</td><td>1,000</td>",
        "<td>propensity</td><td>refused</td><td></td><td></td>", "12 positives &lt; min_positives 100",
        "<h3>lookalike.lal_purchasers: reach and accuracy</h3>", "From the most accurate (top 1%, 10 people, lift 3.90)");
  }

  @Test
  void theFileIsSelfContainedAndTheSameForTheSameLake() {
    assertThat(html).doesNotContain("<script", "src=", "href=", "<link");
    assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http");
    assertThat(NightReport.html(lake, D2)).isEqualTo(html);
  }

  @Test
  void aNightWithoutRunsSaysSo() {
    String empty = NightReport.html(lake, D1.minusDays(5));
    assertThat(empty).contains("No job ran for this night", "No quality results for this night", "No segment statistics (gold.segment_stats)",
        "Nothing delivered this night", "No model trained or refused this night");
  }
}
