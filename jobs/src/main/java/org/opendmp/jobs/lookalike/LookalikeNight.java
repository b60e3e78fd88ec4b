package org.opendmp.jobs.lookalike;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.lookalike.LookalikeConfig.Model;
import org.opendmp.jobs.profile.TraitsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model on one night: seed and population, features, roles, fit, scores, and the gold.model_reports row
 * (AUC on the held-out rows, recall and lift at the top 1/5/10%, the 21-row reach/accuracy table, reach targets,
 * importances). Recall at the top k% is the share of held-out seed members scoring at or above the published
 * population's top-k% cut; lift is that recall divided by k% (a random audience of k% holds k% of them).
 */
final class LookalikeNight {
  private static final Logger LOG = LoggerFactory.getLogger(LookalikeNight.class);
  /** Partner codes become features up to this many (the most widespread first would need a pass: sorted codes). */
  static final int MAX_PARTNER_CODES = 200;

  private final Lake lake;
  private final LocalDate date;
  private final LocalDate seedNight;
  private final Model m;
  private final TraitsConfig traits;

  /** What a model did tonight: the report row, the rows to publish (null when skipped), run-summary details. */
  record Outcome(Row report, Dataset<Row> published, Map<String, Object> summary) {}

  LookalikeNight(Lake lake, LocalDate date, LocalDate seedNight, Model m, TraitsConfig traits) {
    this.lake = lake;
    this.date = date;
    this.seedNight = seedNight;
    this.m = m;
    this.traits = traits;
  }

  Outcome run(Dataset<Row> profiles, Dataset<Row> traitsNight, Dataset<Row> scoresNight) {
    Dataset<Row> seed = lake.readDate(Tables.SEGMENT_MEMBERSHIP, seedNight).where(col("segment_id").equalTo(m.seedSegment()))
        .select(col("person_id").as("seed_person_id")).distinct();
    Dataset<Row> eligible = LookalikeFrames.eligible(profiles, date, m).select(col("person_id").as("e_person_id"));
    Dataset<Row> persons = profiles.select("person_id")
        .join(seed, col("person_id").equalTo(col("seed_person_id")), "left")
        .join(eligible, col("person_id").equalTo(col("e_person_id")), "left")
        .select(col("person_id"), col("seed_person_id").isNotNull().as("is_seed"), col("e_person_id").isNotNull().as("is_eligible"))
        .where(col("is_seed").or(col("is_eligible")));
    List<String> features = new ArrayList<>(LookalikeConfig.knownFeatures(m, traits));
    if (m.features().contains("partner_segments")) {
      features.addAll(partnerFeatures(profiles.join(persons, "person_id")));
    }
    Dataset<Row> frame = LookalikeFrames.features(persons, profiles, traitsNight, scoresNight, features).localCheckpoint();

    Column held = LookalikeFrames.draw(m.id(), m.randomSeed(), "holdout").lt(m.holdoutShare());
    Row c = frame.agg(sum(when(col("is_seed"), 1L).otherwise(0L)), sum(when(col("is_seed").and(held), 1L).otherwise(0L)),
        sum(when(col("is_seed").equalTo(false), 1L).otherwise(0L)), sum(when(col("is_seed").equalTo(false).and(held), 1L).otherwise(0L))).first();
    long seedSize = c.isNullAt(0) ? 0 : c.getLong(0);
    long seedHeld = c.isNullAt(1) ? 0 : c.getLong(1);
    long others = c.isNullAt(2) ? 0 : c.getLong(2);
    long othersHeld = c.isNullAt(3) ? 0 : c.getLong(3);
    Map<String, Double> sizes = new LinkedHashMap<>();
    sizes.put("seed_size", (double) seedSize);
    sizes.put("population_size", (double) others);
    String where = " (conf/lookalike.yaml model " + m.id() + ")";
    if (seedSize < m.minSeedSize()) {
      return skipped(m, date, "Skipped " + m.id() + ": the seed segment " + m.seedSegment() + " had " + seedSize + " members on " + seedNight
          + " with a profile tonight, fewer than min_seed_size " + m.minSeedSize() + where, sizes);
    }
    if (seedHeld == 0 || seedHeld == seedSize || othersHeld == 0 || othersHeld == others) {
      return skipped(m, date, "Skipped " + m.id() + ": cannot hold out part of the seed (" + seedHeld + " of " + seedSize
          + ") and of the population (" + othersHeld + " of " + others + ") with holdout_share " + m.holdoutShare() + where, sizes);
    }
    double negativeShare = Math.min(1.0, m.negativesPerSeed() * (seedSize - seedHeld) / (others - othersHeld));
    Dataset<Row> examples = LookalikeFrames.roles(frame, m, negativeShare);
    Dataset<Row> train = examples.where(col("role").equalTo(LookalikeFrames.TRAIN)).localCheckpoint();

    PipelineModel model = LookalikeModels.fitAndSave(train, m, features, lake, date);
    Dataset<Row> scored = LookalikeModels.score(model, examples).select("person_id", "is_seed", "is_eligible", "label", "role", "score")
        .localCheckpoint();
    Dataset<Row> published = LookalikeFrames.published(scored, m).localCheckpoint();
    Dataset<Row> holdout = scored.where(col("role").equalTo(LookalikeFrames.HOLDOUT));
    Row aucRow = LookalikeFrames.auc(holdout).first();
    Double auc = aucRow.isNullAt(0) ? null : aucRow.getDouble(0);

    Row cuts = LookalikeFrames.cuts(published, m.reachTargets()).first();
    int steps = LookalikeFrames.TOP_PERCENTS.size();
    List<Double> minScores = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      minScores.add(cuts.isNullAt(cuts.fieldIndex("min_score_" + i)) ? null : cuts.getDouble(cuts.fieldIndex("min_score_" + i)));
    }
    for (long n : m.reachTargets()) {
      int f = cuts.fieldIndex("target_score_" + n);
      minScores.add(cuts.isNullAt(f) ? null : cuts.getDouble(f));
    }
    Row rec = LookalikeFrames.recalls(holdout.where(col("is_seed")), minScores).first();
    long heldSeed = rec.getLong(0);

