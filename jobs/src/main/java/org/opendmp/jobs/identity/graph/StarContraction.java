package org.opendmp.jobs.identity.graph;

import static org.apache.spark.sql.functions.bool_and;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The alternating algorithm (Kiveris, Lattanzi, Mirrokni, Rastogi, Vassilvitskii, "Connected Components in
 * MapReduce and Beyond", SoCC 2014) as DataFrame transforms, over undirected edges stored once as
 * {@code hi >= lo}, with finished components pruned as they appear. Large-star and small-star passes keep every
 * node and the connectivity, and their alternation ends in a forest of stars, each centred on the smallest node
 * of its component.
 *
 * <p>A self-loop {@code (x, x)} marks a node with no other edge (a single, or the root of a star): loops never
 * change a minimum, and a loop on a node with a smaller neighbour is absorbed by the next small-star pass.
 *
 * <p>Pruning. A round's output rows carry {@code chg}: the small-star group that produced the row changed
 * (two distinct {@code lo}, or an edge moved by the large star). A row without {@code chg} can only be the edge
 * (u, m) of u's own unchanged group, since rows handed to other nodes always come from changed groups. From this,
 * a node r such that every edge (v, r) has no {@code chg} and r has no smaller neighbour is the root of a star
 * that is a whole component: no leaf v can have another edge (it would have come from a changed group that also
 * hands r an edge with {@code chg}, or makes r a {@code hi}). Such stars are final and leave the working set, so
 * later rounds only shuffle the components still being merged. When nothing is left, the graph has converged.
 *
 * <p>Each round costs three shuffles of the working edges: to {@code lo} (to meet m(lo) and the lo-side
 * pruning test), to {@code hi} (small star), to the new {@code hi} (deduplication). Every aggregate and join in
 * between is local to the partitions of one of those keys.
 */
final class StarContraction {
  static final String HI = "hi";
  static final String LO = "lo";
  static final String CHG = "chg";
  static final String M = "m";
  static final String DONE = "done";

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
   * What the next large star and the pruning test need, joined onto each edge at its {@code lo} end.
   *
   * <p>Input: {@code hi, lo, chg}, deduplicated and hash-partitioned by {@code hi}. Output: {@code hi, lo, m,
   * done}, hash-partitioned by {@code lo}: m = m(lo), the smallest of lo's smaller neighbours (or loop), null
   * when lo has none; done = the edge belongs to a finished star (see the class comment).
   */
  static Dataset<Row> annotate(Dataset<Row> edges, int partitions) {
    // m(u) is an aggregate by hi, how the input is partitioned: no shuffle.
    Dataset<Row> byHi = edges.groupBy(col(HI).as("u")).agg(min(col(LO)).as(M));
    Dataset<Row> atLo = edges.repartition(partitions, col(LO));
    // Read from the same shuffle as atLo (the exchange is reused): no second shuffle.
    Dataset<Row> byLo = atLo.groupBy(col(LO).as("r")).agg(bool_and(not(col(CHG))).as("stable"));
    return atLo
        .join(byHi.hint("shuffle_hash"), atLo.col(LO).equalTo(byHi.col("u")), "left")
        .join(byLo.hint("shuffle_hash"), atLo.col(LO).equalTo(byLo.col("r")))
        .select(
            col(HI),
            col(LO),
            col(M),
            col("stable").and(col(M).isNull().or(col(M).equalTo(col(LO)))).as(DONE));
  }

  /**
   * One round on the edges not yet done: a large-star pass then a small-star pass.
   *
   * <p>Input: {@code hi, lo, m, done} as {@link #annotate} returns it. Output: {@code hi, lo, chg}, deduplicated
   * and hash-partitioned by {@code hi}, ready for {@link #annotate}.
   */
  static Dataset<Row> round(Dataset<Row> annotated, int partitions) {
    return dedupe(smallStar(largeStar(annotated.where(not(col(DONE)))), partitions), partitions);
  }

  /**
   * Large star: every edge (v, u) with v > u becomes (v, m(u)); loops stay loops. Output: {@code hi, lo,
   * moved}, moved marking the edges that changed. A projection: the partitioning by the old {@code lo} stays.
   */
  static Dataset<Row> largeStar(Dataset<Row> annotated) {
    return annotated.select(
        col(HI),
        when(col(HI).equalTo(col(LO)), col(LO)).otherwise(coalesce(col(M), col(LO))).as(LO),
        col(HI).notEqual(col(LO)).and(col(M).isNotNull()).and(col(M).notEqual(col(LO))).as("moved"));
  }

  /**
   * Small star: in each group of edges sharing {@code hi = u}, with m the smallest {@code lo}, every edge (u, w)
   * becomes (w, m) and the edges to m stay (u, m): the group becomes a star centred on m. Each input row gives
   * exactly one output row. A group changed when it holds two distinct {@code lo} or a moved edge.
   *
   * <p>The group aggregate and the join back are both local to the partitions of {@code hi}: one shuffle.
   * Output: {@code hi, lo, chg}, not deduplicated.
   */
  static Dataset<Row> smallStar(Dataset<Row> large, int partitions) {
    Dataset<Row> atHi = large.repartition(partitions, col(HI));
    Dataset<Row> groups = atHi.groupBy(col(HI).as("g"))
        .agg(min(col(LO)).as("m2"), max(col(LO)).as("x2"), max(col("moved")).as("mv"));
    Dataset<Row> joined = atHi.join(groups.hint("shuffle_hash"), atHi.col(HI).equalTo(groups.col("g")));
    return joined.select(
        when(col(LO).equalTo(col("m2")), col(HI)).otherwise(col(LO)).as(HI),
        col("m2").as(LO),
        col("mv").or(col("m2").notEqual(col("x2"))).as(CHG));
  }

  /**
   * Distinct edges, hash-partitioned by {@code hi} alone (so {@link #annotate}'s aggregate by {@code hi} needs
   * no shuffle), {@code chg} true when any copy has it. Input and output: {@code hi, lo, chg}.
   */
  static Dataset<Row> dedupe(Dataset<Row> edges, int partitions) {
    return edges.repartition(partitions, col(HI))
        .groupBy(col(HI), col(LO))
        .agg(max(col(CHG)).as(CHG));
  }

  /**
   * The assignment read off finished stars.
   *
   * <p>Input: {@code hi, lo}, the edges of finished stars: every non-root node has exactly one row, to its root,
   * and loops sit only on roots. Output: {@code node, component}, one row per node, component the smallest node
   * of the component.
   */
  static Dataset<Row> assignment(Dataset<Row> stars) {
    Dataset<Row> leaves = stars.select(col(HI).as("node"), col(LO).as("component"));
    Dataset<Row> roots = stars.select(col(LO).as("node"), col(LO).as("component"));
    // No explicit repartition: roots repeat once per leaf, and the map-side partial aggregate drops the copies.
    return leaves.unionAll(roots)
        .groupBy(col("node"))
        .agg(min(col("component")).as("component"));
  }
}
