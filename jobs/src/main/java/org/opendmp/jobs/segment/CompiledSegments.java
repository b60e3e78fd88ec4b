package org.opendmp.jobs.segment;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.opendmp.jobs.segment.SegmentsConfig.Segment;

/**
 * segments.yaml, checked and compiled: what the segments job evaluates.
 *
 * @param ordered the segments, every one after the segments its rule refers to (otherwise in file order)
 * @param eventAggregates the distinct event aggregates all rules read (input columns {@code event__*})
 * @param inputColumns the other input-frame columns the rules read, with their types (besides person_id)
 * @param eventHistoryDays nights of daily event counts to read: the longest window fits in it
 */
public record CompiledSegments(
    List<CompiledSegment> ordered,
    List<EventAggregate> eventAggregates,
    Map<String, ValueType> inputColumns,
    int eventHistoryDays) {

  /**
   * One segment.
   *
   * @param definition its entry in segments.yaml
   * @param rule the parsed rule
   * @param sql the compiled rule: a non-null boolean Spark SQL expression over the input frame
   * @param dependsOn the ids of the segments it refers to (columns {@code segment__<id>})
   */
  public record CompiledSegment(Segment definition, Ast.Expr rule, String sql, List<String> dependsOn) {
    public String id() {
      return definition.id();
    }

    /** The column that {@link SegmentFrames#qualify} gives this segment's qualification. */
    public String column() {
      return "segment__" + definition.id();
    }
  }

  public CompiledSegments {
    ordered = List.copyOf(ordered);
    eventAggregates = List.copyOf(eventAggregates);
    inputColumns = Map.copyOf(inputColumns);
  }

  /** The definitions, in evaluation order. */
  public List<Segment> definitions() {
    return ordered.stream().map(CompiledSegment::definition).toList();
  }

  /**
   * The schema the rules expect of the input frame, for a check before evaluating: person_id, then the ref
   * columns sorted by name, then the event aggregates (NUMBER columns are nominally DOUBLE: any numeric type
   * does).
   */
  public StructType inputSchema() {
    StructType s = new StructType().add("person_id", DataTypes.StringType, false);
    for (String c : new java.util.TreeSet<>(inputColumns.keySet())) {
      s = s.add(c, inputColumns.get(c).sparkType());
    }
    for (EventAggregate a : eventAggregates) {
      s = s.add(a.column(), a.sparkType());
    }
    return s;
  }
}
