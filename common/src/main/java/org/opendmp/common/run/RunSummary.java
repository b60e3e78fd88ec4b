package org.opendmp.common.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a job did for one date: the counts that go to {@code ops.job_runs} and to the one {@code RUN_SUMMARY}
 * log line. {@code details} holds job-specific counts (per file, per table, per rule) in insertion order.
 */
public record RunSummary(
    String job, LocalDate runDate, long rowsIn, long rowsOut, long rejects, Map<String, Object> details) {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .findAndRegisterModules();

  public RunSummary {
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static RunSummary of(String job, LocalDate date, long rowsIn, long rowsOut, long rejects) {
    return new RunSummary(job, date, rowsIn, rowsOut, rejects, Map.of());
  }

  /** The same summary with one more detail. */
  public RunSummary with(String key, Object value) {
    Map<String, Object> d = new LinkedHashMap<>(details);
    d.put(key, value);
    return new RunSummary(job, runDate, rowsIn, rowsOut, rejects, d);
  }

  /** The {@code RUN_SUMMARY {json}} line, with the status and duration measured by the runner. */
  public String logLine(String status, double seconds) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job", job);
    m.put("run_date", runDate.toString());
    m.put("status", status);
    m.put("rows_in", rowsIn);
    m.put("rows_out", rowsOut);
    m.put("rejects", rejects);
    m.put("seconds", Math.round(seconds * 10) / 10.0);
    m.put("details", details);
    try {
      return "RUN_SUMMARY " + JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A summary of plain values always serialises", e);
    }
  }
}
