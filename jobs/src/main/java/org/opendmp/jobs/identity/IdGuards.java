package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-type guards of conf/identity.yaml that act on links before persons are formed: blocked values, and
 * values linked to too many identifiers of another type (shared devices, shared accounts). Pure transforms.
 */
public final class IdGuards {
  private IdGuards() {}

  /** Whether an identifier is blocked by its type's {@code blocked_values} or {@code blocked_patterns}. */
  public static Column isBlocked(Column type, Column value, List<IdTypeRule> rules) {
    Column blocked = lit(false);
    for (IdTypeRule r : rules) {
      Column byValue = r.blockedValues().isEmpty() ? lit(false) : value.isin(r.blockedValues().toArray());
      Column byPattern = lit(false);
      for (String p : r.blockedPatterns()) {
        byPattern = byPattern.or(value.rlike("^(?:" + p + ")$"));
      }
      blocked = blocked.or(type.like(r.likePattern()).and(byValue.or(byPattern)));
    }
    return blocked;
  }

  /** Links with neither end blocked. Input and output: any frame with {@code id_type_a .. id_value_b}. */
  public static Dataset<Row> withoutBlocked(Dataset<Row> links, List<IdTypeRule> rules) {
    return links.where(isBlocked(col("id_type_a"), col("id_value_a"), rules).or(isBlocked(col("id_type_b"), col("id_value_b"), rules)).unary_$bang());
  }

  /** Identifiers that are not blocked. Input and output: any frame with {@code id_type, id_value}. */
  public static Dataset<Row> withoutBlockedIds(Dataset<Row> ids, List<IdTypeRule> rules) {
    return ids.where(isBlocked(col("id_type"), col("id_value"), rules).unary_$bang());
  }

  /**
   * Shared values: identifiers linked to more distinct identifiers of another type than their type's
   * {@code max_links} allows. Input: links within the window ({@code id_type_a, id_value_a, id_type_b,
   * id_value_b}; either orientation). Output: {@code id_type, id_value, other_type}, {@code partners} (how many
   * identifiers of that type), one row per shared value and other type. A cap on {@code partner_uid:*} counts
   * each partner's uids on their own (a cookie has one uid per partner).
   */
  public static Dataset<Row> sharedValues(Dataset<Row> windowLinks, List<IdTypeRule> rules) {
    Dataset<Row> ends =
        windowLinks.select(col("id_type_a").as("id_type"), col("id_value_a").as("id_value"), col("id_type_b").as("o_type"), col("id_value_b").as("o_value"))
            .unionByName(windowLinks.select(col("id_type_b").as("id_type"), col("id_value_b").as("id_value"), col("id_type_a").as("o_type"),
                col("id_value_a").as("o_value")));
    // Every cap as a row (type pattern, other type pattern, cap), so that one aggregation counts them all: one pass
    // over the window's links instead of one per cap.
    List<Row> caps = new ArrayList<>();
    for (IdTypeRule r : rules) {
      for (Map.Entry<String, Integer> cap : r.maxLinks().entrySet()) {
        caps.add(RowFactory.create(r.likePattern(), cap.getKey().replace("*", "%"), cap.getValue()));
      }
    }
    if (caps.isEmpty()) {
      return ends.select(col("id_type"), col("id_value"), lit("").as("other_type"), lit(0L).as("partners")).limit(0);
    }
    StructType capSchema = new StructType().add("type_like", DataTypes.StringType).add("other_like", DataTypes.StringType)
        .add("cap", DataTypes.IntegerType);
    Dataset<Row> capped = windowLinks.sparkSession().createDataFrame(caps, capSchema);
    return ends.join(broadcast(capped), expr("id_type LIKE type_like AND o_type LIKE other_like"))
        .groupBy("id_type", "id_value", "o_type", "type_like", "other_like", "cap")
        .agg(countDistinct(col("o_value")).as("partners"))
        .where(col("partners").gt(col("cap")))
        .select(col("id_type"), col("id_value"), col("o_type").as("other_type"), col("partners"));
  }

  /**
   * Whether each link touches a shared value on the guarded side. Input: {@code links} (id_type_a .. id_value_b
   * and any other columns), {@code shared} ({@link #sharedValues}). Output: the links with a boolean column
   * {@code shared}.
   */
  public static Dataset<Row> markShared(Dataset<Row> links, Dataset<Row> shared) {
    Dataset<Row> s = shared.select(col("id_type").as("s_type"), col("id_value").as("s_value"), col("other_type"));
    Column aSide = col("id_type_a").equalTo(col("s_type")).and(col("id_value_a").equalTo(col("s_value"))).and(col("id_type_b").equalTo(col("other_type")));
    Column bSide = col("id_type_b").equalTo(col("s_type")).and(col("id_value_b").equalTo(col("s_value"))).and(col("id_type_a").equalTo(col("other_type")));
    Dataset<Row> hitA = links.join(s, aSide, "left_semi");
    Dataset<Row> hitB = links.join(s, bSide, "left_semi");
    Dataset<Row> hits = hitA.unionByName(hitB).select("id_type_a", "id_value_a", "id_type_b", "id_value_b", "rule").distinct().withColumn("shared", lit(true));
    return links.join(hits, Identity.seq("id_type_a", "id_value_a", "id_type_b", "id_value_b", "rule"), "left")
        .withColumn("shared", org.apache.spark.sql.functions.coalesce(col("shared"), lit(false)));
  }
}
