package org.opendmp.jobs.conform;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Pure transforms from bronze to silver: the one event model, the identifier co-occurrences, and the day's
 * identifier counts. No IO, no actions. Bots and static assets stay in bronze only; events without any
 * identifier cannot belong to a person and are counted by the job, not conformed.
 */
public final class Conformed {
  private Conformed() {}

  private static final Column NULL_STRING = lit(null).cast(DataTypes.StringType);
  private static final Column NULL_AMOUNT = lit(null).cast("decimal(12,2)");
  private static final Column NO_ATTRIBUTES = lit(null).cast("map<string,string>");

  /**
   * Web and app hits (bronze.web_events) as events. The person key is the strongest identifier on the hit:
   * login, then mobile ad id, then cookie. Output: silver.events columns; grain: one row per non-bot,
   * non-asset hit with an identifier.
   */
  public static Dataset<Row> webEvents(Dataset<Row> web) {
    Column idType =
        when(col("login").isNotNull(), lit("login"))
            .when(col("maid").isNotNull(), lit("maid"))
            .when(col("cookie").isNotNull(), lit("cookie"))
            .when(col("email_sha256").isNotNull(), lit("email_sha256"));
    return web.where(col("is_bot").equalTo(false).and(col("event_type").notEqual("asset")))
        .withColumn("id_type", idType)
        .where(col("id_type").isNotNull())
        .select(
            col("record_id").as("event_id"), col("event_time"), col("event_type"),
            when(col("maid").isNotNull(), lit("app")).otherwise(lit("web")).as("channel"), col("id_type"),
            coalesce(col("login"), col("maid"), col("cookie"), col("email_sha256")).as("id_value"), col("sku"),
            col("category"), col("search_query"), col("order_id"), col("amount"), col("campaign"),
            NULL_STRING.as("store_id"), col("url"), col("is_bot"),
            map(lit("cookie"), col("cookie"), lit("email_sha256"), col("email_sha256")).as("attributes"),
            lit("bronze.web_events").as("source_table"), col("run_date"));
  }

  /** Ad impressions and clicks keyed by the ad-server cookie. Grain: one row per non-bot ad event with a cookie. */
  public static Dataset<Row> adEvents(Dataset<Row> ads) {
    return ads.where(col("is_bot").equalTo(false).and(col("ad_cookie").isNotNull()))
        .select(
            col("record_id").as("event_id"), col("event_time"), col("event_type"), lit("ad").as("channel"),
            lit("ad_cookie").as("id_type"), col("ad_cookie").as("id_value"), NULL_STRING.as("sku"),
            NULL_STRING.as("category"), NULL_STRING.as("search_query"), NULL_STRING.as("order_id"),
            NULL_AMOUNT.as("amount"), col("campaign_id").as("campaign"), NULL_STRING.as("store_id"),
            NULL_STRING.as("url"), col("is_bot"),
            map(lit("creative_id"), col("creative_id"), lit("placement_id"), col("placement_id"), lit("site"), col("site"))
                .as("attributes"),
            lit("bronze.ad_events").as("source_table"), col("run_date"));
  }

  /**
   * Store purchases keyed by loyalty card, or, for card-less buyers who gave a name, by {@code pii_record}
   * (their silver.customers_pii key) for probabilistic matching.
   */
  public static Dataset<Row> storeEvents(Dataset<Row> pos) {
    Column idType =
        when(col("loyalty_card").isNotNull(), lit("loyalty_card")).when(col("has_name"), lit("pii_record"));
    return pos.withColumn("id_type", idType)
        .where(col("id_type").isNotNull())
        .select(
            col("record_id").as("event_id"), col("txn_time").as("event_time"), lit("store_purchase").as("event_type"),
            lit("store").as("channel"), col("id_type"),
            when(col("loyalty_card").isNotNull(), col("loyalty_card")).otherwise(col("record_id")).as("id_value"),
            col("sku"), col("category"), NULL_STRING.as("search_query"), col("transaction_id").as("order_id"),
            col("amount"), NULL_STRING.as("campaign"), col("store_id"), NULL_STRING.as("url"), lit(false).as("is_bot"),
            map(lit("quantity"), col("quantity").cast("string"), lit("postcode"), col("postcode")).as("attributes"),
            lit("bronze.store_transactions").as("source_table"), col("run_date"));
  }

