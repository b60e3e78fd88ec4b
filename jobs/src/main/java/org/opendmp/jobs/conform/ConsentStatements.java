package org.opendmp.jobs.conform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;

import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The night's consent statements for silver.consents: the CRM's flags per crm_id and the site's consent banner per
 * cookie. Pure transforms and one MERGE; no clock.
 */
public final class ConsentStatements {
  /** The purposes the CRM extract carries a flag for. */
  static final List<String> CRM_PURPOSES = List.of("email", "sms", "postal", "ads");

  private ConsentStatements() {}

  /**
   * Input: the night's latest CRM record per customer ({@link CrmState#latestPerCustomer}). Output: silver.consents
   * columns but run_date, one row per live record and purpose with a flag (an empty flag states nothing; a delete
   * states nothing: the tombstone in silver.customers ends the customer). {@code stated_on} is the record's update
   * date, else its extract date, never after the run date.
   */
  public static Dataset<Row> fromCrm(Dataset<Row> latest, LocalDate date) {
    Column stated = least(coalesce(to_date(col("updated_at")), col("extract_date")), lit(date));
    Dataset<Row> out = null;
    for (String p : CRM_PURPOSES) {
      Dataset<Row> s = latest.where(not(col("op").equalTo("D")).and(col("consent_" + p).isNotNull()))
          .select(lit("crm_id").as("id_type"), col("crm_id").as("id_value"), lit(p).as("purpose"), col("consent_" + p).as("granted"),
              stated.as("stated_on"), lit("crm").as("source"));
      out = out == null ? s : out.unionByName(s);
    }
    return out;
  }

  /**
   * Input: the night's bronze.web_events ({@code event_type, consent, cookie, event_time, is_bot, record_id}).
   * Output: silver.consents columns but run_date, one row per cookie and purpose its consent events stated (ingest
   * checked the signals); the last statement of the night wins (latest event time, then record id). Bots' events
   * and events without a cookie state nothing.
   */
  public static Dataset<Row> fromWeb(Dataset<Row> web) {
    return web.where(col("event_type").equalTo("consent").and(col("consent").isNotNull()).and(col("cookie").isNotNull())
            .and(not(coalesce(col("is_bot"), lit(false)))))
        .select(col("cookie"), col("event_time"), col("record_id"), explode(expr("str_to_map(consent, ',', ':')")).as(new String[] {"purpose", "v"}))
        .groupBy(col("cookie"), col("purpose"))
        .agg(max_by(struct(col("v").equalTo("1").as("granted"), to_date(col("event_time")).as("stated_on")),
            struct(col("event_time"), col("record_id"))).as("s"))
        .select(lit("cookie").as("id_type"), col("cookie").as("id_value"), col("purpose"), col("s.granted").as("granted"),
            col("s.stated_on").as("stated_on"), lit("web").as("source"));
  }

  /**
   * Merges statements into silver.consents: a newer statement replaces the row; one of the same date replaces it
   * only when it says something else (so re-running a night changes nothing); an older one is ignored (a replayed
   * night cannot undo a later withdrawal). {@code run_date} records the night that changed the row.
   */
  public static void merge(DeltaTable consents, Dataset<Row> statements, LocalDate date) {
    Map<String, Column> set = new LinkedHashMap<>();
    for (String c : List.of("id_type", "id_value", "purpose", "granted", "stated_on", "source")) {
      set.put(c, col("s." + c));
    }
    set.put("run_date", lit(date));
    Column sameKey = col("t.id_type").equalTo(col("s.id_type")).and(col("t.id_value").equalTo(col("s.id_value")))
        .and(col("t.purpose").equalTo(col("s.purpose")));
    Column newer = col("s.stated_on").gt(col("t.stated_on"))
        .or(col("s.stated_on").equalTo(col("t.stated_on")).and(not(col("s.granted").eqNullSafe(col("t.granted")))));
    consents.as("t").merge(statements.as("s"), sameKey).whenMatched(newer).update(set).whenNotMatched().insert(set).execute();
  }
}
