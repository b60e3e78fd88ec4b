package org.opendmp.jobs.identity.probabilistic;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log2;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.ColumnSpec;
import org.opendmp.jobs.identity.probabilistic.ModelParams.ColumnParams;

/** Match weights and probabilities of compared pairs. Pure transforms, no actions. */
public final class Scoring {
  private Scoring() {}

  /** The term-frequency column of compared column {@code i}. */
  static String tf(int i) {
    return "_tf" + i;
  }

  /**
   * How common each value of the tf-adjusted columns is.
   *
   * <p>Input: prepared records ({@link Records#prepare}, both sides). Output: {@code tf_column INT} (index in
   * {@link MatchSpec#columns}), {@code value STRING}, {@code tf DOUBLE} (the value's share of the column's non-null
   * values). Grain: one row per tf-adjusted column and distinct value.
   */
  public static Dataset<Row> termFrequencies(Dataset<Row> records, MatchSpec spec) {
    List<String> referenced = spec.referencedColumns();
    if (spec.tfAdjusted().isEmpty()) {
      return records.sparkSession().createDataFrame(List.of(), StructType.fromDDL("tf_column INT, value STRING, tf DOUBLE"));
    }
    // All columns in one aggregation: one shuffle whatever the number of tf-adjusted columns.
    Column[] entries =
        spec.tfAdjusted().stream()
            .map(name -> struct(
                lit(spec.columns().indexOf(spec.column(name))).as("c"),
                col(Records.value(referenced.indexOf(name))).cast("string").as("v")))
            .toArray(Column[]::new);
    Dataset<Row> counts =
        records.select(explode(array(entries)).as("e"))
            .where(col("e.v").isNotNull())
            .groupBy(col("e.c").as("tf_column"), col("e.v").as("value"))
            .agg(count("*").as("n"));
    return counts.select(
        col("tf_column"), col("value"), col("n").divide(sum("n").over(Window.partitionBy("tf_column"))).as("tf"));
  }

  /**
   * Adds to each record the term frequency of its value in every tf-adjusted column, so that comparisons carry
   * it with the pair (no lookup per pair).
   *
   * <p>Input: prepared records; {@code tf} from {@link #termFrequencies} (small: one row per distinct value).
   * Output: the records plus {@code _tf<i> DOUBLE} per tf-adjusted column {@code i} (null when the value is null).
   * Same grain.
   */
  public static Dataset<Row> withTermFrequencies(Dataset<Row> records, Dataset<Row> tf, MatchSpec spec) {
    List<String> referenced = spec.referencedColumns();
    Dataset<Row> out = records;
    for (String name : spec.tfAdjusted()) {
      int i = spec.columns().indexOf(spec.column(name));
      Dataset<Row> one = tf.where(col("tf_column").equalTo(i)).select(col("value").as("_tfv"), col("tf").as(tf(i)));
      out = out.join(one, col(Records.value(referenced.indexOf(name))).cast("string").equalTo(col("_tfv")), "left").drop("_tfv");
    }
    return out;
  }

  /**
   * Scores compared pairs.
   *
   * <p>Input: {@link Comparisons#vectors} output (with the term frequencies the records carried). Output, one row per
   * pair: {@code source_l, record_id_l, source_r, record_id_r, match_probability DOUBLE, match_weight DOUBLE}
   * (log2 odds: the prior's weight plus every column's), {@code blocking_rule STRING} (the first rule that paired
   * them; null for pairs not from blocking), {@code names_swapped BOOLEAN}, then per compared column
   * {@code <column>_level STRING} (the level's label, "else" or "null") and {@code <column>_weight DOUBLE}
   * (log2(m/u) of the level; 0 for null; for tf-adjusted columns at the exact level log2(m/tf): a common value
   * weighs less, a rare one more), then {@code key_l, key_r}.
   */
  public static Dataset<Row> score(Dataset<Row> vectors, ModelParams params, MatchSpec spec) {
    Dataset<Row> v = vectors;
    List<Column> out = new ArrayList<>();
    List<Column> details = new ArrayList<>();
    Column total = lit(params.priorWeight());
    for (int i = 0; i < spec.columns().size(); i++) {
      ColumnSpec c = spec.columns().get(i);
      ColumnParams p = params.columns().get(i);
      Column g = col(Comparisons.gamma(i));
      Column label = when(g.equalTo(Comparisons.NULL_LEVEL), lit("null"));
      Column weight = when(g.equalTo(Comparisons.NULL_LEVEL), lit(0.0));
      if (spec.tfAdjusted().contains(c.name())) {
        weight = weight.when(g.equalTo(0).and(col(tf(i)).isNotNull()), lit(ModelParams.log2(p.m().get(0))).minus(log2(col(tf(i)))));
      }
      for (int l = 0; l < p.labels().size(); l++) {
        label = label.when(g.equalTo(l), lit(p.labels().get(l)));
        weight = weight.when(g.equalTo(l), lit(p.weight(l)));
      }
      details.add(label.as(c.name() + "_level"));
      details.add(weight.as(c.name() + "_weight"));
      total = total.plus(weight);
    }
    List<List<BlockingKey>> rules = Blocking.rules(spec);
    Column rule = lit(null).cast("string");
    for (int r = rules.size() - 1; r >= 0; r--) {
      rule = when(col("block_rule").equalTo(r), lit(Blocking.label(rules.get(r)))).otherwise(rule);
    }
    Dataset<Row> weighted = v.withColumn("match_weight", total);
    out.add(col("source_l"));
    out.add(col("record_id_l"));
    out.add(col("source_r"));
    out.add(col("record_id_r"));
    out.add(lit(1.0).divide(lit(1.0).plus(pow(lit(2.0), col("match_weight").multiply(-1)))).as("match_probability"));
    out.add(col("match_weight"));
    out.add(rule.as("blocking_rule"));
    out.add(col("names_swapped"));
    out.addAll(details);
    out.add(col("key_l"));
    out.add(col("key_r"));
    return weighted.select(out.toArray(Column[]::new));
  }
}
