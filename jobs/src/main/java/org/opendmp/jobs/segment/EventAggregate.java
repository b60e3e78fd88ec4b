package org.opendmp.jobs.segment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One per-person aggregate of the daily event counts that compiled rules read, computed by {@link
 * SegmentFrames#eventAggregates} in a single groupBy for all of them. Its value is the input-frame column
 * {@link #column()}:
 *
 * <ul>
 *   <li>{@code COUNT}: BIGINT, the sum of {@code n} over the daily rows matching the filter with {@code days_ago}
 *       in [fromAgo, toAgo]; null when none (rules read it as 0)
 *   <li>{@code DAYS}: ARRAY&lt;STRUCT&lt;ago: INT, n: BIGINT&gt;&gt;, those rows' days ago and counts (one element
 *       per matching daily row, so a day may appear more than once); null when none
 * </ul>
 *
 * Days ago are counted from the run date: 0 is the run date itself. Equal aggregates of different rules have the
 * same column and are computed once.
 *
 * @param filter conditions on columns of the daily table, all of which must hold
 */
public record EventAggregate(Kind kind, List<Condition> filter, int fromAgo, int toAgo) {
  public enum Kind {
    COUNT,
    DAYS
  }

  /** {@code column [not] in (values)} on the daily table; a row whose column is null does not match. */
  public record Condition(String column, boolean negated, List<String> values) {
    public Condition {
      values = List.copyOf(values);
    }

    String sql() {
      String list = values.stream().map(RuleCompiler::textSql).collect(Collectors.joining(", "));
      return "`" + column + "`" + (negated ? " NOT IN (" : " IN (") + list + ")";
    }
  }

  public EventAggregate {
    filter = List.copyOf(filter);
  }

  /** The boolean SQL over a daily-table row (without the days-ago bounds). */
  public String filterSql() {
    return filter.stream().map(Condition::sql).collect(Collectors.joining(" AND "));
  }

  /** Canonical text, e.g. {@code count[0..6] event_type IN ('cart_add')}: equal aggregates, equal text. */
  public String description() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + "[" + fromAgo + ".." + toAgo + "] " + filterSql();
  }

  /** BIGINT for COUNT, ARRAY&lt;STRUCT&lt;ago: INT, n: BIGINT&gt;&gt; for DAYS. */
  public DataType sparkType() {
    return kind == Kind.COUNT
        ? DataTypes.LongType
        : DataTypes.createArrayType(
            new StructType().add("ago", DataTypes.IntegerType).add("n", DataTypes.LongType));
  }

  /** The input-frame column: {@code event__count__<hash>} or {@code event__days__<hash>}. */
  public String column() {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(description().getBytes(StandardCharsets.UTF_8));
      return "event__" + kind.name().toLowerCase(java.util.Locale.ROOT) + "__" + HexFormat.of().formatHex(h, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
