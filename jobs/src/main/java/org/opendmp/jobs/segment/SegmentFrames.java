package org.opendmp.jobs.segment;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.segment.CompiledSegments.CompiledSegment;

/** The Spark side of segments: pure transforms, no IO, no actions. */
public final class SegmentFrames {
  private SegmentFrames() {}

  /**
   * The event aggregates compiled rules read, all in one pass and one groupBy.
   *
   * <p>Input: daily event counts, {@code person_id STRING, day DATE, event_type STRING, n BIGINT (any integer
   * type)} plus one STRING column per event field the rules test (channel, category, campaign); any grain,
   * rows are summed (typically one row per person, day, event type and field values). Rows after the run date
   * or older than the longest window are ignored. Output: {@code person_id} and one column per aggregate
   * ({@link EventAggregate#column()}); grain: one row per person with at least one daily row in range. A COUNT
   * with no matching row is null, a DAYS one is an empty array; rules read both as 0 events.
   */
  public static Dataset<Row> eventAggregates(Dataset<Row> daily, LocalDate runDate, List<EventAggregate> aggregates) {
    if (aggregates.isEmpty()) {
      return daily.select(col("person_id")).where(lit(false));
    }
    int maxAgo = aggregates.stream().mapToInt(EventAggregate::toAgo).max().orElse(0);
    Dataset<Row> recent =
        daily.where(col("day").between(lit(runDate.minusDays(maxAgo)), lit(runDate)))
            .withColumn("days_ago", datediff(lit(runDate), col("day")))
            .withColumn("n", col("n").cast("bigint"));
    List<Column> aggs = new ArrayList<>();
    for (EventAggregate a : aggregates) {
      Column hit = expr(a.filterSql()).and(col("days_ago").between(a.fromAgo(), a.toAgo()));
      aggs.add(a.kind() == EventAggregate.Kind.COUNT
          ? sum(when(hit, col("n"))).as(a.column())
          : collect_list(when(hit, struct(col("days_ago").as("ago"), col("n").as("n")))).as(a.column()));
    }
    return recent.groupBy(col("person_id"))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
  }

  /**
   * Fails with one line naming every missing or mistyped column when the input frame does not have the
   * columns the rules read ({@link CompiledSegments#inputSchema()}); NUMBER columns may be of any numeric
   * type. Call it before {@link #qualify}, on the frame's schema: no Spark job runs.
   */
  public static void checkInput(StructType schema, CompiledSegments segments) {
    List<String> problems = new ArrayList<>();
    for (StructField want : segments.inputSchema().fields()) {
      StructField got = schema.getFieldIndex(want.name()).isDefined() ? schema.apply(want.name()) : null;
      if (got == null) {
        problems.add(want.name() + " is missing");
      } else if (!compatible(want.dataType(), got.dataType())) {
        problems.add(want.name() + " is " + got.dataType().simpleString() + ", expected " + want.dataType().simpleString());
      }
    }
    if (!problems.isEmpty()) {
      throw new DmpException("Cannot evaluate segments: the input frame does not fit the rules: "
          + String.join("; ", problems) + " (input of the segments job)");
    }
  }

  private static boolean compatible(DataType want, DataType got) {
    if (want.equals(DataTypes.DoubleType)) {
      return got instanceof NumericType;
    }
    if (want instanceof ArrayType a && got instanceof ArrayType g) {
      return compatible(a.elementType(), g.elementType());
    }
    if (want instanceof StructType && got instanceof StructType) {
      return true; // the aggregates this class computes
    }
    return want.equals(got);
  }

  /**
   * Evaluates every segment's rule. Input: one row per person, {@code person_id} and the columns of {@link
   * CompiledSegments#inputSchema()}. The segments are added as boolean columns {@code segment__<id>} in
   * dependency order, so a rule reads the qualification of the segments it refers to (the rule alone, today:
   * not their TTL, not their control group). Output: {@code person_id STRING, segment_id STRING, qualifies
   * BOOLEAN}, one row per person and segment whose rule holds (qualifies is always true).
   */
  public static Dataset<Row> qualify(Dataset<Row> input, CompiledSegments segments) {
    Dataset<Row> w = input;
    List<Column> rows = new ArrayList<>();
    for (CompiledSegment s : segments.ordered()) {
      w = w.withColumn(s.column(), expr(s.sql()));
      rows.add(struct(lit(s.id()).as("segment_id"), col(s.column()).as("qualifies")));
    }
    if (rows.isEmpty()) {
      return input.select(col("person_id"), lit(null).cast("string").as("segment_id"), lit(true).as("qualifies")).where(lit(false));
    }
    return w.select(col("person_id"), explode(array(rows.toArray(Column[]::new))).as("q"))
        .where(col("q.qualifies"))
        .select(col("person_id"), col("q.segment_id").as("segment_id"), col("q.qualifies").as("qualifies"));
  }

