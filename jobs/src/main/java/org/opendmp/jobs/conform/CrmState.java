package org.opendmp.jobs.conform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The CRM's current state, kept by MERGE from the nightly extracts: full extracts (every live customer; those
 * absent are deleted) and deltas (I/U/D). Rows are keyed by crm_id and ordered by extract date, so replaying an
 * older night after a newer one changes nothing, and deleted customers stay as tombstones for the same reason.
 * Used for silver.customers (hashed keys) and for the CRM rows of silver.customers_pii (clear contact data).
 */
public final class CrmState {
  private CrmState() {}

  /**
   * The last record per crm_id among a night's CRM records (bronze.crm_customers columns): latest extract date,
   * then latest updated_at, then last line of the file. Grain: one row per crm_id.
   */
  public static Dataset<Row> latestPerCustomer(Dataset<Row> records) {
    Column lineOffset = substring_index(col("record_id"), ":", -1).cast("long");
    return records
        .withColumn(
            "_rank",
            row_number()
                .over(
                    Window.partitionBy("crm_id")
                        .orderBy(col("extract_date").desc(), col("updated_at").desc(), col("source_file").desc(), lineOffset.desc())))
        .where(col("_rank").equalTo(1))
        .drop("_rank");
  }

  /** The date of the night's full extract among CRM records, or null when it only brought deltas (an action). */
  public static LocalDate fullExtractDate(Dataset<Row> records) {
    Row r = records.where(col("op").equalTo("F")).agg(org.apache.spark.sql.functions.max("extract_date")).first();
    return r.isNullAt(0) ? null : r.getLocalDate(0);
  }

  /**
   * silver.customers rows from the latest record per customer: hashed keys, consent flags with their date,
   * {@code deleted} for a delete operation.
   */
  public static Dataset<Row> customers(Dataset<Row> latest) {
    return latest.select(
        col("crm_id"), col("email_sha256"), col("phone_sha256"), col("login"), col("loyalty_card"), col("birth_date"),
        col("postcode"), col("city"), col("customer_since"), col("vip"), col("consent_email"), col("consent_sms"),
        col("consent_postal"), col("consent_ads"), to_date(col("updated_at")).as("consent_date"), col("updated_at"),
        col("extract_date"), col("op").equalTo("D").as("deleted"));
  }

  /**
   * Merges a night's state rows into a current-state table keyed by {@code key}. Newer-or-same extract dates
   * win; a full extract marks every live row it does not contain as deleted (tombstone, clearing the columns
   * in {@code clearedOnDelete}). {@code scope} limits the table rows this source owns (e.g. source = 'crm').
   */
  public static void merge(
      DeltaTable target, Dataset<Row> state, String key, LocalDate fullExtractDate, Column scope, List<String> clearedOnDelete) {
    merge(target, state, key, fullExtractDate, scope, clearedOnDelete, List.of());
  }

  /**
   * {@link #merge}, but a matched row is rewritten only when one of {@code compared} differs (null-safe): for
   * silver.customers_pii, whose ciphertext differs at each write (a fresh IV) while its fingerprint and plain
   * columns do not, so that re-running a night rewrites no unchanged row. Empty: every matched row is rewritten.
   */
  public static void merge(
      DeltaTable target, Dataset<Row> state, String key, LocalDate fullExtractDate, Column scope, List<String> clearedOnDelete,
      List<String> compared) {
    Column changed = compared.isEmpty() ? lit(true) : lit(false);
    for (String c : compared) {
      changed = changed.or(not(col("t." + c).eqNullSafe(col("s." + c))));
    }
    Map<String, Column> setAll = new LinkedHashMap<>();
    for (String c : state.columns()) {
      setAll.put(c, clearedOnDelete.contains(c) ? when(col("s.deleted"), nullOf(state, c)).otherwise(col("s." + c)) : col("s." + c));
    }
    var merge =
        target
            .as("t")
            .merge(state.as("s"), col("t." + key).equalTo(col("s." + key)))
            .whenMatched(col("s.extract_date").geq(col("t.extract_date")).and(changed))
            .update(setAll)
            .whenNotMatched()
            .insert(setAll);
    if (fullExtractDate != null) {
      Map<String, Column> tombstone = new LinkedHashMap<>();
      tombstone.put("deleted", lit(true));
      tombstone.put("extract_date", lit(fullExtractDate));
      clearedOnDelete.forEach(c -> tombstone.put(c, nullOf(state, c)));
      merge =
          merge
              .whenNotMatchedBySource(
                  scope.and(col("t.extract_date").lt(lit(fullExtractDate))).and(expr("NOT t.deleted")))
              .update(tombstone);
    }
    merge.execute();
  }

  private static Column nullOf(Dataset<Row> frame, String column) {
    return lit(null).cast(frame.schema().apply(column).dataType());
  }
}
