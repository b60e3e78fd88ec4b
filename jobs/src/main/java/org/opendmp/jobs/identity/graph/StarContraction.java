package org.opendmp.jobs.identity.graph;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.bool_and;
import static org.apache.spark.sql.functions.bool_or;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

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
 * <p>Each round costs two shuffles of the working edges, and every dataset is read once (a dataset read twice
 * in one plan, as an aggregate joined back would be, is computed twice: Spark reuses a shuffle only between
 * identical subtrees, and column pruning rarely leaves them identical). Small star: to {@code hi}, where a window
 * gives each edge its group's minimum. Then to {@code lo} travel, together, each edge and a "node record" of its
 * {@code hi} end, so that a window over each {@code lo} sees the edges ending there and the candidates for m(lo)
 * that the next large star and the pruning test need.
 */
final class StarContraction {
  static final String HI = "hi";
  static final String LO = "lo";
  static final String CHG = "chg";
  static final String M = "m";
  static final String DONE = "done";
  private static final String KEY = "key";
  private static final String OTHER = "other";
  private static final String NODE = "node_record";

  private StarContraction() {}

  /**
   * The edges, oriented, ready for {@link #start}.
   *
   * <p>Input: {@code src BIGINT, dst BIGINT}, any orientation, duplicates allowed. A row with one null end is
   * read as a self-loop on the other end (the node still gets a component); a row with two nulls is dropped.
   * Output: {@code hi, lo}, one row per input row.
   */
  static Dataset<Row> orient(Dataset<Row> edges) {
    // greatest/least skip nulls: (x, null) becomes the loop (x, x).
    return edges
        .select(greatest(col("src"), col("dst")).as(HI), least(col("src"), col("dst")).as(LO))
        .where(col(HI).isNotNull());
  }

  /**
   * Deduplicates edges and joins onto each, at its {@code lo} end, what the next large star and the pruning test
   * need. One shuffle (each edge and the node record of its {@code hi} end, both keyed by the edge's {@code lo}
   * and by {@code hi} respectively), then local work only.
   *
   * <p>Input: {@code hi, lo, chg}, duplicates allowed. Output: {@code hi, lo, m, done}, one row per distinct
   * edge, hash-partitioned by {@code lo}: m = m(lo), the smallest of lo's smaller neighbours (or lo itself when
   * it has a loop), null when lo has neither; done = the edge belongs to a finished star (see the class
   * comment), which needs every copy of every edge (v, lo) to be without {@code chg}.
   */
  static Dataset<Row> annotate(Dataset<Row> edges, int partitions) {
    Column edge = struct(col(LO).as(KEY), col(HI).as(OTHER), lit(false).as(NODE), col(CHG).as(CHG));
    Column node = struct(col(HI).as(KEY), col(LO).as(OTHER), lit(true).as(NODE), lit(false).as(CHG));
    // One sort serves the window and the deduplication: copies of an edge are adjacent, and the first is kept.
    WindowSpec ordered = Window.partitionBy(col(KEY)).orderBy(col(NODE), col(OTHER));
    WindowSpec whole = ordered.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    return edges.select(explode(array(edge, node)).as("r")).select(col("r.*"))
        .repartition(partitions, col(KEY))
        .select(
            col(KEY), col(OTHER), col(NODE),
            min(when(col(NODE), col(OTHER))).over(whole).as(M),
            bool_and(col(NODE).or(not(col(CHG)))).over(whole).as("stable"),
            lag(col(OTHER), 1).over(ordered).as("previous"),
            lag(col(NODE), 1).over(ordered).as("previous_node"))
        .where(not(col(NODE)).and(not(col("previous_node").eqNullSafe(false).and(col("previous").equalTo(col(OTHER))))))
        .select(
            col(OTHER).as(HI),
            col(KEY).as(LO),
            col(M),
            col("stable").and(col(M).isNull().or(col(M).equalTo(col(KEY)))).as(DONE));
  }

  /**
   * The first annotated edges: one small-star pass (it needs no m) over the input, so that the first large star
   * already works on stars. Its rows are all marked changed: the pruning test holds only after a large star.
   *
   * <p>Input: {@code hi, lo} as {@link #orient} returns them. Output: as {@link #annotate}.
   */
  static Dataset<Row> start(Dataset<Row> oriented, int partitions) {
    Dataset<Row> small = smallStar(oriented.select(col(HI), col(LO), lit(false).as("moved")), partitions);
    return annotate(small.withColumn(CHG, lit(true)), partitions);
  }

  /**
   * The assignment of the nodes of finished stars: each leaf to its root, each root to itself.
   *
   * <p>Input: {@code hi, lo, ...} rows of {@link #annotate} marked done (hash-partitioned by {@code lo}). Output:
   * {@code node, component}, one row per node. No shuffle: a finished star's edges all sit in its root's
   * partition, and each leaf has exactly one edge.
   */
  static Dataset<Row> finished(Dataset<Row> doneEdges) {
    Dataset<Row> leaves = doneEdges.where(col(HI).notEqual(col(LO))).select(col(HI).as("node"), col(LO).as("component"));
    Dataset<Row> roots = doneEdges.groupBy(col(LO).as("node")).agg(min(col(LO)).as("component"));
    return leaves.unionAll(roots);
  }

  /**
   * One round on the edges not yet done: a large-star pass then a small-star pass.
   *
   * <p>Input: {@code hi, lo, m, done} as {@link #annotate} returns it. Output: {@code hi, lo, chg}, duplicates
   * possible, ready for {@link #annotate}.
   */
  static Dataset<Row> round(Dataset<Row> annotated, int partitions) {
    return smallStar(largeStar(annotated.where(not(col(DONE)))), partitions);
  }

  /**
   * Large star: every edge (v, u) with v > u becomes (v, m(u)); loops stay loops. Output: {@code hi, lo,
   * moved}, moved marking the edges that changed. A projection: no shuffle.
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
   * <p>One shuffle to {@code hi}; the group's minimum reaches each edge through a window. Output: {@code hi, lo,
   * chg}, not deduplicated.
   */
  static Dataset<Row> smallStar(Dataset<Row> large, int partitions) {
    WindowSpec group = Window.partitionBy(col(HI));
    return large.repartition(partitions, col(HI))
        .select(
            col(HI),
            col(LO),
            min(col(LO)).over(group).as("m2"),
            max(col(LO)).over(group).as("x2"),
            bool_or(col("moved")).over(group).as("mv"))
        .select(
            when(col(LO).equalTo(col("m2")), col(HI)).otherwise(col(LO)).as(HI),
            col("m2").as(LO),
            col("mv").or(col("m2").notEqual(col("x2"))).as(CHG));
  }
}
