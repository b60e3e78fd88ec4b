package org.opendmp.jobs.lookalike;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.quality.QualityGate;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.lookalike.LookalikeConfig.Model;
import org.opendmp.jobs.profile.TraitsConfig;
import org.opendmp.jobs.segment.SegmentsConfig;

/**
 * {@code lookalike}: every model of conf/lookalike.yaml is trained on its seed (the seed segment's members on the
 * latest night of gold.segment_membership before the run date) against a sample of its population, scores every
 * eligible person into gold.lookalike_scores and reports in gold.model_reports; a model whose seed is too small is
 * skipped with its reason and the night succeeds. See README "Look-alike models".
 */
public final class Lookalike implements Job {
  @Override
  public void check(EnvConfig env) {
    conf(env);
  }

  /** conf/lookalike.yaml checked against conf/traits.yaml and conf/segments.yaml. */
  public static LookalikeConfig conf(EnvConfig env) {
    return LookalikeConfig.load(env.conf("lookalike.yaml"), TraitsConfig.load(env.conf("traits.yaml")), SegmentsConfig.load(env.conf("segments.yaml")));
  }

  @Override
  public RunSummary run(JobContext ctx) {
    return run(ctx, TraitsConfig.load(ctx.conf("traits.yaml")), conf(ctx.env()));
  }

  /** The night with explicit configs (tests). */
  public static RunSummary run(JobContext ctx, TraitsConfig traits, LookalikeConfig conf) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();

    ctx.stage("inputs of the night");
    Dataset<Row> profiles = lake.readDate(Tables.PROFILES, date);
    if (!conf.models().isEmpty() && profiles.isEmpty()) {
      throw new DmpException("Cannot train look-alike models: gold.profiles has no rows for " + date + " (run the profiles job for that night first)");
    }
    Optional<LocalDate> seedNight = previousMembership(lake, date);
    Dataset<Row> traitsNight = lake.readDate(Tables.TRAITS, date).select("person_id", "numbers");
    Dataset<Row> scoresNight = lake.readDate(Tables.SCORES, date).select("person_id", "score", "value");

    List<Row> reports = new ArrayList<>();
    Dataset<Row> published = null;
    Map<String, Object> perModel = new LinkedHashMap<>();
    for (Model m : conf.models()) {
      ctx.stage("model " + m.id());
      LookalikeNight.Outcome o = seedNight.isEmpty()
          ? LookalikeNight.skipped(m, date, "Skipped " + m.id() + ": no night of gold.segment_membership before " + date
              + " to read the seed segment " + m.seedSegment() + " from (the segments job has not run yet)", Map.of())
          : new LookalikeNight(lake, date, seedNight.get(), m, traits).run(profiles, traitsNight, scoresNight);
      reports.add(o.report());
      perModel.put(m.id(), o.summary());
      if (o.published() != null) {
        published = published == null ? o.published() : published.unionByName(o.published());
      }
    }
    if (published == null) {
      published = lake.spark().createDataFrame(List.of(), Tables.LOOKALIKE_SCORES.schema()).drop("run_date");
    }
    published = published.localCheckpoint();

    ctx.stage("quality and publish");
    Row q = published.agg(count(lit(1)), sum(when(col("person_id").isNull().or(col("score").isNull()).or(col("score").isNaN()), 1L).otherwise(0L))).first();
    long rows = q.getLong(0);
    long distinct = published.select("person_id", "model_id").distinct().count();
    long bad = q.isNullAt(1) ? 0 : q.getLong(1);
    String table = Tables.LOOKALIKE_SCORES.fullName();
    new QualityGate(ctx.job(), date)
        .check(table, "person_model_unique", QualityGate.Level.ERROR, rows == distinct, rows - distinct, "0", "persons scored twice by a model")
        .check(table, "score_not_null", QualityGate.Level.ERROR, bad == 0, bad, "0", "rows without a person or a score")
        .enforce(lake);
    lake.replaceDate(Tables.LOOKALIKE_SCORES, date, published);
    if (!reports.isEmpty()) {
      // only the look-alike rows of the night: the scores job writes the propensity row
      lake.replaceDateWhere(Tables.MODEL_REPORTS, date, "model LIKE 'lookalike.%'",
          lake.spark().createDataFrame(reports, Tables.MODEL_REPORTS.schema()));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("seed_night", seedNight.map(LocalDate::toString).orElse(null));
    details.put("models", perModel);
    return new RunSummary(ctx.job(), date, rows, rows, 0, details);
  }

  /** The latest night before {@code date} with a gold.segment_membership partition, if any. */
  static Optional<LocalDate> previousMembership(Lake lake, LocalDate date) {
    Row r = lake.read(Tables.SEGMENT_MEMBERSHIP).where(col("run_date").lt(lit(date))).agg(max(col("run_date"))).first();
    return r.isNullAt(0) ? Optional.empty() : Optional.of(r.getLocalDate(0));
  }
}
