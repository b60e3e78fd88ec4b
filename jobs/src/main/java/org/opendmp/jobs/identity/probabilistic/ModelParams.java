package org.opendmp.jobs.identity.probabilistic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fitted Fellegi-Sunter model: the prior and, per column and level, m (how often matches fall in the level)
 * and u (how often random pairs do). Weights are log2 Bayes factors: {@code log2(m/u)}; the null level weighs 0.
 *
 * @param lambda the prior: the probability that two records drawn from all possible pairs match
 * @param pairSpace the number of all possible pairs that {@code lambda} is taken over
 * @param blockedPairs candidate pairs EM ran over
 * @param randomPairs random pairs u was counted on
 * @param iterations EM iterations run
 * @param converged whether EM stopped because the parameters no longer moved
 * @param columns per compared column, in spec order
 */
public record ModelParams(
    double lambda,
    double pairSpace,
    long blockedPairs,
    long randomPairs,
    int iterations,
    boolean converged,
    List<ColumnParams> columns) {

  /**
   * @param name the column
   * @param labels the label of each level (the spec's levels, then "else")
   * @param m per level, the share of matching pairs in it
   * @param u per level, the share of random pairs in it
   */
  public record ColumnParams(String name, List<String> labels, List<Double> m, List<Double> u) {
    public ColumnParams {
      labels = List.copyOf(labels);
      m = List.copyOf(m);
      u = List.copyOf(u);
    }

    /** log2(m/u) of a level; 0 for the null level (-1). */
    public double weight(int level) {
      return level < 0 ? 0.0 : log2(m.get(level) / u.get(level));
    }
  }

  public ModelParams {
    columns = List.copyOf(columns);
  }

  /** The prior as a weight: log2(lambda / (1 - lambda)). */
  public double priorWeight() {
    return log2(lambda / (1 - lambda));
  }

  /** The match weight of a comparison vector (levels per column, -1 for null), without term frequencies. */
  public double matchWeight(int... levels) {
    double w = priorWeight();
    for (int i = 0; i < levels.length; i++) {
      w += columns.get(i).weight(levels[i]);
    }
    return w;
  }

  /** How many matching pairs the model expects among all pairs. */
  public double expectedMatches() {
    return lambda * pairSpace;
  }

  /** The match probability of a total weight. */
  public static double probability(double matchWeight) {
    return 1.0 / (1.0 + Math.pow(2, -matchWeight));
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** The model as JSON (what dmp dedupe writes to model.json), with each level's weight. */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("lambda", lambda);
    root.put("prior_weight", priorWeight());
    root.put("pair_space", pairSpace);
    root.put("expected_matches", expectedMatches());
    root.put("blocked_pairs", blockedPairs);
    root.put("random_pairs", randomPairs);
    root.put("em_iterations", iterations);
    root.put("em_converged", converged);
    List<Object> cols = new ArrayList<>();
    for (ColumnParams c : columns) {
      List<Object> levels = new ArrayList<>();
      for (int l = 0; l < c.labels().size(); l++) {
        Map<String, Object> lv = new LinkedHashMap<>();
        lv.put("level", c.labels().get(l));
        lv.put("m", c.m().get(l));
        lv.put("u", c.u().get(l));
        lv.put("weight", c.weight(l));
        levels.add(lv);
      }
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("column", c.name());
      cm.put("levels", levels);
      cols.add(cm);
    }
    root.put("columns", cols);
    try {
      return new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A model of plain values always serialises", e);
    }
  }
}