    Map<String, Double> metrics = new LinkedHashMap<>(sizes);
    metrics.put("published", (double) cuts.getLong(cuts.fieldIndex("population")));
    metrics.put("train_positives", (double) (seedSize - seedHeld));
    metrics.put("holdout_positives", (double) seedHeld);
    metrics.put("holdout_negatives", (double) othersHeld);
    metrics.put("negative_share", negativeShare);
    List<Row> reach = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      double top = LookalikeFrames.TOP_PERCENTS.get(i);
      double recall = (double) rec.getLong(1 + i) / heldSeed;
      double lift = recall / (top / 100.0);
      reach.add(RowFactory.create(i + 1, top, 100.0 - top, cuts.getLong(cuts.fieldIndex("reach_" + i)), recall, lift));
      if (top == 1.0 || top == 5.0 || top == 10.0) {
        String k = String.valueOf((int) top);
        metrics.put("recall_top_" + k + "pct", recall);
        metrics.put("lift_top_" + k + "pct", lift);
      }
    }
    for (int j = 0; j < m.reachTargets().size(); j++) {
      long n = m.reachTargets().get(j);
      int f = cuts.fieldIndex("target_percentile_" + n);
      metrics.put("reach_" + n + "_min_percentile", cuts.isNullAt(f) ? null : cuts.getDouble(f));
      metrics.put("reach_" + n + "_recall", (double) rec.getLong(1 + steps + j) / heldSeed);
    }
    LinkedHashMap<String, Double> importances = LookalikeModels.importances(model, train, features);
    importances.forEach((f, w) -> metrics.put("importance:" + f, w));
    List<String> top = importances.keySet().stream().limit(10).toList();
    long trainRows = train.count();
    String message = String.format(Locale.ROOT, "trained: %s on %d features, seed %d (%d held out) of %s on %s, AUC %.3f, lift at top 10%% %.2f;"
        + " saved at %s", m.algorithm(), features.size(), seedSize, seedHeld, m.seedSegment(), seedNight, auc,
        metrics.get("lift_top_10pct"), LookalikeModels.path(lake, m.id(), date));
    LOG.info("lookalike {} {}", m.id(), message);
    Row report = RowFactory.create(m.reportName(), "trained", message, seedNight, date, null, null, trainRows, seedHeld + othersHeld,
        seedSize - seedHeld, auc, null, top, metrics, reach, date);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("status", "trained");
    summary.put("auc", auc);
    summary.put("seed", seedSize);
    summary.put("published", metrics.get("published"));
    summary.put("lift_top_10pct", metrics.get("lift_top_10pct"));
    return new Outcome(report, published, summary);
  }

  /** A model that does not train tonight: its report row with the reason, nothing published. */
  static Outcome skipped(Model m, LocalDate date, String reason, Map<String, Double> sizes) {
    LOG.warn("{}", reason);
    Row report = RowFactory.create(m.reportName(), "skipped", reason, null, date, null, null, 0L, 0L, sizes.getOrDefault("seed_size", 0.0).longValue(),
        null, null, List.of(), new LinkedHashMap<>(sizes), null, date);
    return new Outcome(report, null, Map.of("status", "skipped", "reason", reason));
  }

  /** {@code partner.<code>} of the codes the persons' profiles hold tonight, sorted, at most {@link #MAX_PARTNER_CODES}. */
  private List<String> partnerFeatures(Dataset<Row> profiles) {
    TreeSet<String> codes = new TreeSet<>();
    for (Row r : profiles.select(org.apache.spark.sql.functions.explode(col("partner_segments")).as("code")).distinct().collectAsList()) {
      codes.add(r.getString(0));
    }
    return codes.stream().map(code -> "partner." + code).filter(f -> m.excludeFeatures().stream().noneMatch(x -> LookalikeConfig.excludes(x, f)))
        .limit(MAX_PARTNER_CODES).toList();
  }
}
