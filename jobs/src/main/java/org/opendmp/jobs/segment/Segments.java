package org.opendmp.jobs.segment;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.quality.QualityGate;
import org.opendmp.common.run.Observed;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.profile.TraitFrames;
import org.opendmp.jobs.profile.Traits;
import org.opendmp.jobs.profile.TraitsConfig;

/**
 * {@code segments}: who is in which segment tonight. The night's events become per-person daily counts
 * (gold.segment_events); the rules of conf/segments.yaml are evaluated over one row per person (profile, traits,
 * scores, partner segments, event aggregates of the last event_history_days nights); membership rolls from the
 * previous night's (TTL, entry dates, control groups) into gold.segment_membership, with gold.segment_stats.
 */
public final class Segments implements Job {
  @Override
  public void check(EnvConfig env) {
    rules(env);
  }

  @Override
  public RunSummary run(JobContext ctx) {
    return run(ctx, rules(ctx.env()));
  }

  /** conf/segments.yaml compiled against the traits of conf/traits.yaml: every name and type checked. */
  static CompiledSegments rules(EnvConfig env) {
    TraitsConfig traits = TraitsConfig.load(env.conf("traits.yaml"));
    return SegmentRules.load(env.conf("segments.yaml"), KnownNames.catalog(traits).withLookalikeModels(lookalikeModels(env)));
  }

  /** The model ids of conf/lookalike.yaml (none when the file is absent: lookalike.<id> refs are then unknown). */
  static java.util.Set<String> lookalikeModels(EnvConfig env) {
    if (!java.nio.file.Files.exists(env.conf("lookalike.yaml"))) {
      return java.util.Set.of();
    }
    return org.opendmp.jobs.lookalike.Lookalike.conf(env).models().stream()
        .map(org.opendmp.jobs.lookalike.LookalikeConfig.Model::id).collect(java.util.stream.Collectors.toSet());
  }

  /** The night with explicit rules (tests). */
  public static RunSummary run(JobContext ctx, CompiledSegments segments) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();
    int history = segments.eventHistoryDays();

    ctx.stage("inputs of the night");
    // checked before anything is written: a missing upstream night fails the job with the lake untouched
    Dataset<Row> profiles = night(lake, Tables.PROFILES, date, segments, "profile__", "partner__");
    Dataset<Row> traits = night(lake, Tables.TRAITS, date, segments, "trait__");
    Dataset<Row> scores = night(lake, Tables.SCORES, date, segments, "score__");

    ctx.stage("daily event counts of the night");
    Observed events = new Observed("segments_events");
    Dataset<Row> personEvents = TraitFrames.personEvents(events.count(lake.readDate(Tables.EVENTS, date)), lake.read(Tables.ID_GRAPH));
    lake.replaceDate(Tables.SEGMENT_EVENTS, date, SegmentFrames.dailyCounts(personEvents));

    ctx.stage("event aggregates of the last " + history + " nights");
    Dataset<Row> aliases = Traits.aliases(lake, date, history);
    Dataset<Row> daily = TraitFrames.resolve(
        lake.read(Tables.SEGMENT_EVENTS).where(col("run_date").between(lit(date.minusDays(history - 1L)), lit(date))), aliases)
        .withColumnRenamed("run_date", "day");
    Dataset<Row> aggregates = SegmentFrames.eventAggregates(daily, date, segments.eventAggregates());

    ctx.stage("rules");
    // gold.lookalike_scores may hold no row for a model tonight (skipped): its rules are then false, not an error
    Dataset<Row> lookalike = lake.readDate(Tables.LOOKALIKE_SCORES, date);
    Dataset<Row> input = SegmentFrames.input(profiles, traits, scores, lookalike, aggregates, segments);
    SegmentFrames.checkInput(input.schema(), segments);
    Dataset<Row> qualified = SegmentFrames.qualify(input, segments).localCheckpoint();

    ctx.stage("membership");
    java.util.Optional<LocalDate> previousNight = previousNight(lake, date);
    Dataset<Row> previous = previousNight
        .map(d -> SegmentFrames.previousMembers(lake.readDate(Tables.SEGMENT_MEMBERSHIP, d), aliases))
        .orElse(lake.readDate(Tables.SEGMENT_MEMBERSHIP, date).where(lit(false)));
    Dataset<Row> rolled = Membership.roll(qualified, previous, segments.definitions(), date).localCheckpoint();
    Dataset<Row> members = rolled.where(col("change").notEqual("drop"))
        .select(col("person_id"), col("segment_id"), col("entered_on"), col("last_qualified"), col("is_control"));
    List<String> ids = segments.ordered().stream().map(CompiledSegments.CompiledSegment::id).toList();
    Dataset<Row> stats = SegmentFrames.stats(rolled, qualified, lake.spark().createDataset(ids, Encoders.STRING()).toDF("segment_id"))
        .localCheckpoint();

    ctx.stage("quality and publish");
    long rows = members.count();
    long distinct = members.select("person_id", "segment_id").distinct().count();
    long nullKeys = members.where(col("person_id").isNull()).count();
    String table = Tables.SEGMENT_MEMBERSHIP.fullName();
    new QualityGate(ctx.job(), date)
        .check(table, "person_segment_unique", QualityGate.Level.ERROR, rows == distinct, rows - distinct, "0", "persons twice in a segment")
        .check(table, "person_id_not_null", QualityGate.Level.ERROR, nullKeys == 0, nullKeys, "0", "members without a person")
        .enforce(lake);
    lake.replaceDate(Tables.SEGMENT_MEMBERSHIP, date, members);
    lake.replaceDate(Tables.SEGMENT_STATS, date, stats);

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("events", events.rows());
    details.put("segments", ids.size());
    details.put("event_aggregates", segments.eventAggregates().size());
    details.put("previous_night", previousNight.map(LocalDate::toString).orElse(null));
    Map<String, Object> sizes = new LinkedHashMap<>();
    for (Row r : stats.orderBy("segment_id").collectAsList()) {
      sizes.put(r.getString(0), Map.of("members", r.getLong(1), "adds", r.getLong(4), "drops", r.getLong(5)));
    }
    details.put("members", sizes);
    aliases.unpersist();
    return new RunSummary(ctx.job(), date, events.rows(), rows, 0, details);
  }

  /**
   * One night of an upstream table, or, when the rules read nothing from it, the same frame empty. A table the
   * rules read that has no partition for the night fails the job: its job has not run for the date.
   */
  private static Dataset<Row> night(Lake lake, TableDef t, LocalDate date, CompiledSegments segments, String... prefixes) {
    Dataset<Row> rows = lake.readDate(t, date);
    boolean used = segments.inputColumns().keySet().stream().anyMatch(c -> List.of(prefixes).stream().anyMatch(c::startsWith));
    if (!used) {
      return rows.where(lit(false));
    }
    if (rows.isEmpty()) {
      throw new DmpException("Cannot evaluate segments: " + t.fullName() + " has no rows for " + date
          + " and the rules read it (has its job run for the night?) (conf/segments.yaml)");
    }
    return rows;
  }

  /** The latest night before {@code date} with a membership partition, if any. */
  private static java.util.Optional<LocalDate> previousNight(Lake lake, LocalDate date) {
    Row r = lake.read(Tables.SEGMENT_MEMBERSHIP).where(col("run_date").lt(lit(date))).agg(max(col("run_date"))).first();
    return r.isNullAt(0) ? java.util.Optional.empty() : java.util.Optional.of(r.getLocalDate(0));
  }
}
