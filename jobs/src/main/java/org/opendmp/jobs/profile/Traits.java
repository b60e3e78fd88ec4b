package org.opendmp.jobs.profile;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.opendmp.common.DmpException;
import org.opendmp.common.quality.QualityGate;
import org.opendmp.common.run.Observed;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;

/**
 * {@code traits}: the night's events become per-person partial aggregates (gold.person_daily, the night only),
 * then gold.traits for the night: the persons touched tonight (new partials, a partial leaving a window, a
 * merge) are rolled from their previous row and the edge nights' partials ({@link TraitRolls}), the window being
 * read only for the (person, trait) pairs the roll cannot decide; everybody else is carried from the previous
 * night's row. See README "Traits" for what a night reads.
 */
public final class Traits implements Job {
  /** Merge chains longer than this are refused as a cycle. */
  static final int MAX_CHAIN_STEPS = 32;

  @Override
  public void check(org.opendmp.common.config.EnvConfig env) {
    TraitsConfig.load(env.conf("traits.yaml"));
  }

  @Override
  public RunSummary run(JobContext ctx) {
    return run(ctx, TraitsConfig.load(ctx.conf("traits.yaml")));
  }

  /** The night with an explicit config (tests, benchmarks). */
  public static RunSummary run(JobContext ctx, TraitsConfig conf) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();
    int longest = conf.maxWindow();

    ctx.stage("partial aggregates of the night");
    Observed events = new Observed("traits_events");
    Observed resolved = new Observed("traits_events_with_person");
    Observed partials = new Observed("traits_partials");
    Dataset<Row> personEvents = resolved.count(TraitFrames.personEvents(events.count(lake.readDate(Tables.EVENTS, date)), lake.read(Tables.ID_GRAPH)));
    lake.replaceDate(Tables.PERSON_DAILY, date, partials.count(TraitFrames.daily(personEvents, conf)));

    ctx.stage("merged persons");
    Dataset<Row> aliases = aliases(lake, date, longest);

    ctx.stage("persons touched tonight");
    Dataset<Row> previous = lake.readDate(Tables.TRAITS, date.minusDays(1));
    boolean full = previous.isEmpty();
    if (!full) {
      previous = previous.localCheckpoint(); // read by touched, the roll and the carry: read once
    }
    Observed scanned = new Observed("traits_partials_scanned");
    long scannedRows = -1; // the full recompute counts through the observation
    Dataset<Row> window = TraitFrames.resolve(
        lake.read(Tables.PERSON_DAILY).where(col("run_date").between(lit(date.minusDays(longest - 1L)), lit(date))), aliases);
    Dataset<Row> tonight;
    Map<String, Object> rolling = new LinkedHashMap<>();
    Dataset<Row> touched = null;
    if (full) {
      ctx.stage("every person's windows (no row for the previous night)");
      tonight = TraitFrames.windows(scanned.count(window), date, conf);
    } else {
      // edges and touched are read by several stages below: checkpointed so that each is computed once
      Dataset<Row> edges = TraitFrames.resolve(
          lake.read(Tables.PERSON_DAILY).where(col("run_date").isin(TraitFrames.edgeNights(date, conf).toArray())), aliases).localCheckpoint();
      touched = TraitFrames.touched(edges, previous, aliases, date, conf).localCheckpoint();

      ctx.stage("roll the touched persons' windows from the previous row and the edge nights");
      Dataset<Row> rescan = TraitFrames.rescanned(previous, aliases, conf);
      Dataset<Row> rolled = TraitRolls.roll(touched.join(rescan, "person_id", "left_anti"), previous, edges, date, conf).localCheckpoint();
      Dataset<Row> recompute = rescan.unionByName(TraitRolls.unsure(rolled, edges, date, conf)).distinct().localCheckpoint();
      rolled = rolled.join(recompute, "person_id", "left_anti");
      Dataset<Row> pairs = TraitRolls.scanPairs(rolled).localCheckpoint();

      ctx.stage("read the window for the persons and traits the roll cannot decide");
      Dataset<Row> read = window.join(recompute.withColumn("whole", lit(true)), "person_id", "left")
          .join(pairs.withColumn("pair", lit(true)), new String[] {"person_id", "trait"}, "left")
          .where(coalesce(col("whole"), col("pair"), lit(false))).drop("pair");
      // nothing undecided (a quiet night): the window's files are not even listed
      read = (recompute.isEmpty() && pairs.isEmpty() ? read.limit(0) : read).localCheckpoint();
      scannedRows = read.count();
      Dataset<Row> recomputed = TraitFrames.windows(read.where(col("whole").isNotNull()).drop("whole"), date, conf);
      Dataset<Row> pairValues = TraitFrames.windows(read.where(col("whole").isNull()).drop("whole"), date, conf);
      tonight = TraitRolls.assemble(rolled, pairValues, date, conf).unionByName(recomputed)
          .unionByName(TraitFrames.carry(previous, touched, aliases, conf));
      rolling.put("persons_rolled", rolled.select("person_id").distinct().count());
      rolling.put("persons_rescanned", recompute.count());
      rolling.put("person_traits_scanned", pairs.count());
    }
    tonight = tonight.persist(StorageLevel.MEMORY_AND_DISK());

