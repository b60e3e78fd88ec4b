package org.opendmp.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.opendmp.common.DmpException;
import org.opendmp.common.quality.QualityGate;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.profile.TraitsConfig;
import org.opendmp.jobs.score.ScoresConfig.CompiledPlan;

/**
 * {@code scores}: the night's gold.traits (and gold.profiles when a plan reads it) become gold.scores: RFM
 * quintiles, rule-plan points, marketing pressure, and the propensity to purchase under the latest model, which
 * is retrained on older nights of gold.traits when due (report in gold.model_reports). See README "Scores".
 */
public final class Scores implements Job {
  @Override
  public void check(org.opendmp.common.config.EnvConfig env) {
    ScoresConfig.load(env.conf("scores.yaml"), TraitsConfig.load(env.conf("traits.yaml")));
  }

  @Override
  public RunSummary run(JobContext ctx) {
    TraitsConfig traits = TraitsConfig.load(ctx.conf("traits.yaml"));
    return run(ctx, traits, ScoresConfig.load(ctx.conf("scores.yaml"), traits));
  }

  /** The night with explicit configs (tests). */
  public static RunSummary run(JobContext ctx, TraitsConfig traits, ScoresConfig conf) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();

    ctx.stage("the night's traits");
    Dataset<Row> tonight = lake.readDate(Tables.TRAITS, date).select("person_id", "numbers", "texts", "times")
        .persist(StorageLevel.MEMORY_AND_DISK());
    long persons = tonight.count();
    if (persons == 0) {
      throw new DmpException("Cannot compute scores: gold.traits has no rows for " + date + " (run the traits job for that night first)");
    }
    List<CompiledPlan> plans = conf.compiledPlans(traits.keys());
    Dataset<Row> input = ScoreFrames.input(tonight, conf.inputKeys(traits.keys()), profiles(lake, date, conf, traits), conf.profileAttributes(traits.keys()))
        .persist(StorageLevel.MEMORY_AND_DISK());

    ctx.stage("propensity model");
    boolean train = PropensityModels.due(lake, date, conf.propensity());
    Row report = train ? PropensityModels.train(lake, date, conf.propensity()) : null;
    Optional<LocalDate> model = PropensityModels.latest(lake, date, false);

    ctx.stage("scores of the night");
    Dataset<Row> scores = ScoreFrames.rfm(input, conf.rfm()).unionByName(ScoreFrames.plans(input, plans))
        .unionByName(ScoreFrames.pressure(input, conf.pressure().contacts()));
    if (model.isPresent()) {
      scores = scores.unionByName(ScoreFrames.propensity(PropensityModels.score(PropensityModels.load(lake, model.get()), tonight)));
    }
    scores = scores.persist(StorageLevel.MEMORY_AND_DISK());

    ctx.stage("quality checks");
    Map<String, Long> perScore = checked(ctx, scores, model.isPresent());
    long rows = perScore.values().stream().mapToLong(Long::longValue).sum();
    ctx.stage("publish");
    lake.replaceDate(Tables.SCORES, date, scores);
    if (report != null) {
      // only the propensity row: the lookalike job writes its own rows of the night
      lake.replaceDateWhere(Tables.MODEL_REPORTS, date, "model = '" + PropensityModels.MODEL + "'", lake.spark().createDataFrame(List.of(report), Tables.MODEL_REPORTS.schema()));
    }

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("persons", persons);
    details.put("rows_per_score", perScore);
    details.put("plans", plans.size());
    details.put("propensity_trained", report == null ? "not due" : report.getString(1));
    if (report != null) {
      details.put("propensity_message", report.getString(2));
      details.put("propensity_auc", report.isNullAt(10) ? null : report.getDouble(10));
    }
    details.put("propensity_model", model.map(LocalDate::toString).orElse("none"));
    model.ifPresent(d -> details.put("propensity_model_age_days", java.time.temporal.ChronoUnit.DAYS.between(d, date)));
    scores.unpersist();
    input.unpersist();
    tonight.unpersist();
    return new RunSummary(ctx.job(), date, persons, rows, 0, details);
  }

  /**
   * The quality gate of the night's scores (one aggregation): unique and non-null (person_id, score), a value on
   * every row, and a WARN when no propensity model exists yet. Returns the rows per score name.
   */
  private static Map<String, Long> checked(JobContext ctx, Dataset<Row> scores, boolean propensity) {
    long duplicates = 0;
    long nullKeys = 0;
    long nullValues = 0;
    Map<String, Long> perScore = new TreeMap<>();
    for (Row r : scores.groupBy(col("score")).agg(count(lit(1)), count_distinct(col("person_id")),
        sum(when(col("person_id").isNull(), 1L).otherwise(0L)), sum(when(col("value").isNull().or(col("value").isNaN()), 1L).otherwise(0L)))
        .collectAsList()) {
      duplicates += r.getLong(1) - r.getLong(2) - r.getLong(3);
      nullKeys += r.isNullAt(0) ? r.getLong(1) : r.getLong(3);
      nullValues += r.getLong(4);
      perScore.put(String.valueOf(r.getString(0)), r.getLong(1));
    }
    String table = Tables.SCORES.fullName();
    new QualityGate(ctx.job(), ctx.date())
        .check(table, "person_score_unique", QualityGate.Level.ERROR, duplicates == 0, duplicates, "0", "persons with a score more than once")
        .check(table, "person_score_not_null", QualityGate.Level.ERROR, nullKeys == 0, nullKeys, "0", "rows without a person or a score name")
        .check(table, "value_not_null", QualityGate.Level.ERROR, nullValues == 0, nullValues, "0", "scores without a value (null or NaN)")
        .check(table, "propensity_scored", QualityGate.Level.WARN, propensity, propensity ? 1 : 0, "1",
            "no propensity model on or before this night: no propensity scores (see gold.model_reports)")
        .enforce(ctx.lake());
    return perScore;
  }

  /**
   * gold.profiles of the night when a plan reads a profile attribute, else null. A plan that reads one is
   * refused on a night without profiles: scoring everybody as if they had no profile would be silently wrong.
   */
  private static Dataset<Row> profiles(Lake lake, LocalDate date, ScoresConfig conf, TraitsConfig traits) {
    Set<String> attributes = conf.profileAttributes(traits.keys());
    if (attributes.isEmpty()) {
      return null;
    }
    Dataset<Row> profiles = lake.readDate(Tables.PROFILES, date);
    if (profiles.isEmpty()) {
      throw new DmpException("Cannot compute scores: plans read profile." + String.join(", profile.", attributes)
          + " but gold.profiles has no rows for " + date + " (run the profiles job for that night first)");
    }
    return profiles;
  }
}