  /** Store wifi logins keyed by the hashed email, else the hashed phone, else the device. */
  public static Dataset<Row> wifiEvents(Dataset<Row> wifi) {
    Column idType =
        when(col("email_sha256").isNotNull(), lit("email_sha256"))
            .when(col("phone_sha256").isNotNull(), lit("phone_sha256"))
            .when(col("maid").isNotNull(), lit("maid"));
    return wifi.withColumn("id_type", idType)
        .where(col("id_type").isNotNull())
        .select(
            col("record_id").as("event_id"), col("login_time").as("event_time"), lit("wifi_login").as("event_type"),
            lit("store").as("channel"), col("id_type"),
            coalesce(col("email_sha256"), col("phone_sha256"), col("maid")).as("id_value"), NULL_STRING.as("sku"),
            NULL_STRING.as("category"), NULL_STRING.as("search_query"), NULL_STRING.as("order_id"),
            NULL_AMOUNT.as("amount"), NULL_STRING.as("campaign"), col("store_id"), NULL_STRING.as("url"),
            lit(false).as("is_bot"), map(lit("maid"), col("maid")).as("attributes"),
            lit("bronze.store_wifi_logins").as("source_table"), col("run_date"));
  }

  /** Call-center appointments keyed by crm_id. */
  public static Dataset<Row> callcenterEvents(Dataset<Row> appointments) {
    return appointments.where(col("crm_id").isNotNull())
        .select(
            col("record_id").as("event_id"), col("appointment_time").as("event_time"),
            lit("callcenter_appointment").as("event_type"), lit("callcenter").as("channel"), lit("crm_id").as("id_type"),
            col("crm_id").as("id_value"), NULL_STRING.as("sku"), NULL_STRING.as("category"),
            NULL_STRING.as("search_query"), col("appointment_id").as("order_id"), NULL_AMOUNT.as("amount"),
            NULL_STRING.as("campaign"), NULL_STRING.as("store_id"), NULL_STRING.as("url"), lit(false).as("is_bot"),
            map(lit("reason"), col("reason"), lit("agent_id"), col("agent_id")).as("attributes"),
            lit("bronze.callcenter_appointments").as("source_table"), col("run_date"));
  }

  /** Catalog mailings keyed by crm_id, at midnight UTC of the mailing date; the catalog code is the campaign. */
  public static Dataset<Row> catalogEvents(Dataset<Row> mailings) {
    return mailings.where(col("crm_id").isNotNull())
        .select(
            col("record_id").as("event_id"), to_timestamp(col("mailing_date")).as("event_time"),
            lit("catalog_mailing").as("event_type"), lit("catalog").as("channel"), lit("crm_id").as("id_type"),
            col("crm_id").as("id_value"), NULL_STRING.as("sku"), NULL_STRING.as("category"),
            NULL_STRING.as("search_query"), col("mailing_id").as("order_id"), NULL_AMOUNT.as("amount"),
            col("catalog_code").as("campaign"), NULL_STRING.as("store_id"), NULL_STRING.as("url"),
            lit(false).as("is_bot"), NO_ATTRIBUTES.as("attributes"), lit("bronze.catalog_mailings").as("source_table"),
            col("run_date"));
  }