  /**
   * The night's daily event counts. Input: events with their person ({@code person_id, event_type, channel,
   * category, campaign}, e.g. TraitFrames.personEvents). Output: gold.segment_events columns but run_date
   * ({@code person_id, event_type, channel, category, campaign, n}); grain: one row per person and distinct
   * (event_type, channel, category, campaign), nulls kept as a value of their own.
   */
  public static Dataset<Row> dailyCounts(Dataset<Row> personEvents) {
    return personEvents.groupBy(col("person_id"), col("event_type"), col("channel"), col("category"), col("campaign"))
        .agg(count(lit(1)).as("n"));
  }

  /**
   * One row per person with every column the rules read ({@link CompiledSegments#inputColumns()}) and the event
   * aggregates. Inputs, each one night: {@code profiles} (gold.profiles: person_id, the attributes,
   * partner_segments, partner_categories), {@code traits} (gold.traits: person_id, numbers, texts, times),
   * {@code scores} (gold.scores: person_id, score, value), {@code aggregates} ({@link #eventAggregates}).
   * Column names: {@code profile__<attr>}, {@code partner__<category>} (the codes of that taxonomy category),
   * {@code partner__codes} (every code), {@code trait__<key>} (from the map of its type), {@code score__<name>}.
   * Grain: every person present in any input; a value a person lacks is null.
   */
  public static Dataset<Row> input(
      Dataset<Row> profiles, Dataset<Row> traits, Dataset<Row> scores, Dataset<Row> aggregates, CompiledSegments segments) {
    return input(profiles, traits, scores, null, aggregates, segments);
  }

  /**
   * {@link #input} with gold.lookalike_scores of the night ({@code person_id, model_id, score, percentile, rank}; null
   * when no rule reads one): {@code lookalike__<model_id>__<field>}, null for persons the model did not score
   * (not eligible, in its excluded seed, or the model skipped tonight), so a rule on it is false for them.
   */
  public static Dataset<Row> input(Dataset<Row> profiles, Dataset<Row> traits, Dataset<Row> scores, Dataset<Row> lookalike,
      Dataset<Row> aggregates, CompiledSegments segments) {
    List<Column> fromLookalike = new ArrayList<>();
    List<Column> fromProfiles = new ArrayList<>(List.of(col("person_id")));
    List<Column> fromTraits = new ArrayList<>(List.of(col("person_id")));
    List<Column> fromScores = new ArrayList<>();
    for (Map.Entry<String, ValueType> c : new java.util.TreeMap<>(segments.inputColumns()).entrySet()) {
      String name = c.getKey();
      String ref = name.substring(name.indexOf("__") + 2);
      if (name.equals(RuleCompiler.PARTNER_CODES)) {
        fromProfiles.add(col("partner_segments").as(name));
      } else if (name.startsWith("partner__")) {
        fromProfiles.add(col("partner_categories").getItem(ref).as(name));
      } else if (name.startsWith("profile__")) {
        fromProfiles.add(col(ref).as(name));
      } else if (name.startsWith("trait__")) {
        String map = switch (c.getValue()) {
          case TEXT -> "texts";
          case TIMESTAMP -> "times";
          default -> "numbers";
        };
        fromTraits.add(col(map).getItem(ref).as(name));
      } else if (name.startsWith("score__")) {
        fromScores.add(max(when(col("score").equalTo(ref), col("value"))).as(name));
      } else if (name.startsWith("lookalike__")) {
        String model = ref.substring(0, ref.lastIndexOf("__"));
        String field = ref.substring(ref.lastIndexOf("__") + 2);
        fromLookalike.add(max(when(col("model_id").equalTo(model), col(field))).as(name));
      } else {
        throw new IllegalArgumentException("no source for input column " + name);
      }
    }
    Dataset<Row> s = fromScores.isEmpty()
        ? scores.select(col("person_id")).distinct()
        : scores.groupBy(col("person_id")).agg(fromScores.get(0), fromScores.subList(1, fromScores.size()).toArray(Column[]::new));
    Dataset<Row> p = profiles.select(fromProfiles.toArray(Column[]::new));
    Dataset<Row> t = traits.select(fromTraits.toArray(Column[]::new));
    Dataset<Row> persons = p.select("person_id").union(t.select("person_id")).union(s.select("person_id"))
        .union(aggregates.select("person_id")).distinct();
    Dataset<Row> out = persons.join(p, "person_id", "left").join(t, "person_id", "left").join(s, "person_id", "left")
        .join(aggregates, "person_id", "left");
    if (fromLookalike.isEmpty()) {
      return out;
    }
    if (lookalike == null) {
      throw new IllegalArgumentException("rules read look-alike scores but none were given");
    }
    // a look-alike score alone does not make a person: the scored are profiles of the night, already in persons
    Dataset<Row> l = lookalike.groupBy(col("person_id"))
        .agg(fromLookalike.get(0), fromLookalike.subList(1, fromLookalike.size()).toArray(Column[]::new));
    return out.join(l, "person_id", "left");
  }

