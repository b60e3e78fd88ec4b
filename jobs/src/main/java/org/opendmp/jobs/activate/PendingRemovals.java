package org.opendmp.jobs.activate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;

/**
 * activation.pending_removals: what a destination had received about persons the privacy job erased since. Their
 * activation.audience rows are gone, so the difference from the previous delivery alone would no longer show them;
 * an incremental delivery adds these rows to its previous audience, which turns them into removal lines. A row is
 * marked with the night it was sent on (a rerun of that night sends it again) and purged on a later night.
 */
final class PendingRemovals {
  private PendingRemovals() {}

  /** The destination's removals to send on {@code date}, shaped like its activation.audience rows; null when none. */
  static Dataset<Row> of(Lake lake, String destination, LocalDate date) {
    if (!io.delta.tables.DeltaTable.isDeltaTable(lake.spark(), lake.path(Tables.PENDING_REMOVALS))) {
      return null;
    }
    Dataset<Row> rows = lake.read(Tables.PENDING_REMOVALS).where(col("destination").equalTo(destination)
        .and(col("delivered_on").isNull().or(col("delivered_on").equalTo(lit(date)))));
    return rows.select(col("destination"), col("person_id"), col("id_type"), col("id_values"), col("segments"), col("codes"),
        col("column_values"), lit(null).cast("date").as("run_date"));
  }

  /** The removals of the delivered destinations are marked sent on {@code date}; those sent on an earlier night go. */
  static void delivered(Lake lake, List<String> destinations, LocalDate date) {
    if (destinations.isEmpty() || !io.delta.tables.DeltaTable.isDeltaTable(lake.spark(), lake.path(Tables.PENDING_REMOVALS))) {
      return;
    }
    if (!lake.read(Tables.PENDING_REMOVALS).where(col("delivered_on").isNull().or(col("delivered_on").lt(lit(date)))).isEmpty()) {
      var table = lake.delta(Tables.PENDING_REMOVALS);
      table.delete(col("delivered_on").lt(lit(date)));
      table.update(col("delivered_on").isNull().and(col("destination").isin(destinations.toArray())),
          java.util.Map.of("delivered_on", lit(date)));
    }
  }
}
