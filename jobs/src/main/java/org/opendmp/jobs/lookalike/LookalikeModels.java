package org.opendmp.jobs.lookalike;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.stddev_pop;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Lake;
import org.opendmp.jobs.lookalike.LookalikeConfig.Algorithm;
import org.opendmp.jobs.lookalike.LookalikeConfig.Model;

/**
 * A look-alike model's life in one night: fitted (Spark ML pipeline: feature assembler + logistic regression or
 * gradient-boosted trees), saved under {@code <lake_root>/models/lookalike/<model_id>/<run_date>}, reloaded and
 * used to score. Scoring uses the reloaded model, as the scores job does: a fitted model keeps its training
 * summary, which holds the session, and a session that has run an Observation cannot be serialized into a task.
 */
final class LookalikeModels {
  private LookalikeModels() {}

  static String path(Lake lake, String modelId, LocalDate date) {
    String root = lake.env().lakeRoot().endsWith("/") ? lake.env().lakeRoot() : lake.env().lakeRoot() + "/";
    return root + "models/lookalike/" + modelId + "/" + date;
  }

  /**
   * Fits on the training rows, saves, and returns the saved model reloaded. The rows are put in a fixed order
   * first (partitions by person, sorted): both solvers sum in row order, so a re-run fits the very same model.
   */
  static PipelineModel fitAndSave(Dataset<Row> train, Model m, List<String> features, Lake lake, LocalDate date) {
    String[] inputs = features.stream().map(LookalikeFrames::column).toArray(String[]::new);
    VectorAssembler assembler = new VectorAssembler().setInputCols(inputs).setOutputCol("features");
    PipelineStage classifier = m.algorithmKind() == Algorithm.GBT
        ? new GBTClassifier().setLabelCol("label").setFeaturesCol("features").setMaxIter(m.maxIter()).setMaxDepth(4).setSeed(m.randomSeed())
        : new LogisticRegression().setLabelCol("label").setFeaturesCol("features").setMaxIter(m.maxIter())
            .setRegParam(m.regParam()).setElasticNetParam(0.0).setStandardization(true);
    Dataset<Row> ordered = train.repartition(2, col("person_id")).sortWithinPartitions("person_id");
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {assembler, classifier}).fit(ordered);
    String where = path(lake, m.id(), date);
    try {
      fitted.write().overwrite().save(where);
    } catch (IOException e) {
      throw new DmpException("Cannot save the look-alike model " + m.id() + ": " + e.getMessage() + " (" + where + ")", e);
    }
    return PipelineModel.load(where);
  }

  /** The rows with {@code score}: the model's probability of the seed class (DOUBLE). */
  static Dataset<Row> score(PipelineModel model, Dataset<Row> rows) {
    return model.transform(rows)
        .withColumn("score", org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64").getItem(1))
        .drop("features", "rawPrediction", "probability", "prediction");
  }

  /**
   * Feature importances, most important first: for the logistic regression |coefficient| x the feature's standard
   * deviation on the training rows (the effect of one typical deviation), for trees MLlib's importances.
   */
  static LinkedHashMap<String, Double> importances(PipelineModel model, Dataset<Row> train, List<String> features) {
    double[] weights;
    Object last = model.stages()[model.stages().length - 1];
    if (last instanceof GBTClassificationModel g) {
      weights = g.featureImportances().toArray();
    } else {
      double[] coefficients = ((LogisticRegressionModel) last).coefficients().toArray();
      Column[] sd = features.stream().map(f -> stddev_pop(col(LookalikeFrames.column(f)))).toArray(Column[]::new);
      Row s = train.agg(sd[0], java.util.Arrays.copyOfRange(sd, 1, sd.length)).first();
      weights = new double[coefficients.length];
      for (int i = 0; i < coefficients.length; i++) {
        weights[i] = Math.abs(coefficients[i]) * (s.isNullAt(i) ? 0.0 : s.getDouble(i));
      }
    }
    List<Map.Entry<String, Double>> ranked = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      // rounded: the deviations are sums in partition order, whose last bits may differ between runs
      ranked.add(Map.entry(features.get(i), Math.round(weights[i] * 1e9) / 1e9));
    }
    ranked.sort(Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue).reversed().thenComparing(Map.Entry::getKey));
    LinkedHashMap<String, Double> out = new LinkedHashMap<>();
    ranked.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