  /**
   * The previous night's members with their person ids brought up to date. Input: gold.segment_membership rows
   * of one night ({@code person_id, segment_id, entered_on, last_qualified}) and merge aliases ({@code
   * old_person_id, person_id}, chains followed). Output: {@code person_id, segment_id, entered_on,
   * last_qualified}; grain: person x segment. When an absorbed person and its survivor were both members, the
   * membership keeps the earliest entry and the latest qualification.
   */
  public static Dataset<Row> previousMembers(Dataset<Row> membership, Dataset<Row> aliases) {
    Dataset<Row> a = aliases.select(col("old_person_id").as("alias_old"), col("person_id").as("alias_new"));
    return membership.join(broadcast(a), col("person_id").equalTo(col("alias_old")), "left")
        .select(coalesce(col("alias_new"), col("person_id")).as("person_id"), col("segment_id"), col("entered_on"), col("last_qualified"))
        .groupBy(col("person_id"), col("segment_id"))
        .agg(min(col("entered_on")).as("entered_on"), max(col("last_qualified")).as("last_qualified"));
  }

  /**
   * The night's statistics per segment. Inputs: {@code rolled} ({@link Membership#roll}: person_id, segment_id,
   * is_control, change), {@code qualified} ({@link #qualify}: person_id, segment_id), {@code segmentIds} (every
   * segment, so that an empty one has its row). Output: gold.segment_stats columns but run_date: members (change
   * add or stay), controls, qualified, adds, drops, volatility ((adds + drops) / the previous night's members;
   * null when it had none), overlaps (other segment -> members in both; segments sharing nobody are absent).
   */
  public static Dataset<Row> stats(Dataset<Row> rolled, Dataset<Row> qualified, Dataset<Row> segmentIds) {
    Column member = col("change").isin("add", "stay");
    Dataset<Row> counts = rolled.groupBy(col("segment_id")).agg(
        sum(when(member, 1L).otherwise(0L)).as("members"),
        sum(when(member.and(col("is_control")), 1L).otherwise(0L)).as("controls"),
        sum(when(col("change").equalTo("add"), 1L).otherwise(0L)).as("adds"),
        sum(when(col("change").equalTo("drop"), 1L).otherwise(0L)).as("drops"),
        sum(when(col("change").isin("stay", "drop"), 1L).otherwise(0L)).as("previous"));
    Dataset<Row> q = qualified.groupBy(col("segment_id")).agg(count(lit(1)).as("qualified"));
    Dataset<Row> members = rolled.where(member).select(col("person_id"), col("segment_id"));
    Dataset<Row> other = members.select(col("person_id").as("o_person"), col("segment_id").as("o_segment"));
    Dataset<Row> overlaps = members
        .join(other, col("person_id").equalTo(col("o_person")).and(col("segment_id").notEqual(col("o_segment"))))
        .groupBy(col("segment_id"), col("o_segment")).agg(count(lit(1)).as("both"))
        .groupBy(col("segment_id"))
        .agg(map_from_entries(array_sort(
            collect_list(struct(col("o_segment"), col("both"))))).as("overlaps"));
    Column zero = lit(0L);
    return segmentIds.select(col("segment_id"))
        .join(counts, "segment_id", "left").join(q, "segment_id", "left").join(overlaps, "segment_id", "left")
        .select(
            col("segment_id"),
            coalesce(col("members"), zero).as("members"),
            coalesce(col("controls"), zero).as("controls"),
            coalesce(col("qualified"), zero).as("qualified"),
            coalesce(col("adds"), zero).as("adds"),
            coalesce(col("drops"), zero).as("drops"),
            when(coalesce(col("previous"), zero).gt(0), col("adds").plus(col("drops")).divide(col("previous"))).as("volatility"),
            coalesce(col("overlaps"), expr("map()").cast("map<string,bigint>")).as("overlaps"));
  }
}
