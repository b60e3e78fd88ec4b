package org.opendmp.jobs.identity.probabilistic;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array_intersect;
import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.levenshtein;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.soundex;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.ColumnSpec;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.Kind;

/**
 * Comparison vectors: for each pair, the level every compared column falls in. Built-in functions wherever
 * Spark has them ({@code levenshtein}, {@code soundex}, {@code datediff}, array set operations); Jaro-Winkler is
 * {@link Similarity}. Pure transform, no actions.
 */
public final class Comparisons {
  private Comparisons() {}

  /** The level column of compared column {@code i} of {@link MatchSpec#columns}. */
  public static String gamma(int i) {
    return "g" + i;
  }

  /** The level index that means "either value is null": neutral, weight 0. */
  public static final int NULL_LEVEL = -1;

  /**
   * The comparison vector of each pair.
   *
   * <p>Input: {@code pairs} with {@code key_l, key_r} and optionally {@code block_rule}; {@code records} from
   * {@link Records#prepare}, optionally with {@link Scoring#withTermFrequencies}. Output, one row per pair:
   * {@code key_l, key_r, block_rule INT} (null when absent), {@code source_l, record_id_l, source_r, record_id_r},
   * {@code names_swapped BOOLEAN}, then {@code g0..gN INT}: the level of each compared column (0 = its first level,
   * ..., {@code levels.size()} = else, -1 = null on either side), then {@code _tf<i> DOUBLE} for each tf-adjusted
   * column: the term frequency of the left record's value (null when the records carry none).
   *
   * <p>Names in both orders: when the spec has a {@code name_swap} pair (a, b), the right record's a and b are
   * exchanged when that makes the two names more similar (sum of Jaro-Winkler similarities, null counting 0), and
   * {@code names_swapped} says so. Random pairs used to estimate u go through the same rule, so u accounts for it.
   */
  public static Dataset<Row> vectors(Dataset<Row> pairs, Dataset<Row> records, MatchSpec spec) {
    List<String> referenced = spec.referencedColumns();
    Dataset<Row> left = side(records, referenced, "l");
    Dataset<Row> right = side(records, referenced, "r");
    Column blockRule =
        Arrays.asList(pairs.columns()).contains("block_rule") ? col("block_rule") : lit(null).cast("int");
    Dataset<Row> joined =
        pairs.select(col("key_l"), col("key_r"), blockRule.as("block_rule")).join(left, "key_l").join(right, "key_r");

    Column swapped = lit(false);
    Map<String, Column> similarity = new HashMap<>();
    if (!spec.nameSwap().isEmpty()) {
      String a = Records.value(referenced.indexOf(spec.nameSwap().get(0)));
      String b = Records.value(referenced.indexOf(spec.nameSwap().get(1)));
      // The four similarities once each: they decide the order, then serve as the names' own Jaro-Winkler.
      joined =
          joined.withColumn("_s_aa", Similarity.jaroWinkler(col(a + "_l"), col(a + "_r")))
              .withColumn("_s_bb", Similarity.jaroWinkler(col(b + "_l"), col(b + "_r")))
              .withColumn("_s_ab", Similarity.jaroWinkler(col(a + "_l"), col(b + "_r")))
              .withColumn("_s_ba", Similarity.jaroWinkler(col(b + "_l"), col(a + "_r")));
      Column straight = zero(col("_s_aa")).plus(zero(col("_s_bb")));
      Column crossed = zero(col("_s_ab")).plus(zero(col("_s_ba")));
      joined = joined.withColumn("names_swapped", crossed.gt(straight));
      Column sw = col("names_swapped");
      joined =
          joined.select(
              Arrays.stream(joined.columns())
                  .map(
                      c ->
                          c.equals(a + "_r")
                              ? when(sw, col(b + "_r")).otherwise(col(a + "_r")).as(c)
                              : c.equals(b + "_r") ? when(sw, col(a + "_r")).otherwise(col(b + "_r")).as(c) : col(c))
                  .toArray(Column[]::new));
      swapped = col("names_swapped");
      similarity.put(spec.nameSwap().get(0), when(sw, col("_s_ab")).otherwise(col("_s_aa")));
      similarity.put(spec.nameSwap().get(1), when(sw, col("_s_ba")).otherwise(col("_s_bb")));
    }

    List<Column> out = new ArrayList<>();
    out.addAll(
        List.of(
            col("key_l"), col("key_r"), col("block_rule"), col("source_l"), col("record_id_l"), col("source_r"),
            col("record_id_r"), swapped.as("names_swapped")));
    for (int i = 0; i < spec.columns().size(); i++) {
      ColumnSpec c = spec.columns().get(i);
      String v = Records.value(referenced.indexOf(c.name()));
      out.add(level(c, col(v + "_l"), col(v + "_r"), similarity.get(c.name())).as(gamma(i)));
    }
    List<String> present = Arrays.asList(joined.columns());
    for (String t : spec.tfAdjusted()) {
      int i = spec.columns().indexOf(spec.column(t));
      String tf = Scoring.tf(i) + "_l";
      out.add((present.contains(tf) ? col(tf) : lit(null).cast("double")).as(Scoring.tf(i)));
    }
    return joined.select(out.toArray(Column[]::new));
  }

