package org.opendmp.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.score.ScoresConfig.Propensity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The propensity model's life: trained on older nights of gold.traits when due, saved under {@code
 * <lake_root>/models/propensity/<run_date>} (a Spark ML pipeline: feature assembler + logistic regression), and
 * the latest one on or before a night used to score it. Training and scoring are actions: they belong to the
 * job, not to {@link ScoreFrames}.
 */
final class PropensityModels {
  static final String MODEL = "propensity";
  private static final Logger LOG = LoggerFactory.getLogger(PropensityModels.class);

  private PropensityModels() {}

  /**
   * The nights a training on {@code date} uses: feature nights {@code trainFrom..trainTo} and {@code
   * testFrom..testTo}, labels read up to testTo + horizon = the run date. The training split ends horizon nights
   * before the test split starts, so no purchase is the label of both a training and a test example.
   */
  record Split(LocalDate trainFrom, LocalDate trainTo, LocalDate testFrom, LocalDate testTo) {
    static Split of(LocalDate date, Propensity p) {
      LocalDate testTo = date.minusDays(p.horizonDays());
      LocalDate testFrom = testTo.minusDays(p.testDays() - 1L);
      return new Split(testTo.minusDays(p.historyDays() - 1L), testFrom.minusDays(p.horizonDays()), testFrom, testTo);
    }
  }

  /** The model folder of a night. */
  static String path(Lake lake, LocalDate date) {
    String root = lake.env().lakeRoot().endsWith("/") ? lake.env().lakeRoot() : lake.env().lakeRoot() + "/";
    return root + "models/" + MODEL + "/" + date;
  }

