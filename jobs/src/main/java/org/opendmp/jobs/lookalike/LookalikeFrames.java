package org.opendmp.jobs.lookalike;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percent_rank;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.opendmp.jobs.lookalike.LookalikeConfig.Model;
import org.opendmp.jobs.lookalike.LookalikeConfig.Population;
import org.opendmp.jobs.segment.KnownNames;
import org.opendmp.jobs.segment.ValueType;

/**
 * The Spark side of look-alike models: pure transforms, no IO, no actions, no clock. A model's examples are the
 * persons of the night's gold.profiles who are eligible (its population) or in its seed; each gets features
 * ({@link #features}) and a role ({@link #roles}); the job fits on the training roles, scores everybody, and
 * {@link #published} and {@link #reachTable} turn the scores into gold.lookalike_scores and the report.
 */
public final class LookalikeFrames {
  /** Roles of {@link #roles}. */
  public static final String TRAIN = "train";
  public static final String HOLDOUT = "holdout";
  public static final String OTHER = "other";

  /** The top shares (percent of the scored population) of the 21 rows of the reach/accuracy table. */
  public static final List<Double> TOP_PERCENTS = topPercents();

  private LookalikeFrames() {}

  private static List<Double> topPercents() {
    List<Double> out = new ArrayList<>(List.of(1.0));
    for (int p = 5; p <= 100; p += 5) {
      out.add((double) p);
    }
    return List.copyOf(out);
  }

  /** The Spark column of a feature name ({@code trait.cart_adds_7d} -> {@code f__trait__cart_adds_7d}). */
  public static String column(String feature) {
    // partner codes are free text: anything but letters, digits and _ would need quoting in the assembler
    return "f__" + feature.replace(".", "__").replaceAll("[^A-Za-z0-9_]", "_");
  }

  /**
   * Who a model may score. Input: gold.profiles of the night ({@code person_id, is_customer, last_activity}).
   * Output: {@code person_id}; the persons whose last activity is within the lookback (the run date and the
   * lookback_days - 1 nights before), not live CRM customers when the population is prospects.
   */
  public static Dataset<Row> eligible(Dataset<Row> profiles, LocalDate date, Model m) {
    Column active = col("last_activity").between(lit(date.minusDays(m.lookbackDays() - 1L)), lit(date));
    Column population = m.populationKind() == Population.PROSPECTS ? active.and(coalesce(col("is_customer"), lit(false)).equalTo(false)) : active;
    return profiles.where(population).select("person_id");
  }

  /**
   * The model's features per person. Inputs, one night each: {@code persons} ({@code person_id, is_seed,
   * is_eligible}), gold.profiles, gold.traits ({@code person_id, numbers}), gold.scores ({@code person_id, score,
   * value}); {@code features}: names {@code trait.<key>}, {@code score.<name>}, {@code profile.<attribute>},
   * {@code partner.<code>}. Output: the persons' columns plus one DOUBLE {@link #column} per feature, never null:
   * a trait as log(1 + max(value, 0)), a score as is, a number attribute as is, a boolean one as 1/0, a partner
   * code as 1 when the person's partner_segments hold it; a missing value is 0. Grain: one row per person of
   * {@code persons} found in gold.profiles.
   */
  public static Dataset<Row> features(Dataset<Row> persons, Dataset<Row> profiles, Dataset<Row> traits, Dataset<Row> scores, List<String> features) {
    List<Column> fromProfiles = new ArrayList<>(List.of(col("person_id")));
    List<Column> fromScores = new ArrayList<>();
    List<Column> out = new ArrayList<>(List.of(col("p.person_id").as("person_id"), col("is_seed"), col("is_eligible")));
    for (String f : features) {
      String name = f.substring(f.indexOf('.') + 1);
      String c = column(f);
      if (f.startsWith("trait.")) {
        out.add(log1p(greatest(coalesce(col("numbers").getItem(name), lit(0.0)), lit(0.0))).as(c));
      } else if (f.startsWith("score.")) {
        fromScores.add(max(when(col("score").equalTo(name), col("value"))).as(c));
        out.add(coalesce(col("s." + c).cast("double"), lit(0.0)).as(c));
      } else if (f.startsWith("profile.")) {
        boolean bool = KnownNames.profile().get(name) == ValueType.BOOLEAN;
        fromProfiles.add((bool ? when(col(name), lit(1.0)).otherwise(lit(0.0)) : coalesce(col(name).cast("double"), lit(0.0))).as(c));
        out.add(col("p." + c));
      } else {
        fromProfiles.add(when(array_contains(coalesce(col("partner_segments"), array().cast("array<string>")), name), lit(1.0))
            .otherwise(lit(0.0)).as(c));
        out.add(col("p." + c));
      }
    }
    Dataset<Row> p = persons.join(profiles.select(fromProfiles.toArray(Column[]::new)), "person_id").alias("p");
    Dataset<Row> joined = p.join(traits.select(col("person_id").as("t_person_id"), col("numbers")),
        col("p.person_id").equalTo(col("t_person_id")), "left");
    if (!fromScores.isEmpty()) {
      Dataset<Row> s = scores.groupBy(col("person_id").as("s_person_id"))
          .agg(fromScores.get(0), fromScores.subList(1, fromScores.size()).toArray(Column[]::new)).alias("s");
      joined = joined.join(s, col("p.person_id").equalTo(col("s.s_person_id")), "left");
    }
    return joined.select(out.toArray(Column[]::new));
  }