  private static Dataset<Row> side(Dataset<Row> records, List<String> referenced, String s) {
    List<Column> cols = new ArrayList<>();
    cols.add(col("_key").as("key_" + s));
    cols.add(col("source").as("source_" + s));
    cols.add(col("record_id").as("record_id_" + s));
    for (int i = 0; i < referenced.size(); i++) {
      cols.add(col(Records.value(i)).as(Records.value(i) + "_" + s));
    }
    for (String c : records.columns()) {
      if (c.startsWith("_tf")) {
        cols.add(col(c).as(c + "_" + s));
      }
    }
    return records.select(cols.toArray(Column[]::new));
  }

  private static Column zero(Column similarity) {
    return coalesce(similarity, lit(0.0));
  }

  /** The level of one column: the first of its levels that holds, else {@code levels.size()}; -1 on a null. */
  static Column level(ColumnSpec c, Column a, Column b) {
    return level(c, a, b, null);
  }

  /** The same, with the pair's Jaro-Winkler similarity already computed ({@code null}: computed here). */
  static Column level(ColumnSpec c, Column a, Column b, Column similarity) {
    List<Level> levels = c.comparisonLevels();
    boolean date = c.kind() == Kind.DATE;
    Column sa = date ? date_format(a, "yyyy-MM-dd") : a;
    Column sb = date ? date_format(b, "yyyy-MM-dd") : b;
    // Each measure is written once so that Spark evaluates it once per pair (common subexpressions).
    Column jw = similarity != null ? similarity : Similarity.jaroWinkler(sa, sb);
    int maxEdits = levels.stream().filter(l -> l.type() == Level.Type.LEVENSHTEIN).mapToInt(Level::count).max().orElse(0);
    Column edits = levenshtein(sa, sb, maxEdits);
    Column result = when(a.isNull().or(b.isNull()), lit(NULL_LEVEL));
    for (int i = 0; i < levels.size(); i++) {
      result = result.when(test(levels.get(i), a, b, sa, sb, jw, edits), lit(i));
    }
    return result.otherwise(lit(levels.size()));
  }

  private static Column test(Level l, Column a, Column b, Column sa, Column sb, Column jw, Column edits) {
    return switch (l.type()) {
      case EXACT -> a.equalTo(b);
      case JARO_WINKLER -> jw.geq(l.param());
      case LEVENSHTEIN -> edits.geq(0).and(edits.leq(l.count()));
      case JACCARD -> {
        Column ta = split(sa, " ");
        Column tb = split(sb, " ");
        yield size(array_intersect(ta, tb)).cast("double").divide(size(array_union(ta, tb))).geq(l.param());
      }
      case DAYS -> abs(datediff(a, b)).leq(l.count());
      case SOUNDEX -> soundex(sa).equalTo(soundex(sb));
      case PREFIX -> length(sa).geq(l.count()).and(length(sb).geq(l.count()))
          .and(substring(sa, 1, l.count()).equalTo(substring(sb, 1, l.count())));
      case LOCAL_PART -> substring_index(sa, "@", 1).equalTo(substring_index(sb, "@", 1));
      case SECTOR -> postcodePart(sa, 2, 4).equalTo(postcodePart(sb, 2, 4));
      case DISTRICT -> postcodePart(sa, 3, 3).equalTo(postcodePart(sb, 3, 3));
      case AREA -> postcodeArea(sa).equalTo(postcodeArea(sb));
      case LAST_DIGITS -> length(sa).geq(l.count()).and(length(sb).geq(l.count()))
          .and(substring(sa, -l.count(), l.count()).equalTo(substring(sb, -l.count(), l.count())));
    };
  }

  /**
   * A UK postcode without its last {@code dropUk} characters (sector: 2, district: the outward code, 3), or
   * the first {@code numeric} digits of an all-digit postcode. Null for codes too short to have the part.
   */
  private static Column postcodePart(Column pc, int dropUk, int numeric) {
    return when(pc.rlike("^[0-9]+$"), when(length(pc).geq(numeric + 1), substring(pc, 1, numeric)))
        .when(length(pc).geq(5), pc.substr(lit(1), length(pc).minus(dropUk)));
  }

  /** UK: the leading letters ("SW"); all-digit codes: the first two digits (French département). */
  private static Column postcodeArea(Column pc) {
    return when(pc.rlike("^[0-9]+$"), when(length(pc).geq(4), substring(pc, 1, 2)))
        .otherwise(when(pc.rlike("^[A-Z]+[0-9]"), regexp_extract(pc, "^[A-Z]+", 0)));
  }
}