  /**
   * Pairs of identifiers seen together in one record: the evidence identity links are made of. Output:
   * silver.id_observations columns, the pair in canonical order (a &lt; b), one row per record and pair.
   */
  public static Dataset<Row> observations(
      Dataset<Row> web, Dataset<Row> idSync, Dataset<Row> crm, Dataset<Row> wifi) {
    Dataset<Row> humanWeb = web.where(col("is_bot").equalTo(false));
    Column partnerType =
        when(col("partner").equalTo("adserver"), lit("ad_cookie")).otherwise(concat(lit("partner_uid:"), col("partner")));
    Dataset<Row> liveCrm = crm.where(col("op").notEqual("D"));
    List<Dataset<Row>> parts =
        List.of(
            pair(humanWeb, "web", lit("cookie"), col("cookie"), lit("login"), col("login"), col("event_time"), col("ip"), col("user_agent")),
            pair(humanWeb, "app", lit("maid"), col("maid"), lit("login"), col("login"), col("event_time"), col("ip"), col("user_agent")),
            pair(humanWeb, "email_click", lit("cookie"), col("cookie"), lit("email_sha256"), col("email_sha256"), col("event_time"), col("ip"), col("user_agent")),
            pair(humanWeb, "email_click", lit("maid"), col("maid"), lit("email_sha256"), col("email_sha256"), col("event_time"), col("ip"), col("user_agent")),
            pair(idSync, "idsync", partnerType, col("partner_uid"), lit("cookie"), col("cookie"), col("sync_time"), NULL_STRING, NULL_STRING),
            pair(liveCrm, "crm", lit("crm_id"), col("crm_id"), lit("email_sha256"), col("email_sha256"), col("updated_at"), NULL_STRING, NULL_STRING),
            pair(liveCrm, "crm", lit("crm_id"), col("crm_id"), lit("phone_sha256"), col("phone_sha256"), col("updated_at"), NULL_STRING, NULL_STRING),
            pair(liveCrm, "crm", lit("crm_id"), col("crm_id"), lit("loyalty_card"), col("loyalty_card"), col("updated_at"), NULL_STRING, NULL_STRING),
            pair(liveCrm, "crm", lit("crm_id"), col("crm_id"), lit("login"), col("login"), col("updated_at"), NULL_STRING, NULL_STRING),
            pair(wifi, "wifi", lit("email_sha256"), col("email_sha256"), lit("maid"), col("maid"), col("login_time"), NULL_STRING, NULL_STRING),
            pair(wifi, "wifi", lit("phone_sha256"), col("phone_sha256"), lit("maid"), col("maid"), col("login_time"), NULL_STRING, NULL_STRING));
    Dataset<Row> all = parts.get(0);
    for (Dataset<Row> p : parts.subList(1, parts.size())) {
      all = all.unionByName(p);
    }
    return all;
  }

  private static Dataset<Row> pair(
      Dataset<Row> rows, String source, Column typeA, Column valueA, Column typeB, Column valueB, Column time, Column ip, Column ua) {
    Column aFirst = typeA.lt(typeB).or(typeA.equalTo(typeB).and(valueA.leq(valueB)));
    return rows.where(valueA.isNotNull().and(valueB.isNotNull()))
        .select(
            time.as("obs_time"), lit(source).as("source"), when(aFirst, typeA).otherwise(typeB).as("id_type_a"),
            when(aFirst, valueA).otherwise(valueB).as("id_value_a"), when(aFirst, typeB).otherwise(typeA).as("id_type_b"),
            when(aFirst, valueB).otherwise(valueA).as("id_value_b"), ip.as("ip"), ua.as("user_agent"),
            col("record_id"), col("run_date"));
  }

  /**
   * The day's identifiers with how often each was observed: every event key, both sides of every pair, and
   * every identifier of the CRM. Grain: one row per (id_type, id_value).
   */
  public static Dataset<Row> dayIdentifiers(Dataset<Row> events, Dataset<Row> observations, Dataset<Row> crm) {
    Dataset<Row> ids =
        events.select(col("id_type"), col("id_value"))
            .unionByName(observations.select(col("id_type_a").as("id_type"), col("id_value_a").as("id_value")))
            .unionByName(observations.select(col("id_type_b").as("id_type"), col("id_value_b").as("id_value")))
            .unionByName(crm.where(col("op").notEqual("D")).select(lit("crm_id").as("id_type"), col("crm_id").as("id_value")));
    return ids.where(col("id_value").isNotNull()).groupBy("id_type", "id_value").agg(count(lit(1)).as("n"));
  }
}