  /** The night of the latest saved model on or before {@code date} ({@code strictly}: before it), if any. */
  static Optional<LocalDate> latest(Lake lake, LocalDate date, boolean strictly) {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(path(lake, date)).getParent();
    try {
      FileSystem fs = dir.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(dir)) {
        return Optional.empty();
      }
      List<LocalDate> nights = new ArrayList<>();
      for (FileStatus s : fs.listStatus(dir)) {
        try {
          LocalDate d = LocalDate.parse(s.getPath().getName());
          // a folder without the pipeline's metadata is a save that did not finish
          if (s.isDirectory() && fs.exists(new org.apache.hadoop.fs.Path(s.getPath(), "metadata")) && (strictly ? d.isBefore(date) : !d.isAfter(date))) {
            nights.add(d);
          }
        } catch (DateTimeParseException notAModel) {
          // other folders are not ours to judge
        }
      }
      return nights.stream().max(LocalDate::compareTo);
    } catch (IOException e) {
      throw new DmpException("Cannot list the propensity models: " + e.getMessage() + " (" + dir + ")", e);
    }
  }

  /** Whether tonight trains: no model before it, or the latest one at least retrain_every_days old. */
  static boolean due(Lake lake, LocalDate date, Propensity p) {
    return latest(lake, date, true).map(d -> !d.plusDays(p.retrainEveryDays()).isAfter(date)).orElse(true);
  }

  /**
   * Trains tonight's model from gold.traits and saves it, or refuses below min_positives (or when the test
   * split cannot be evaluated). Returns the gold.model_reports row either way.
   */
  static Row train(Lake lake, LocalDate date, Propensity p) {
    Split s = Split.of(date, p);
    Dataset<Row> history = lake.read(Tables.TRAITS).where(col("run_date").between(lit(s.trainFrom()), lit(date)))
        .select("person_id", "numbers", "run_date");
    // Sorted within fixed partitions: the solver sums in row order, so a re-run fits the very same model.
    Dataset<Row> examples = ScoreFrames.examples(history, s.trainFrom(), s.testTo(), p)
        .where(col("feature_night").leq(lit(s.trainTo())).or(col("feature_night").geq(lit(s.testFrom()))))
        .repartition(2, col("person_id")).sortWithinPartitions("person_id", "feature_night")
        .persist(StorageLevel.MEMORY_AND_DISK());
    Row c = examples.agg(
        sum(when(col("feature_night").leq(lit(s.trainTo())), 1L).otherwise(0L)),
        sum(when(col("feature_night").leq(lit(s.trainTo())), col("label")).otherwise(0.0)),
        sum(when(col("feature_night").geq(lit(s.testFrom())), 1L).otherwise(0L)),
        sum(when(col("feature_night").geq(lit(s.testFrom())), col("label")).otherwise(0.0)),
        count(lit(1))).first();
    long trainRows = c.isNullAt(0) ? 0 : c.getLong(0);
    long positives = c.isNullAt(1) ? 0 : (long) c.getDouble(1);
    long testRows = c.isNullAt(2) ? 0 : c.getLong(2);
    long testPositives = c.isNullAt(3) ? 0 : (long) c.getDouble(3);
    String refused = null;
    if (positives < p.minPositives()) {
      refused = "Cannot train " + MODEL + ": " + positives + " positive examples in the training nights " + s.trainFrom() + " to "
          + s.trainTo() + " (" + trainRows + " examples), fewer than min_positives " + p.minPositives()
          + " (conf/scores.yaml propensity.min_positives; more history, a longer horizon or a lower minimum)";
    } else if (testPositives == 0 || testPositives == testRows) {
      refused = "Cannot evaluate " + MODEL + ": the test nights " + s.testFrom() + " to " + s.testTo() + " hold " + testRows
          + " examples, " + testPositives + " positive: AUC needs both classes (conf/scores.yaml propensity.test_days)";
    }
    if (refused != null) {
      LOG.warn("{}; no model trained on {}", refused, date);
      examples.unpersist();
      return report(date, "refused", refused, s, trainRows, testRows, positives, null, List.of(), p.features());
    }
    PipelineModel model = fit(examples.where(col("feature_night").leq(lit(s.trainTo()))), p);
    try {
      model.write().overwrite().save(path(lake, date));
    } catch (IOException e) {
      throw new DmpException("Cannot save the " + MODEL + " model: " + e.getMessage() + " (" + path(lake, date) + ")", e);
    }
    // Scored with the saved model, as later nights are: the fitted one keeps its training summary, which holds the
    // session, and a session that has run an Observation (every job's counts) cannot be serialized into a task
    PipelineModel saved = load(lake, date);
    Dataset<Row> test = probability(saved.transform(examples.where(col("feature_night").geq(lit(s.testFrom())))))
        .persist(StorageLevel.MEMORY_AND_DISK());
    double auc = new BinaryClassificationEvaluator().setLabelCol("label").setRawPredictionCol("rawPrediction")
        .setMetricName("areaUnderROC").evaluate(test);
    List<Row> calibration = ScoreFrames.calibration(test.select("person_id", "feature_night", "label", "probability"))
        .collectAsList().stream()
        .map(r -> RowFactory.create(r.getInt(0), r.getDouble(1), r.getDouble(2), r.getLong(3))).toList();
    test.unpersist();
    examples.unpersist();
    String message = "trained: logistic regression on " + p.features().size() + " features, horizon " + p.horizonDays()
        + " nights, test AUC " + String.format(java.util.Locale.ROOT, "%.3f", auc) + "; saved at " + path(lake, date);
    LOG.info("{} {}", MODEL, message);
    return report(date, "trained", message, s, trainRows, testRows, positives, auc, calibration, p.features());
  }

  private static PipelineModel fit(Dataset<Row> train, Propensity p) {
    String[] inputs = p.features().stream().map(f -> ScoreFrames.FEATURE + f).toArray(String[]::new);
    VectorAssembler assembler = new VectorAssembler().setInputCols(inputs).setOutputCol("features");
    // L-BFGS from zero coefficients: no random state, the same data gives the same model.
    LogisticRegression lr = new LogisticRegression().setLabelCol("label").setFeaturesCol("features")
        .setMaxIter(p.maxIter()).setRegParam(p.regParam()).setElasticNetParam(0.0).setStandardization(true);
    return new Pipeline().setStages(new PipelineStage[] {assembler, lr}).fit(train);
  }

  /** The model saved for that night. */
  static PipelineModel load(Lake lake, LocalDate night) {
    return PipelineModel.load(path(lake, night));
  }

  /** The trait keys a saved model reads (its assembler's inputs without the prefix). */
  static List<String> features(PipelineModel model) {
    return Arrays.stream(((VectorAssembler) model.stages()[0]).getInputCols()).map(c -> c.substring(ScoreFrames.FEATURE.length())).toList();
  }

  /** {@code person_id, probability} of gold.traits rows of a night under the model. */
  static Dataset<Row> score(PipelineModel model, Dataset<Row> traits) {
    return probability(model.transform(ScoreFrames.features(traits.select("person_id", "numbers"), features(model))))
        .select("person_id", "probability");
  }

  /** The model's output with {@code probability} as the positive class's probability (DOUBLE). */
  private static Dataset<Row> probability(Dataset<Row> transformed) {
    return transformed.withColumn("probability", org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64").getItem(1));
  }

  private static Row report(LocalDate date, String status, String message, Split s, long trainRows, long testRows, long positives, Double auc,
      List<Row> calibration, List<String> features) {
    return RowFactory.create(MODEL, status, message, s.trainFrom(), s.trainTo(), s.testFrom(), s.testTo(), trainRows, testRows,
        positives, auc, calibration, features, null, null, date);
  }
}