    ctx.stage("quality and publish");
    Row q = tonight.agg(count(lit(1)), count_distinct(col("person_id")), sum(when(col("person_id").isNull(), 1).otherwise(0)),
        sum(when(col("computed_on").equalTo(lit(date)), 1).otherwise(0))).first();
    long rows = q.getLong(0);
    long nullKeys = q.isNullAt(2) ? 0 : q.getLong(2);
    long recomputed = q.isNullAt(3) ? 0 : q.getLong(3);
    long eventCount = events.rows();
    long withoutPerson = eventCount - resolved.rows();
    String table = Tables.TRAITS.fullName();
    new QualityGate(ctx.job(), date)
        .check(table, "person_id_unique", QualityGate.Level.ERROR, q.getLong(1) == rows, rows - q.getLong(1), "0",
            "persons with more than one row")
        .check(table, "person_id_not_null", QualityGate.Level.ERROR, nullKeys == 0, nullKeys, "0", "rows without a person")
        .check(Tables.PERSON_DAILY.fullName(), "events_without_person_ratio", QualityGate.Level.WARN,
            eventCount == 0 || withoutPerson <= 0.05 * eventCount, eventCount == 0 ? 0 : (double) withoutPerson / eventCount, "<= 0.05",
            "events whose identifier has no person in identity.id_graph (is identity up to date for this night?)")
        .enforce(lake);
    lake.replaceDate(Tables.TRAITS, date, tonight);

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("events", eventCount);
    details.put("events_without_person", withoutPerson);
    details.put("person_daily_rows", partials.rows());
    details.put("full_recompute", full);
    details.put("persons_touched", full ? rows : touched.count());
    details.put("persons_recomputed", recomputed);
    details.put("persons_carried", rows - recomputed);
    details.putAll(rolling);
    details.put("person_daily_rows_scanned", full ? scanned.rows() : scannedRows);
    details.put("merge_aliases", aliases.count());
    details.put("traits", conf.traits().size());
    details.put("keys", conf.keys().size());
    tonight.unpersist();
    aliases.unpersist();
    if (touched != null) {
      touched.unpersist();
    }
    return new RunSummary(ctx.job(), date, eventCount, rows, 0, details);
  }

  /**
   * Absorbed person id -> survivor, chains followed, from the merges that can concern the partials a window
   * reads (recorded within the longest window, or later when an older night is re-run). Persisted; tiny.
   */
  public static Dataset<Row> aliases(Lake lake, LocalDate date, int longest) {
    Dataset<Row> merges = lake.read(Tables.PERSON_MERGES)
        .where(col("event").equalTo("merge").and(col("run_date").gt(lit(date.minusDays(longest)))));
    Dataset<Row> a = TraitFrames.aliases(merges).persist(StorageLevel.MEMORY_AND_DISK());
    for (int step = 0; !TraitFrames.openAliases(a).isEmpty(); step++) {
      if (step == MAX_CHAIN_STEPS) {
        throw new DmpException("Cannot resolve person merges: a chain of more than " + MAX_CHAIN_STEPS
            + " merges, or a cycle (identity.person_merges since " + date.minusDays(longest - 1L) + ")");
      }
      Dataset<Row> next = TraitFrames.aliasStep(a).persist(StorageLevel.MEMORY_AND_DISK());
      next.count();
      a.unpersist();
      a = next;
    }
    return a;
  }
}
