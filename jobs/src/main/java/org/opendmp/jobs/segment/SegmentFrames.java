package org.opendmp.jobs.segment;

import static org.apache.spark.sql.functions.array;
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
}
