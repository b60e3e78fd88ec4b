package org.opendmp.jobs.conform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * MERGEs a night's counts into a current-state table that keeps first_seen, last_seen, days_seen, a total and
 * the last day's count, so that re-running a date gives the same table: a new latest day adds its count, a
 * re-run of the latest day swaps its previous count for the new one, a day before first_seen is added, and a
 * re-run of a day in between (already counted) changes nothing. Cost follows the night's rows.
 */
public final class DailyCounts {
  private DailyCounts() {}

  /**
   * @param day the night's rows: the key columns, {@code n}, and any other columns to insert with new keys
   * @param total the table's total column; {@code lastDay} its last-day count column
   */
  public static void merge(DeltaTable target, Dataset<Row> day, List<String> keys, LocalDate date, String total, String lastDay) {
    merge(target, day, keys, date, total, lastDay, List.of());
  }

  /**
   * As above; the {@code latest} columns (e.g. a link's match probability) are also taken from the night's rows
   * when the night is the key's latest day, so a row shows its most recent evidence.
   */
  public static void merge(
      DeltaTable target, Dataset<Row> day, List<String> keys, LocalDate date, String total, String lastDay, List<String> latest) {
    Column d = lit(date);
    Column on = null;
    for (String k : keys) {
      Column eq = col("t." + k).equalTo(col("s." + k));
      on = on == null ? eq : on.and(eq);
    }
    Map<String, Column> newLatestDay = new LinkedHashMap<>();
    newLatestDay.put("last_seen", d);
    newLatestDay.put("days_seen", col("t.days_seen").plus(1));
    newLatestDay.put(total, col("t." + total).plus(col("s.n")));
    newLatestDay.put(lastDay, col("s.n"));
    Map<String, Column> rerunLatestDay = new LinkedHashMap<>();
    rerunLatestDay.put(total, col("t." + total).minus(col("t." + lastDay)).plus(col("s.n")));
    rerunLatestDay.put(lastDay, col("s.n"));
    for (String c : latest) {
      newLatestDay.put(c, col("s." + c));
      rerunLatestDay.put(c, col("s." + c));
    }
    Map<String, Column> earlierDay = new LinkedHashMap<>();
    earlierDay.put("first_seen", d);
    earlierDay.put("days_seen", col("t.days_seen").plus(1));
    earlierDay.put(total, col("t." + total).plus(col("s.n")));
    Map<String, Column> insert = new LinkedHashMap<>();
    for (String c : day.columns()) {
      if (!c.equals("n")) {
        insert.put(c, col("s." + c));
      }
    }
    insert.put("first_seen", d);
    insert.put("last_seen", d);
    insert.put("days_seen", lit(1));
    insert.put(total, col("s.n"));
    insert.put(lastDay, col("s.n"));
    target.as("t")
        .merge(day.as("s"), on)
        .whenMatched(col("t.last_seen").lt(d))
        .update(newLatestDay)
        .whenMatched(col("t.last_seen").equalTo(d))
        .update(rerunLatestDay)
        .whenMatched(col("t.first_seen").gt(d))
        .update(earlierDay)
        .whenNotMatched()
        .insert(insert)
        .execute();
  }
}
