package org.opendmp.jobs.conform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.opendmp.common.quality.QualityGate;
import org.opendmp.common.run.Observed;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.privacy.Suppressions;

/**
 * {@code conform}: the night's bronze partitions into silver: silver.events (one event model),
 * silver.id_observations (identifier co-occurrences), silver.customers (the CRM's current state, by MERGE),
 * silver.consents (the latest consent statement per identifier and purpose, by MERGE) and silver.identifiers (every
 * identifier ever seen, by MERGE). Reads only the date's partitions.
 */
public final class Conform implements Job {
  @Override
  public RunSummary run(JobContext ctx) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();
    Dataset<Row> web = lake.readDate(Tables.WEB_EVENTS, date);
    // erased persons (the privacy job's suppression list) must not come back: their records stop here, so that
    // neither identity, profiles nor exports ever see them again
    Suppressions.Loaded erased = Suppressions.load(lake);
    Dataset<Row> crm = lake.readDate(Tables.CRM_CUSTOMERS, date);
    if (erased != null) {
      crm = erased.without(crm, typed("crm_id"), typed("email_sha256"), typed("phone_sha256"), typed("login"), typed("loyalty_card"));
    }
    Dataset<Row> wifi = lake.readDate(Tables.STORE_WIFI_LOGINS, date);

    ctx.stage("conforming events");
    Dataset<Row> events =
        Conformed.webEvents(web)
            .unionByName(Conformed.adEvents(lake.readDate(Tables.AD_EVENTS, date)))
            .unionByName(Conformed.storeEvents(lake.readDate(Tables.STORE_TRANSACTIONS, date)))
            .unionByName(Conformed.wifiEvents(wifi))
            .unionByName(Conformed.callcenterEvents(lake.readDate(Tables.CALLCENTER_APPOINTMENTS, date)))
            .unionByName(Conformed.catalogEvents(lake.readDate(Tables.CATALOG_MAILINGS, date)));
    if (erased != null) {
      events = erased.without(events, new Column[] {col("id_type"), col("id_value")});
    }
    events = events.persist(StorageLevel.MEMORY_AND_DISK());
    Row keys = events.agg(count(lit(1)), countDistinct(col("event_id")), sum(when(col("id_value").isNull(), 1).otherwise(0))).first();
    long eventRows = keys.getLong(0);
    long nullIds = keys.isNullAt(2) ? 0 : keys.getLong(2);
    new QualityGate(ctx.job(), date)
        .check(Tables.EVENTS.fullName(), "event_id_unique", QualityGate.Level.ERROR, keys.getLong(1) == eventRows, keys.getLong(1),
            "= " + eventRows, (eventRows - keys.getLong(1)) + " events share an event_id")
        .check(Tables.EVENTS.fullName(), "id_value_not_null", QualityGate.Level.ERROR, nullIds == 0, nullIds, "0",
            nullIds + " events without an identifier")
        .enforce(lake);
    lake.replaceDate(Tables.EVENTS, date, events);
    events.unpersist();

    ctx.stage("collecting identifier co-occurrences");
    Observed pairCount = new Observed("pairs");
    Dataset<Row> pairs = Conformed.observations(web, lake.readDate(Tables.ID_SYNC, date), crm, wifi);
    if (erased != null) {
      pairs = erased.without(pairs, new Column[] {col("id_type_a"), col("id_value_a")}, new Column[] {col("id_type_b"), col("id_value_b")});
    }
    Dataset<Row> observations = pairCount.count(pairs);
    lake.replaceDate(Tables.ID_OBSERVATIONS, date, observations);

    ctx.stage("merging the CRM state into silver.customers");
    LocalDate fullDate = CrmState.fullExtractDate(crm);
    Dataset<Row> latestCrm = CrmState.latestPerCustomer(crm); // the customers' state and their consent statements
    CrmState.merge(
        lake.delta(Tables.CUSTOMERS), CrmState.customers(latestCrm), "crm_id", fullDate, lit(true), List.of());

    ctx.stage("merging the night's consent statements into silver.consents");
    Dataset<Row> consents = ConsentStatements.fromCrm(latestCrm, date)
        .unionByName(ConsentStatements.fromWeb(web));
    if (erased != null) {
      consents = erased.without(consents, new Column[] {col("id_type"), col("id_value")});
    }
    consents = consents.localCheckpoint();
    long consentStatements = consents.count();
    ConsentStatements.merge(lake.delta(Tables.CONSENTS), consents, date);

    ctx.stage("merging the day's identifiers into silver.identifiers");
    Dataset<Row> dayIds =
        Conformed.dayIdentifiers(lake.readDate(Tables.EVENTS, date), lake.readDate(Tables.ID_OBSERVATIONS, date), crm)
            .persist(StorageLevel.MEMORY_AND_DISK());
    long identifiers = dayIds.count();
    DailyCounts.merge(lake.delta(Tables.IDENTIFIERS), dayIds, List.of("id_type", "id_value"), date, "observations", "last_day_observations");
    dayIds.unpersist();

    long pairRows = pairCount.rows();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("events", eventRows);
    details.put("id_observations", pairRows);
    details.put("identifiers_seen", identifiers);
    details.put("consent_statements", consentStatements);
    details.put("full_extract", fullDate == null ? "none" : fullDate.toString());
    details.put("erasure_suppressions", erased == null ? "none" : "applied");
    // rows in: the events conformed; rows out: every row written (events, pairs, identifiers touched).
    return new RunSummary(ctx.job(), date, eventRows, eventRows + pairRows + identifiers, 0, details);
  }

  /** A column of identifiers of the type of its name (crm_id, email_sha256, ...), as a suppression pair. */
  private static Column[] typed(String column) {
    return new Column[] {lit(column), col(column)};
  }
}
