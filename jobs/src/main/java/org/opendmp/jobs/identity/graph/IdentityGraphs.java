package org.opendmp.jobs.identity.graph;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Synthetic identity-like graphs for benchmarks and tests, generated in Spark from a seed (same seed and size,
 * same edges). Many small components of 2 to 20 nodes (a person's cookies, devices, logins, hashed emails;
 * sizes skewed small), plus four larger ones holding about a tenth of the edges (identifiers shared across
 * households or devices). Each component is a random recursive tree (node i links to a uniform earlier node),
 * plus 15% extra links inside the component (cycles) and 10% of links seen again reversed (duplicates). Node ids
 * are 64-bit hashes, as {@code xxhash64} of identifier keys would give.
 */
public final class IdentityGraphs {
  /** Shares of the edge budget given to the larger components. */
  private static final double[] LARGE = {0.04, 0.03, 0.02, 0.01};
  /** Input rows per edge of a tree: 1 + extra links + duplicates. */
  private static final double ROWS_PER_TREE_EDGE = 1.25;
  /** Mean tree edges of a small component (size 2 + floor(18 u^2), u uniform). */
  private static final double SMALL_TREE_EDGES = 6.5;

  private IdentityGraphs() {}

  /**
   * About {@code edges} rows of {@code src BIGINT, dst BIGINT}, spread evenly over {@code partitions}. Lazy:
   * cache it when it is used twice.
   */
  public static Dataset<Row> generate(SparkSession spark, long edges, long seed, int partitions) {
    Column[] largeSizes = new Column[LARGE.length];
    double largeShare = 0;
    for (int i = 0; i < LARGE.length; i++) {
      largeSizes[i] = lit(Math.max(2L, Math.round(edges * LARGE[i] / ROWS_PER_TREE_EDGE) + 1));
      largeShare += LARGE[i];
    }
    long small = Math.max(1L, Math.round(edges * (1 - largeShare) / (ROWS_PER_TREE_EDGE * SMALL_TREE_EDGES)));
    Column c = col("c");
    Column u = uniform(seed, c, lit(0));
    Column size = when(c.lt(LARGE.length), element_at(array(largeSizes), c.plus(1).cast("int")))
        .otherwise(lit(2).plus(floor(u.multiply(u).multiply(18))));
    Dataset<Row> links = spark.range(0, small + LARGE.length, 1, partitions).select(col("id").as("c"))
        .select(c, explode(sequence(lit(1L), size.cast("bigint").minus(1))).as("i"), size.as("size"));
    Column i = col("i");
    Column self = node(seed, c, i);
    Column parent = node(seed, c, pmod(xxhash64(lit(seed), c, i, lit(1)), i));
    Column chord = node(seed, c, pmod(xxhash64(lit(seed), c, i, lit(2)), col("size")));
    Column rows = array(
        struct(self.as("src"), parent.as("dst")),
        when(uniform(seed, c, i.plus(lit(0x10000000L))).lt(0.15), struct(self.as("src"), chord.as("dst"))),
        when(uniform(seed, c, i.plus(lit(0x20000000L))).lt(0.10), struct(parent.as("src"), self.as("dst"))));
    return links.select(explode(rows).as("e"))
        .where(col("e").isNotNull())
        .select(col("e.src").as("src"), col("e.dst").as("dst"))
        .repartition(partitions);
  }

  private static Column node(long seed, Column component, Column index) {
    return xxhash64(lit(seed), lit("node"), component, index);
  }

  /** A uniform double in [0, 1) from a hash of its arguments. */
  private static Column uniform(long seed, Column a, Column b) {
    return pmod(xxhash64(lit(seed), a, b), lit(1_000_000L)).divide(1_000_000.0);
  }
}
