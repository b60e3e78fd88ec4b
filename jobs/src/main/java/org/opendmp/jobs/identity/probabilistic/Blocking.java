package org.opendmp.jobs.identity.probabilistic;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.soundex;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.collection.JavaConverters;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.ColumnSpec;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.Kind;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.LinkType;

/**
 * Candidate pairs: the pairs whose blocking keys are equal under at least one rule. Pure transforms over
 * {@link Records#prepare} output, no actions.
 */
public final class Blocking {
  private Blocking() {}

  /** The rules of a spec; no rule means one rule that puts every record in one block (every pair). */
  static List<List<BlockingKey>> rules(MatchSpec spec) {
    List<List<BlockingKey>> rules = spec.blockingRules();
    return rules.isEmpty() ? List.of(List.of()) : rules;
  }

  /** How a rule is shown: its keys joined by " & ", or "all pairs". */
  public static String label(List<BlockingKey> rule) {
    return rule.isEmpty() ? "all pairs" : String.join(" & ", rule.stream().map(BlockingKey::toString).toList());
  }

  /** The rule's key over prepared records: one string, null when any part is null (never blocked). */
  static Column ruleKey(List<BlockingKey> rule, MatchSpec spec) {
    if (rule.isEmpty()) {
      return lit("*");
    }
    List<String> referenced = spec.referencedColumns();
    Column anyNull = lit(false);
    List<Column> parts = new ArrayList<>();
    for (BlockingKey k : rule) {
      Column part = part(k, referenced, spec);
      anyNull = anyNull.or(part.isNull());
      parts.add(part);
    }
    return when(anyNull, lit(null).cast("string")).otherwise(concat_ws("\u0001", parts.toArray(Column[]::new)));
  }

  private static Column part(BlockingKey k, List<String> referenced, MatchSpec spec) {
    Column v = asString(k.columns().get(0), referenced, spec);
    return switch (k.function()) {
      case "column" -> v;
      case "soundex" -> soundex(v);
      case "prefix" -> when(length(v).geq(k.length()), substring(v, 1, k.length()));
      case "year" -> year(col(Records.value(referenced.indexOf(k.columns().get(0))))).cast("string");
      case "sorted" -> {
        Column w = asString(k.columns().get(1), referenced, spec);
        yield when(v.isNotNull().and(w.isNotNull()), concat_ws("\u0002", least(v, w), greatest(v, w)));
      }
      default -> throw new IllegalArgumentException("unknown blocking function " + k.function());
    };
  }

  private static Column asString(String name, List<String> referenced, MatchSpec spec) {
    Column c = col(Records.value(referenced.indexOf(name)));
    ColumnSpec cs = spec.column(name);
    return cs != null && cs.kind() == Kind.DATE ? date_format(c, "yyyy-MM-dd") : c;
  }

  /** Which ordered pairs of records are candidates under a link type. */
  static Column pairCondition(Column keyL, Column sideL, Column keyR, Column sideR, LinkType type) {
    return type == LinkType.LINK_ONLY ? sideL.equalTo(0).and(sideR.equalTo(1)) : keyL.lt(keyR);
  }

  /**
   * Every record once per rule it has a key for: {@code _key, _side, block_rule INT, _bk STRING}. All rules in one
   * frame so that one join produces the pairs of every rule.
   */
  static Dataset<Row> keyed(Dataset<Row> records, MatchSpec spec) {
    List<List<BlockingKey>> rules = rules(spec);
    Column[] entries = new Column[rules.size()];
    for (int r = 0; r < rules.size(); r++) {
      entries[r] = struct(lit(r).as("rule"), ruleKey(rules.get(r), spec).as("bk"));
    }
    return records.select(col("_key"), col("_side"), explode(array(entries)).as("e"))
        .where(col("e.bk").isNotNull())
        .select(col("_key"), col("_side"), col("e.rule").as("block_rule"), col("e.bk").as("_bk"));
  }

  /**
   * Candidate pairs by the union of the spec's rules.
   *
   * <p>Input: prepared records ({@link Records#prepare}). Output: {@code key_l, key_r, block_rule INT} (the index
   * of the first rule that paired them). Grain: one row per distinct pair; {@code key_l < key_r}, or for
   * {@code link_only} the left record first. Records with a null key part are not blocked by that rule.
   */
  public static Dataset<Row> candidatePairs(Dataset<Row> records, MatchSpec spec, LinkType type) {
    Dataset<Row> keyed = keyed(records, spec);
    Dataset<Row> l = keyed.select(col("_key").as("key_l"), col("_side").as("side_l"), col("block_rule"), col("_bk"));
    Dataset<Row> r = keyed.select(col("_key").as("key_r"), col("_side").as("side_r"), col("block_rule"), col("_bk"));
    return l.join(r, JavaConverters.asScalaBuffer(List.of("block_rule", "_bk")).toSeq())
        .where(pairCondition(col("key_l"), col("side_l"), col("key_r"), col("side_r"), type))
        .groupBy("key_l", "key_r")
        .agg(min("block_rule").as("block_rule"));
  }

  /**
   * The size of each rule before pairs are deduplicated across rules: what joining on it would cost.
   *
   * <p>Input: prepared records. Output: {@code block_rule INT, blocks LONG} (keys that pair at least two records),
   * {@code pairs LONG} (pairs the rule alone produces). Grain: one row per rule that keys at least one record.
   */
  public static Dataset<Row> ruleSizes(Dataset<Row> records, MatchSpec spec, LinkType type) {
    Dataset<Row> perKey =
        keyed(records, spec)
            .groupBy("block_rule", "_bk")
            .agg(count(when(col("_side").equalTo(0), 1)).as("nl"), count(when(col("_side").equalTo(1), 1)).as("nr"));
    Column n = col("nl").plus(col("nr"));
    Column pairs = type == LinkType.LINK_ONLY ? col("nl").multiply(col("nr")) : n.multiply(n.minus(1)).divide(2).cast("long");
    return perKey.select(col("block_rule"), pairs.as("p"))
        .groupBy("block_rule")
        .agg(count(when(col("p").gt(0), 1)).as("blocks"), sum("p").cast("long").as("pairs"));
  }
}
