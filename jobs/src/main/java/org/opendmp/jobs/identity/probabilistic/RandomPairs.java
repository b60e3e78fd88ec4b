package org.opendmp.jobs.identity.probabilistic;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.LinkType;

/**
 * Random record pairs, to estimate u (how often non-matching pairs agree by chance). Records are drawn by a hash
 * of their key and the seed, so the draw does not depend on partitioning: the same input and seed always give
 * the same pairs. Pure transform, no actions.
 */
public final class RandomPairs {
  private RandomPairs() {}

  private static final long BUCKETS = 1_000_000_000L;

  /**
   * About {@code size} random pairs: two independent hash draws of about {@code sqrt(size)} records each, crossed
   * (all records when there are fewer). Pairs of a record with itself are dropped.
   *
   * <p>Input: prepared records ({@link Records#prepare}); {@code nLeft} and {@code nRight} their counts per side.
   * Output: {@code key_l, key_r} in the orientation of {@link Blocking#candidatePairs} (left record first for
   * link_only, else {@code key_l < key_r}). Grain: one row per drawn pair (a pair may appear twice).
   */
  public static Dataset<Row> sample(Dataset<Row> records, LinkType type, long nLeft, long nRight, int size, long seed) {
    double perSide = Math.ceil(Math.sqrt(size));
    Dataset<Row> a;
    Dataset<Row> b;
    if (type == LinkType.LINK_ONLY) {
      a = draw(records.where(col("_side").equalTo(0)), perSide / Math.max(1, nLeft), seed);
      b = draw(records.where(col("_side").equalTo(1)), perSide / Math.max(1, nRight), seed + 1);
    } else {
      double n = Math.max(1, nLeft + nRight);
      a = draw(records, perSide / n, seed);
      b = draw(records, perSide / n, seed + 1);
    }
    Dataset<Row> crossed =
        a.select(col("_key").as("a")).crossJoin(b.select(col("_key").as("b"))).where(col("a").notEqual(col("b")));
    return type == LinkType.LINK_ONLY
        ? crossed.select(col("a").as("key_l"), col("b").as("key_r"))
        : crossed.select(least(col("a"), col("b")).as("key_l"), greatest(col("a"), col("b")).as("key_r"));
  }

  private static Dataset<Row> draw(Dataset<Row> records, double fraction, long seed) {
    if (fraction >= 1) {
      return records;
    }
    // By record id and side, not source label: renaming an input does not change the draw.
    Column bucket = pmod(xxhash64(col("record_id"), col("_side"), lit(seed)), lit(BUCKETS));
    return records.where(bucket.lt(lit((long) Math.ceil(fraction * BUCKETS))));
  }
}
