package org.opendmp.common.quality;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;

/**
 * The checks a job makes before publishing (DESIGN.md §7). Checks are added with the value observed; {@link
 * #enforce} records them all in {@code ops.quality_results} (replacing the job's earlier results for the date)
 * and throws when an ERROR-level check failed, so that the job stops before writing its outputs.
 */
public final class QualityGate {
  public enum Level {
    ERROR,
    WARN
  }

  /** One check's outcome. */
  public record Check(String table, String name, Level level, boolean passed, double observed, String expected, String message) {}

  /** Writes of one night's stage that may collide: one per job at worst, a few more for safety. */
  private static final int CONFLICT_ATTEMPTS = 10;

  private final String job;
  private final LocalDate date;
  private final List<Check> checks = new ArrayList<>();

  public QualityGate(String job, LocalDate date) {
    this.job = job;
    this.date = date;
  }

  /** Adds a check. {@code message} explains a failure in words a user can act on. */
  public QualityGate check(String table, String name, Level level, boolean passed, double observed, String expected, String message) {
    checks.add(new Check(table, name, level, passed, observed, expected, passed ? "ok" : message));
    return this;
  }

  public List<Check> checks() {
    return List.copyOf(checks);
  }

  /** The failed ERROR-level checks. */
  public List<Check> errors() {
    return checks.stream().filter(c -> !c.passed() && c.level() == Level.ERROR).collect(Collectors.toList());
  }

  /** Records the results, then throws if an ERROR-level check failed. */
  public void enforce(Lake lake) {
    record(lake);
    List<Check> errors = errors();
    if (!errors.isEmpty()) {
      throw new DmpException(
          "Cannot publish " + job + " for " + date + ": quality gate failed: "
              + errors.stream().map(c -> c.message() + " (" + c.table() + ", " + c.name() + ")").collect(Collectors.joining("; ")));
    }
  }

  /**
   * Replaces the job's rows of the night. Jobs of one stage run at the same time (dmp nightly, the Airflow DAG) and
   * record into the same run_date partition, which Delta reports as a conflict to all writers but the first: the
   * replace is idempotent for (run_date, job), so it is simply tried again on a fresh snapshot.
   */
  private void record(Lake lake) {
    for (int attempt = 1; ; attempt++) {
      try {
        replace(lake);
        return;
      } catch (io.delta.exceptions.DeltaConcurrentModificationException e) {
        if (attempt == CONFLICT_ATTEMPTS) {
          throw new DmpException("Cannot record the quality checks of " + job + " for " + date + ": " + CONFLICT_ATTEMPTS
              + " attempts met a concurrent write to ops.quality_results (" + e.getClass().getSimpleName() + ")", e);
        }
      }
    }
  }

  private void replace(Lake lake) {
    List<Row> rows =
        checks.stream()
            .map(c -> RowFactory.create(job, c.table(), c.name(), c.level().name(), c.passed(), c.observed(), c.expected(), c.message(), date))
            .collect(Collectors.toList());
    lake.ensure(Tables.QUALITY_RESULTS);
    Lake.conform(Tables.QUALITY_RESULTS, lake.spark().createDataFrame(rows, Tables.QUALITY_RESULTS.schema()))
        .write()
        .format("delta")
        .mode("overwrite")
        .option("replaceWhere", "run_date = DATE'" + date + "' AND job = '" + job + "'")
        .save(lake.path(Tables.QUALITY_RESULTS));
  }
}
