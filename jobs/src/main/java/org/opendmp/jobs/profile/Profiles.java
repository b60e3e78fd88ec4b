package org.opendmp.jobs.profile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.quality.QualityGate;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;

/**
 * {@code profiles}: gold.profiles for the night, the previous night's profiles (the latest night before the run
 * date) folded with what arrived since: the nights' events (activity), store postcodes and merges, and the
 * current identity graph, households, CRM state and partner deliveries. See README "Profiles" for what a night
 * reads.
 */
public final class Profiles implements Job {
  @Override
  public void check(org.opendmp.common.config.EnvConfig env) {
    ProfilesConfig conf = ProfilesConfig.load(env.conf("profiles.yaml"));
    GeoReference.load(env.conf(conf.departments()), env.conf(conf.agencies()));
  }

  @Override
  public RunSummary run(JobContext ctx) {
    ProfilesConfig conf = ProfilesConfig.load(ctx.conf("profiles.yaml"));
    return run(ctx, conf, GeoReference.load(ctx.conf(conf.departments()), ctx.conf(conf.agencies())));
  }

  /** The night with an explicit config (tests). */
  public static RunSummary run(JobContext ctx, ProfilesConfig conf, GeoReference geo) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();

    ctx.stage("previous profiles and merges since");
    Row last = lake.read(Tables.PROFILES).where(col("run_date").lt(lit(date))).agg(max("run_date")).first();
    LocalDate previousNight = last.isNullAt(0) ? null : last.getLocalDate(0);
    // Merges and new data are read from the night after the previous profiles (a gap is caught up); new data at
    // most ttl_days back (older activity could not keep anybody anyway).
    LocalDate mergesSince = previousNight == null ? date.minusDays(1) : previousNight;
    LocalDate since = mergesSince.isBefore(date.minusDays(conf.ttlDays())) ? date.minusDays(conf.ttlDays()) : mergesSince;
    Dataset<Row> aliases = Traits.aliases(lake, date, (int) ChronoUnit.DAYS.between(mergesSince, date));
    Dataset<Row> graph = lake.read(Tables.ID_GRAPH).select("id_type", "id_value", "person_id", "first_seen").localCheckpoint();
    Dataset<Row> previous = previousNight == null ? lake.readDate(Tables.PROFILES, date).limit(0) : lake.readDate(Tables.PROFILES, previousNight);
    Dataset<Row> carried = ProfileFrames.carried(previous, aliases).localCheckpoint();

    ctx.stage("identities, CRM, activity and store postcodes");
    Column newNights = col("run_date").gt(lit(since)).and(col("run_date").leq(lit(date)));
    Dataset<Row> customers = ProfileFrames.customers(graph, lake.read(Tables.CUSTOMERS), lake.read(Tables.CUSTOMERS_PII), date).localCheckpoint();
    Dataset<Row> activity = ProfileFrames.activity(lake.read(Tables.EVENTS).where(newNights), graph).localCheckpoint();
    Dataset<Row> statements = ProfileFrames.crmStatements(customers, conf)
        .unionByName(ProfileFrames.storeStatements(lake.read(Tables.STORE_TRANSACTIONS).where(newNights), graph));
    Dataset<Row> values = ProfileFrames.values(carried, statements, conf);

    ctx.stage("partner segments through ID sync");
    Dataset<Row> partners = ProfileFrames.partners(lake.read(Tables.PARTNER_SEGMENTS), lake.read(Tables.PARTNER_TAXONOMY), graph, date,
        conf.partnerMaxAgeDays());

    ctx.stage("profiles of the night");
    Dataset<Row> tonight = ProfileFrames.profiles(carried, ProfileFrames.identities(graph), customers,
        ProfileFrames.webConsents(graph, lake.read(Tables.CONSENTS)), activity, values, partners,
        lake.read(Tables.HOUSEHOLDS), geo.table(ctx.spark()), date, conf).localCheckpoint();

    ctx.stage("quality and publish");
    Row q = tonight.agg(count(lit(1)), count_distinct(col("person_id")), sum(when(col("person_id").isNull(), 1).otherwise(0)),
        sum(when(col("is_customer"), 1).otherwise(0)), sum(when(col("last_activity").equalTo(lit(date)), 1).otherwise(0)),
        sum(when(col("contactable_email"), 1).otherwise(0)), sum(when(col("contactable_sms"), 1).otherwise(0)),
        sum(when(col("contactable_postal"), 1).otherwise(0)), sum(when(col("contactable_ads"), 1).otherwise(0)),
        sum(when(org.apache.spark.sql.functions.size(col("partner_segments")).gt(0), 1).otherwise(0)),
        sum(when(col("region").isNotNull(), 1).otherwise(0))).first();
    long rows = q.getLong(0);
    long nullKeys = q.isNullAt(2) ? 0 : q.getLong(2);
    String table = Tables.PROFILES.fullName();
    new QualityGate(ctx.job(), date)
        .check(table, "person_id_unique", QualityGate.Level.ERROR, q.getLong(1) + (nullKeys > 0 ? 1 : 0) == rows,
            rows - q.getLong(1), "0", "persons with more than one row")
        .check(table, "person_id_not_null", QualityGate.Level.ERROR, nullKeys == 0, nullKeys, "0", "rows without a person")
        .enforce(lake);
    lake.replaceDate(Tables.PROFILES, date, tonight);

    long carriedRows = carried.count();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("previous_night", previousNight == null ? "none" : previousNight.toString());
    details.put("nights_read", ChronoUnit.DAYS.between(since, date));
    details.put("persons_carried_in", carriedRows);
    details.put("merge_aliases", aliases.count());
    details.put("active_persons", activity.count());
    details.put("profiles", rows);
    details.put("dropped", carried.select("person_id")
        .join(tonight.select(col("person_id").as("t_id")), col("person_id").equalTo(col("t_id")), "left_anti").count());
    details.put("customers", nz(q, 3));
    details.put("active_tonight", nz(q, 4));
    details.put("contactable_email", nz(q, 5));
    details.put("contactable_sms", nz(q, 6));
    details.put("contactable_postal", nz(q, 7));
    details.put("contactable_ads", nz(q, 8));
    details.put("with_partner_segments", nz(q, 9));
    details.put("with_region", nz(q, 10));
    aliases.unpersist();
    return new RunSummary(ctx.job(), date, carriedRows, rows, 0, details);
  }

  private static long nz(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getLong(i);
  }
}
