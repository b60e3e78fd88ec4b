package org.opendmp.jobs.identity.probabilistic;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.ColumnSpec;
import org.opendmp.jobs.identity.probabilistic.ModelParams.ColumnParams;

/**
 * Parameter estimation: u from random pairs, m and the prior by expectation-maximisation over the blocked
 * pairs. Comparison vectors are first counted per distinct pattern in Spark ({@link #patternCounts}, a few
 * hundred rows at most whatever the number of pairs); EM then runs on those counts on the driver.
 *
 * <p>The prior is taken over all possible pairs, not over the blocked ones. u comes from random pairs, so it
 * describes non-matches among all pairs; blocked non-matches agree far more often than that (they share a
 * blocking key). With the prior re-estimated as a share of the blocked pairs, EM explains that excess
 * agreement by calling most blocked pairs matches. Here EM runs as if over every possible pair: a pair the
 * blocking rules did not produce is a non-match (posterior 0), so {@code lambda = sum(posteriors) / all pairs}.
 */
public final class Estimation {
  private Estimation() {}

  /** Below this, a level's m is raised: a level never seen among matches must not weigh minus infinity. */
  static final double MIN_M = 1e-6;

  static final double TOLERANCE = 1e-7;

  /** The comparison vector's levels and how many pairs have it. */
  public record Pattern(int[] levels, long count) {}

  /**
   * Counts comparison vectors by pattern.
   *
   * <p>Input: {@link Comparisons#vectors} output. Output: {@code g0..gN INT, n LONG}. Grain: one row per distinct
   * pattern.
   */
  public static Dataset<Row> patternCounts(Dataset<Row> vectors, MatchSpec spec) {
    Column[] g = new Column[spec.columns().size()];
    for (int i = 0; i < g.length; i++) {
      g[i] = col(Comparisons.gamma(i));
    }
    return vectors.groupBy(g).agg(count("*").as("n"));
  }

  /** Patterns from collected {@link #patternCounts} rows. */
  public static List<Pattern> patterns(List<Row> rows, int columns) {
    List<Pattern> out = new ArrayList<>();
    for (Row r : rows) {
      int[] levels = new int[columns];
      for (int i = 0; i < columns; i++) {
        levels[i] = r.getInt(i);
      }
      out.add(new Pattern(levels, r.getLong(columns)));
    }
    return out;
  }

  /**
   * Fits the model.
   *
   * @param blocked pattern counts of the candidate (blocked) pairs: EM runs over these
   * @param random pattern counts of random pairs: u per column and level, fixed during EM
   * @param pairSpace all possible pairs (n(n-1)/2 to deduplicate n records; nL*nR to link): the prior is a share
   *     of these. Passing the number of blocked pairs instead reproduces the trap described on this class.
   */
  public static ModelParams fit(List<Pattern> blocked, List<Pattern> random, double pairSpace, List<ColumnSpec> columns, int maxIterations) {
    pairSpace = Math.max(1, pairSpace); // one record alone: no pair, nothing to estimate, no division by zero
    int k = columns.size();
    int[] sizes = new int[k];
    for (int i = 0; i < k; i++) {
      sizes[i] = columns.get(i).levels().size() + 1;
    }
    List<Pattern> sorted = new ArrayList<>(blocked);
    // A fixed order makes the floating-point sums, hence the model, the same on every run.
    sorted.sort(Comparator.comparing(Pattern::levels, Arrays::compare));
    double[][] u = u(random, sizes);
    double[][] m = new double[k][];
    for (int i = 0; i < k; i++) {
      m[i] = new double[sizes[i]];
      for (int l = 0; l < sizes[i]; l++) {
        m[i][l] = Math.pow(2, -l); // matches mostly agree: best level first, halving down to "else"
      }
      normalise(m[i]);
    }
    long blockedPairs = sorted.stream().mapToLong(Pattern::count).sum();
    double lambda = clamp(0.1 * blockedPairs / pairSpace);
    int iteration = 0;
    boolean converged = false;
    while (iteration < maxIterations && !converged) {
      iteration++;
      double[][] mass = new double[k][];
      for (int i = 0; i < k; i++) {
        mass[i] = new double[sizes[i]];
      }
      double matches = 0;
      double prior = Math.log(lambda / (1 - lambda));
      for (Pattern p : sorted) {
        double logit = prior;
        for (int i = 0; i < k; i++) {
          int l = p.levels()[i];
          if (l >= 0) {
            logit += Math.log(m[i][l] / u[i][l]);
          }
        }
        double w = p.count() / (1 + Math.exp(-logit));
        matches += w;
        for (int i = 0; i < k; i++) {
          int l = p.levels()[i];
          if (l >= 0) {
            mass[i][l] += w;
          }
        }
      }
      double change = 0;
      for (int i = 0; i < k; i++) {
        double total = Arrays.stream(mass[i]).sum();
        if (total <= 0) {
          continue; // no non-null value among the pairs EM thinks match: keep the current m
        }
        double[] next = new double[sizes[i]];
        for (int l = 0; l < sizes[i]; l++) {
          next[l] = Math.max(mass[i][l] / total, MIN_M);
        }
        normalise(next);
        for (int l = 0; l < sizes[i]; l++) {
          change = Math.max(change, Math.abs(next[l] - m[i][l]));
        }
        m[i] = next;
      }
      double nextLambda = clamp(matches / pairSpace);
      change = Math.max(change, Math.abs(nextLambda - lambda) / lambda);
      lambda = nextLambda;
      converged = change < TOLERANCE;
    }
    List<ColumnParams> params = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      params.add(new ColumnParams(columns.get(i).name(), columns.get(i).labels(), boxed(m[i]), boxed(u[i])));
    }
    long randomPairs = random.stream().mapToLong(Pattern::count).sum();
    return new ModelParams(lambda, pairSpace, blockedPairs, randomPairs, iteration, converged, params);
  }

  /** u per column and level: the share of random pairs (with both values present) in each level, smoothed. */
  static double[][] u(List<Pattern> random, int[] sizes) {
    double[][] u = new double[sizes.length][];
    for (int i = 0; i < sizes.length; i++) {
      u[i] = new double[sizes[i]];
      Arrays.fill(u[i], 0.5); // half a pair per level: a level never seen by chance is rare, not impossible
    }
    for (Pattern p : random) {
      for (int i = 0; i < sizes.length; i++) {
        int l = p.levels()[i];
        if (l >= 0) {
          u[i][l] += p.count();
        }
      }
    }
    for (double[] col : u) {
      normalise(col);
    }
    return u;
  }

  private static void normalise(double[] v) {
    double s = Arrays.stream(v).sum();
    for (int i = 0; i < v.length; i++) {
      v[i] /= s;
    }
  }

  private static double clamp(double lambda) {
    return Math.min(1 - 1e-9, Math.max(1e-12, lambda));
  }

  private static List<Double> boxed(double[] v) {
    return Arrays.stream(v).boxed().toList();
  }
}
