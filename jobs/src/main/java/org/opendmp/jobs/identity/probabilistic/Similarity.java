package org.opendmp.jobs.identity.probabilistic;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Jaro-Winkler similarity, the one string measure Spark lacks ({@code levenshtein} and {@code soundex} are built
 * in). Standard definition: matching window {@code max(len)/2 - 1}, transpositions halved, prefix bonus 0.1 per
 * common leading character up to 4.
 */
public final class Similarity {
  private Similarity() {}

  private static final UserDefinedFunction JARO_WINKLER =
      functions.udf((UDF2<String, String, Double>) Similarity::jaroWinklerOrNull, DataTypes.DoubleType).withName("jaro_winkler");

  /** The Jaro-Winkler similarity of two columns, 0..1; null when either is null. */
  public static Column jaroWinkler(Column a, Column b) {
    return JARO_WINKLER.apply(a, b);
  }

  static Double jaroWinklerOrNull(String a, String b) {
    return a == null || b == null ? null : jaroWinkler(a, b);
  }

  /** Jaro-Winkler similarity of two strings, 0 (nothing in common) to 1 (equal). */
  public static double jaroWinkler(String s1, String s2) {
    if (s1.equals(s2)) {
      return 1.0;
    }
    int l1 = s1.length();
    int l2 = s2.length();
    if (l1 == 0 || l2 == 0) {
      return 0.0;
    }
    int window = Math.max(0, Math.max(l1, l2) / 2 - 1);
    boolean[] m1 = new boolean[l1];
    boolean[] m2 = new boolean[l2];
    int matches = 0;
    for (int i = 0; i < l1; i++) {
      int lo = Math.max(0, i - window);
      int hi = Math.min(i + window + 1, l2);
      for (int j = lo; j < hi; j++) {
        if (!m2[j] && s1.charAt(i) == s2.charAt(j)) {
          m1[i] = true;
          m2[j] = true;
          matches++;
          break;
        }
      }
    }
    if (matches == 0) {
      return 0.0;
    }
    int transpositions = 0;
    int k = 0;
    for (int i = 0; i < l1; i++) {
      if (m1[i]) {
        while (!m2[k]) {
          k++;
        }
        if (s1.charAt(i) != s2.charAt(k)) {
          transpositions++;
        }
        k++;
      }
    }
    double m = matches;
    double jaro = (m / l1 + m / l2 + (m - transpositions / 2.0) / m) / 3.0;
    int prefix = 0;
    for (int i = 0; i < Math.min(4, Math.min(l1, l2)) && s1.charAt(i) == s2.charAt(i); i++) {
      prefix++;
    }
    return jaro + prefix * 0.1 * (1 - jaro);
  }
}
