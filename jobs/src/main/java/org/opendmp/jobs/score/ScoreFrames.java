package org.opendmp.jobs.score;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.ntile;
import static org.apache.spark.sql.functions.percent_rank;
import static org.apache.spark.sql.functions.rank;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.opendmp.jobs.profile.TraitsConfig.Output;
import org.opendmp.jobs.score.ScoresConfig.CompiledPlan;
import org.opendmp.jobs.score.ScoresConfig.Propensity;
import org.opendmp.jobs.score.ScoresConfig.Rfm;

/**
 * The Spark side of scores: pure transforms, no IO, no actions, no clock. Scores are read from one night of
 * gold.traits ({@link #input}); each score family gives rows {@code person_id STRING, score STRING, value
 * DOUBLE} (the long form of gold.scores, run_date added when written). The propensity model's examples are
 * built from older nights of gold.traits ({@link #examples}); the model itself is fitted by the job.
 */
public final class ScoreFrames {
  /** Input-frame prefix of a gold.traits key (as the segment language names it: {@code trait.<key>}). */
  public static final String TRAIT = "trait__";

  /** Input-frame prefix of a gold.profiles attribute ({@code profile.<attribute>}). */
  public static final String PROFILE = "profile__";

  /** Prefix of a model feature column. */
  public static final String FEATURE = "f__";

  private ScoreFrames() {}

  /**
   * One row per person of the night with the values scores read. Input: gold.traits rows ({@code person_id,
   * numbers, texts, times}); {@code keys}: the trait keys wanted with the map each lives in; {@code profiles}:
   * gold.profiles rows of the night (null when no attribute is wanted), {@code attributes}: its columns wanted.
   * Output: {@code person_id}, {@code trait__<key>} (DOUBLE, STRING or TIMESTAMP; null when the map lacks the
   * key), {@code profile__<attribute>} (null for persons without a profile row); grain: one row per gold.traits
   * row (persons without traits are not scored).
   */
  public static Dataset<Row> input(Dataset<Row> traits, Map<String, Output> keys, Dataset<Row> profiles, Collection<String> attributes) {
    List<Column> cols = new ArrayList<>();
    cols.add(col("person_id"));
    keys.forEach((k, o) -> {
      String map = switch (o) {
        case NUMBER -> "numbers";
        case TEXT -> "texts";
        case TIME -> "times";
      };
      cols.add(col(map).getItem(k).as(TRAIT + k));
    });
    Dataset<Row> out = traits.select(cols.toArray(Column[]::new));
    if (profiles == null || attributes.isEmpty()) {
      return out;
    }
    List<Column> p = new ArrayList<>();
    p.add(col("person_id").as("profile_person_id"));
    attributes.forEach(a -> p.add(col(a).as(PROFILE + a)));
    return out.join(profiles.select(p.toArray(Column[]::new)), col("person_id").equalTo(col("profile_person_id")), "left")
        .drop("profile_person_id");
  }

  /**
   * RFM quintiles among buyers. Input: {@link #input} with the traits of {@code rfm}. A buyer is a person whose
   * frequency (the frequency traits summed, absent = 0) is above 0; others get no RFM row. Output: rows of
   * rfm_recency (from minus the recency trait: fewer days is better; a buyer without it gets no recency row),
   * rfm_frequency and rfm_monetary (the traits summed, absent = 0), each by {@link #quintiles}.
   */
  public static Dataset<Row> rfm(Dataset<Row> input, Rfm rfm) {
    Column frequency = total(rfm.frequency());
    Dataset<Row> buyers = input.where(frequency.gt(0)).select(col("person_id"), explode(array(
        struct(lit("rfm_recency").as("score"), lit(0.0).minus(col(TRAIT + rfm.recency())).as("v")),
        struct(lit("rfm_frequency").as("score"), frequency.as("v")),
        struct(lit("rfm_monetary").as("score"), total(rfm.monetary()).as("v")))).as("s"))
        .select(col("person_id"), col("s.score").as("score"), col("s.v").as("v"));
    return quintiles(buyers);
  }

  /**
   * Quintiles 1..5 per score, higher values in higher quintiles: 1 + floor(5 x (w + t / 2) / n) where w is the
   * number of the score's rows with a strictly lower value, t the number with the same value (the row itself
   * included) and n the score's rows. Without ties these are equal-sized quintiles; a tie shares the quintile
   * of its middle row, so neither a bottom tie (the many one-purchase buyers) is pushed to 1 nor a top tie
   * (everybody who bought on the run date) kept from 5. Input: {@code person_id, score, v} (rows with a null v
   * left out). Output: {@code person_id, score, value}.
   */
  public static Dataset<Row> quintiles(Dataset<Row> rows) {
    Column lower = rank().over(Window.partitionBy(col("score")).orderBy(col("v"))).minus(1);
    Column tied = count(lit(1)).over(Window.partitionBy(col("score"), col("v")));
    Column n = count(lit(1)).over(Window.partitionBy(col("score")));
    Column middle = lower.plus(tied.divide(2.0)).multiply(5).divide(n);
    return rows.where(col("v").isNotNull())
        .select(col("person_id"), col("score"), lit(1).plus(floor(middle)).cast("double").as("value"));
  }

