package org.opendmp.jobs.identity.graph;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The two passes of the alternating algorithm (Kiveris, Lattanzi, Mirrokni, Rastogi, Vassilvitskii, "Connected
 * Components in MapReduce and Beyond", SoCC 2014) as DataFrame transforms, over undirected edges stored once as
 * {@code hi >= lo}. Both passes keep every node and the connectivity; their alternation ends in a forest of
 * stars, each centred on the smallest node of its component.
 *
 * <p>A self-loop {@code (x, x)} is kept as the marker of a node with no other edge (a single, or the root of a
 * star): loops never change the minimum of anything, and a loop on a node that has a smaller neighbour is
 * absorbed by the next small-star pass.
 *
 * <p>Frames here carry {@code hi BIGINT, lo BIGINT, chg BOOLEAN}: {@code chg} says the round that produced the
 * row changed something in its small-star group, and drives convergence without collecting any edge: a round in
 * which no group changed got a star forest as input, which is the answer.
 */
final class StarContraction {
  static final String HI = "hi";
  static final String LO = "lo";
  static final String CHG = "chg";

  private StarContraction() {}

  /**
   * The edges as a deduplicated, oriented edge set.
   *
   * <p>Input: {@code src BIGINT, dst BIGINT}, any orientation, duplicates allowed. A row with one null end is
   * read as a self-loop on the other end (the node still gets a component); a row with two nulls is dropped.
   * Output: {@code hi, lo, chg=true}, one row per distinct undirected edge, hash-partitioned by {@code hi}.
   */
  static Dataset<Row> orient(Dataset<Row> edges, int partitions) {
    // greatest/least skip nulls: (x, null) becomes the loop (x, x).
    Dataset<Row> oriented = edges
        .select(greatest(col("src"), col("dst")).as(HI), least(col("src"), col("dst")).as(LO))
        .where(col(HI).isNotNull());
    return dedupe(oriented.withColumn(CHG, lit(true)), partitions);
  }

  /**
   * One round: a large-star pass then a small-star pass.
   *
   * <p>Input: {@code hi, lo, chg}, deduplicated and hash-partitioned by {@code hi} (as {@link #orient} and this
   * method return it). Output: the same shape, for the next round.
   */
  static Dataset<Row> round(Dataset<Row> edges, int partitions) {
    Dataset<Row> e = edges.select(col(HI), col(LO));
    return dedupe(smallStar(largeStar(e), partitions), partitions);
  }

  /**
   * Large star: every edge (v, u) with v > u becomes (v, m(u)), m(u) the smallest of u and its smaller
   * neighbours. {@code moved} marks the edges that changed. Loops stay loops.
   *
   * <p>m(u) is an aggregate by {@code hi}, which is how the input is partitioned: only the edges travel, once,
   * to meet the m of their {@code lo} end. Output: {@code hi, lo, moved}, partitioned by the old {@code lo}.
   */
  static Dataset<Row> largeStar(Dataset<Row> e) {
    Dataset<Row> m = e.groupBy(col(HI).as("u")).agg(min(col(LO)).as("m"));
    Dataset<Row> joined = e.join(m.hint("shuffle_hash"), e.col(LO).equalTo(m.col("u")), "left");
    return joined.select(
        col(HI),
        when(col(HI).equalTo(col(LO)), col(LO)).otherwise(coalesce(col("m"), col(LO))).as(LO),
        col(HI).notEqual(col(LO)).and(col("m").isNotNull()).and(col("m").notEqual(col(LO))).as("moved"));
  }

  /**
   * Small star: in each group of edges sharing {@code hi = u}, with m the smallest {@code lo}, every edge (u, w)
   * becomes (w, m), and the edges to m stay (u, m): the group becomes a star centred on m. A group changed when
   * it holds two distinct {@code lo} or a moved edge.
   *
   * <p>The group aggregate and the join back are both local to the partitions of {@code hi}: one shuffle.
   * Output: {@code hi, lo, chg}, not deduplicated.
   */
  static Dataset<Row> smallStar(Dataset<Row> large, int partitions) {
    Dataset<Row> byHi = large.repartition(partitions, col(HI));
    Dataset<Row> groups = byHi.groupBy(col(HI).as("g"))
        .agg(min(col(LO)).as("m2"), max(col(LO)).as("x2"), max(col("moved")).as("mv"));
    Dataset<Row> joined = byHi.join(groups.hint("shuffle_hash"), byHi.col(HI).equalTo(groups.col("g")));
    return joined.select(
        when(col(LO).equalTo(col("m2")), col(HI)).otherwise(col(LO)).as(HI),
        col("m2").as(LO),
        col("mv").or(col("m2").notEqual(col("x2"))).as(CHG));
  }

  /**
   * Distinct edges, hash-partitioned by {@code hi} alone (so the next round's aggregate by {@code hi} needs no
   * shuffle), {@code chg} true when any copy has it. Input and output: {@code hi, lo, chg}.
   */
  static Dataset<Row> dedupe(Dataset<Row> edges, int partitions) {
    return edges.repartition(partitions, col(HI))
        .groupBy(col(HI), col(LO))
        .agg(max(col(CHG)).as(CHG));
  }

  /**
   * The assignment read off a star forest.
   *
   * <p>Input: {@code hi, lo} where every non-root node has exactly one row, to its root, and loops sit only on
   * roots. Output: {@code node, component}, one row per node, component the smallest node of the component.
   */
  static Dataset<Row> assignment(Dataset<Row> stars) {
    Dataset<Row> leaves = stars.select(col(HI).as("node"), col(LO).as("component"));
    Dataset<Row> roots = stars.select(col(LO).as("node"), col(LO).as("component"));
    // No explicit repartition: roots repeat once per leaf, and the map-side partial aggregate drops the copies.
    return leaves.unionAll(roots)
        .groupBy(col("node"))
        .agg(min(col("component")).as("component"));
  }

  /** {@code edges, changed}: the size of a round's output and how many of its rows changed. */
  static Row stats(Dataset<Row> edges) {
    return edges.agg(count(lit(1)).as("edges"), count_if(col(CHG)).as("changed")).first();
  }
}