  /**
   * A uniform number in [0, 1) from the person, the model and a salt: the same person draws the same number
   * every night, whatever the partitioning (sampling by hash, not by row order, keeps re-runs identical).
   */
  static Column draw(String modelId, long seed, String salt) {
    return pmod(xxhash64(col("person_id"), lit(modelId), lit(seed), lit(salt)), lit(1_000_000L)).divide(1_000_000.0);
  }

  /**
   * Roles and labels. Input: {@link #features} rows. Output: the same plus {@code label} (1.0 seed, 0.0 other) and
   * {@code role}: {@code holdout} (a draw below holdout_share: seed members and eligible persons kept out of
   * training to measure the model), {@code train} (the other seed members, and eligible non-seed persons drawn
   * below {@code negativeShare}), {@code other} (scored only).
   */
  public static Dataset<Row> roles(Dataset<Row> features, Model m, double negativeShare) {
    Column held = draw(m.id(), m.randomSeed(), "holdout").lt(m.holdoutShare());
    Column sampled = draw(m.id(), m.randomSeed(), "negative").lt(negativeShare);
    Column role = when(held, lit(HOLDOUT)).when(col("is_seed"), lit(TRAIN)).when(sampled, lit(TRAIN)).otherwise(lit(OTHER));
    return features.where(col("is_seed").or(col("is_eligible")))
        .withColumn("label", when(col("is_seed"), 1.0).otherwise(0.0)).withColumn("role", role);
  }

  /**
   * gold.lookalike_scores rows of a model. Input: scored rows ({@code person_id, is_seed, is_eligible, score}).
   * Output: {@code person_id, model_id, score, percentile, rank} for the eligible persons (seed members left out
   * when the model excludes the seed): percentile = percent_rank of the score x 100 (0 the lowest, 100 the
   * highest, ties share it), rank 1 = highest score (ties by person_id).
   */
  public static Dataset<Row> published(Dataset<Row> scored, Model m) {
    Column keep = m.excludeSeed() ? col("is_eligible").and(col("is_seed").equalTo(false)) : col("is_eligible");
    return scored.where(keep).select(col("person_id"), lit(m.id()).as("model_id"), col("score"),
        percent_rank().over(Window.orderBy(col("score"))).multiply(100.0).as("percentile"),
        row_number().over(Window.orderBy(col("score").desc(), col("person_id"))).cast("long").as("rank"));
  }

  /**
   * The cut of each reach/accuracy row over the published scores. Input: {@link #published} rows. Output: one
   * row: for each step i of {@link #TOP_PERCENTS}, {@code reach_i} (persons with percentile >= 100 - top percent)
   * and {@code min_score_i} (their lowest score; null when none); for each reach target N, {@code
   * target_score_N} and {@code target_percentile_N} (the score and percentile of the person ranked N, or the last).
   */
  public static Dataset<Row> cuts(Dataset<Row> published, List<Long> reachTargets) {
    List<Column> aggs = new ArrayList<>();
    for (int i = 0; i < TOP_PERCENTS.size(); i++) {
      Column in = col("percentile").geq(100.0 - TOP_PERCENTS.get(i));
      aggs.add(sum(when(in, 1L).otherwise(0L)).as("reach_" + i));
      aggs.add(min(when(in, col("score"))).as("min_score_" + i));
    }
    for (long n : reachTargets) {
      aggs.add(min(when(col("rank").leq(n), col("score"))).as("target_score_" + n));
      aggs.add(min(when(col("rank").leq(n), col("percentile"))).as("target_percentile_" + n));
    }
    aggs.add(count(lit(1)).as("population"));
    return published.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
  }

  /**
   * The area under the ROC curve of scored rows ({@code label} 1.0 / 0.0, {@code score}), as the rank statistic:
   * (sum of the positives' ranks - n1 (n1 + 1) / 2) / (n1 n0), tied scores sharing their average rank. Output: one
   * row {@code auc} (null without both classes). Sums of whole and half ranks are exact in doubles, so unlike
   * MLlib's evaluator (which sums curve areas in partition order) a re-run gives the very same value.
   */
  public static Dataset<Row> auc(Dataset<Row> scored) {
    Column low = org.apache.spark.sql.functions.rank().over(Window.orderBy(col("score")));
    Column tied = count(lit(1)).over(Window.partitionBy(col("score")));
    Dataset<Row> ranked = scored.select(col("label"), low.plus(tied.minus(1).divide(2.0)).as("r"));
    Column n1 = sum(when(col("label").equalTo(1.0), 1.0).otherwise(0.0));
    Column n0 = sum(when(col("label").equalTo(1.0), 0.0).otherwise(1.0));
    Column rankSum = sum(when(col("label").equalTo(1.0), col("r")).otherwise(0.0));
    return ranked.agg(when(n1.gt(0).and(n0.gt(0)), rankSum.minus(n1.multiply(n1.plus(1)).divide(2.0)).divide(n1.multiply(n0))).as("auc"));
  }

  /**
   * Held-out seed members at or above each score cut. Input: scored holdout seed rows ({@code score}); {@code
   * minScores}: the cuts (null: nobody is above). Output: one row, {@code holdout} (their number) and {@code
   * above_i} per cut.
   */
  public static Dataset<Row> recalls(Dataset<Row> holdoutSeed, List<Double> minScores) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("holdout"));
    for (int i = 0; i < minScores.size(); i++) {
      Double t = minScores.get(i);
      aggs.add(sum(t == null ? lit(0L) : when(col("score").geq(t), 1L).otherwise(0L)).as("above_" + i));
    }
    return holdoutSeed.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
  }
}