  /**
   * Points of each plan. Input: {@link #input} with the columns the plans' conditions read. Output: one row per
   * person and plan, the value being the sum of the points of the rules that hold (0.0 when none does; a
   * condition on a missing value is false).
   */
  public static Dataset<Row> plans(Dataset<Row> input, List<CompiledPlan> plans) {
    if (plans.isEmpty()) {
      return input.select(col("person_id"), lit(null).cast("string").as("score"), lit(null).cast("double").as("value")).where(lit(false));
    }
    List<Column> scores = new ArrayList<>();
    for (CompiledPlan p : plans) {
      Column points = lit(0.0);
      for (int i = 0; i < p.conditions().size(); i++) {
        points = points.plus(when(expr(p.conditions().get(i)), lit(p.points().get(i))).otherwise(lit(0.0)));
      }
      scores.add(struct(lit(p.name()).as("score"), points.as("value")));
    }
    return longForm(input, scores);
  }

  /**
   * Marketing pressure. Input: {@link #input} with {@code trait__<contact>_<N>d} for every contact and N in
   * {@link ScoresConfig#PRESSURE_WINDOWS}. Output: {@code pressure_7d} and {@code pressure_30d} for every person,
   * the contacts of the window summed (absent = 0).
   */
  public static Dataset<Row> pressure(Dataset<Row> input, List<String> contacts) {
    List<Column> scores = new ArrayList<>();
    for (int w : ScoresConfig.PRESSURE_WINDOWS) {
      scores.add(struct(lit("pressure_" + w + "d").as("score"), total(contacts.stream().map(c -> c + "_" + w + "d").toList()).as("value")));
    }
    return longForm(input, scores);
  }

  /**
   * The model's features of gold.traits rows. Input: {@code person_id, numbers} and any other columns. Output:
   * the same plus {@code f__<key>} = log(1 + max(numbers[key], 0)), 0 when the key is absent.
   */
  public static Dataset<Row> features(Dataset<Row> traits, List<String> keys) {
    Dataset<Row> out = traits;
    for (String k : keys) {
      out = out.withColumn(FEATURE + k, log1p(greatest(coalesce(col("numbers").getItem(k), lit(0.0)), lit(0.0))));
    }
    return out;
  }

  /**
   * Labelled examples of the feature nights {@code from..to}. Input: gold.traits rows ({@code person_id, numbers,
   * run_date}) of the nights from..to + horizon. Output: {@code person_id, feature_night, f__<feature>...,
   * label} (1.0 when the label traits summed on the night feature_night + horizon are above 0, else 0.0, also
   * when the person has no row that night: no event, so no purchase); grain: one row per person and feature night.
   */
  public static Dataset<Row> examples(Dataset<Row> history, LocalDate from, LocalDate to, Propensity p) {
    Dataset<Row> nights = features(history.where(col("run_date").between(lit(from), lit(to))), p.features())
        .withColumnRenamed("run_date", "feature_night").drop("numbers", "texts", "times", "conf_version", "computed_on");
    Column bought = sumOf(p.label().stream().map(k -> col("numbers").getItem(k)).toList()).gt(0);
    Dataset<Row> labels = history.where(col("run_date").between(lit(from.plusDays(p.horizonDays())), lit(to.plusDays(p.horizonDays()))))
        .select(col("person_id").as("l_person_id"), date_sub(col("run_date"), p.horizonDays()).as("l_night"),
            when(bought, 1.0).otherwise(0.0).as("l_label"));
    return nights.join(labels, col("person_id").equalTo(col("l_person_id")).and(col("feature_night").equalTo(col("l_night"))), "left")
        .withColumn("label", coalesce(col("l_label"), lit(0.0)))
        .drop("l_person_id", "l_night", "l_label");
  }

  /**
   * The propensity scores of the night. Input: {@code person_id, probability} (DOUBLE, one row per person).
   * Output: {@code propensity} (the probability) and {@code propensity_percentile} (percent_rank of the
   * probability among the night's scored persons x 100: 0 the lowest, 100 the highest; ties share a value).
   */
  public static Dataset<Row> propensity(Dataset<Row> scored) {
    Column percentile = percent_rank().over(Window.orderBy(col("probability"))).multiply(100.0);
    return longForm(scored.withColumn("percentile", percentile),
        List.of(struct(lit("propensity").as("score"), col("probability").as("value")),
            struct(lit("propensity_percentile").as("score"), col("percentile").as("value"))));
  }

  /**
   * Calibration by deciles of the predicted probability. Input: {@code person_id, feature_night, label,
   * probability}. Output: {@code bucket} (1..10, equal-count deciles of probability, ties broken by person and
   * night), {@code predicted} (mean probability), {@code observed} (share of positives), {@code n}; one row per
   * non-empty bucket.
   */
  public static Dataset<Row> calibration(Dataset<Row> predictions) {
    Column decile = ntile(10).over(Window.orderBy(col("probability"), col("person_id"), col("feature_night")));
    return predictions.withColumn("bucket", decile).groupBy(col("bucket"))
        .agg(avg(col("probability")).as("predicted"), avg(col("label")).as("observed"), count(lit(1)).as("n"))
        .orderBy(col("bucket"));
  }

  /** Rows {@code person_id, score, value} from one struct(score, value) per score. */
  private static Dataset<Row> longForm(Dataset<Row> frame, List<Column> scores) {
    return frame.select(col("person_id"), explode(array(scores.toArray(Column[]::new))).as("s"))
        .select(col("person_id"), col("s.score").as("score"), col("s.value").cast("double").as("value"));
  }

  /** The input columns of the keys summed, absent = 0. */
  private static Column total(List<String> keys) {
    return sumOf(keys.stream().map(k -> col(TRAIT + k)).toList());
  }

  /** The values summed, a null counting 0. */
  private static Column sumOf(List<Column> values) {
    Column sum = lit(0.0);
    for (Column v : values) {
      sum = sum.plus(coalesce(v.cast("double"), lit(0.0)));
    }
    return sum;
  }
}
