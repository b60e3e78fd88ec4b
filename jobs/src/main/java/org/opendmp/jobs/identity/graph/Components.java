package org.opendmp.jobs.identity.graph;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Connected components of an identity graph on Spark, written in-house (GraphFrames has no Spark 4 build): the
 * alternating large-star / small-star algorithm of Kiveris et al. ("Connected Components in MapReduce and
 * Beyond", SoCC 2014), O(log^2 n) rounds, about log n in practice, each round three shuffles of the edges.
 *
 * <p>{@link #of}, {@link #run}, {@link #ofIdentifiers} and {@link #extend} are iterative: unlike the project's
 * other transforms they run Spark jobs (one per round, plus checkpoints) and return an already computed,
 * checkpointed dataset. Only counts come back to the driver; no edge or node is ever collected.
 */
public final class Components {
  private Components() {}

  /**
   * The connected components of a graph.
   *
   * <p>Input: {@code src BIGINT, dst BIGINT}, undirected, any orientation, duplicates and self-loops allowed; a
   * row with one null end counts as a self-loop on the other end, a row with two nulls is ignored. Output:
   * {@code node BIGINT, component BIGINT}, one row per node that appears in an edge, component the smallest node
   * id of its component. Fails with a {@link org.opendmp.common.DmpException} after
   * {@link ComponentOptions#maxIterations} rounds.
   */
  public static Dataset<Row> of(Dataset<Row> edges, ComponentOptions opts) {
    return run(edges, opts).assignment();
  }

  /** {@link #of(Dataset, ComponentOptions)} with {@link ComponentOptions#DEFAULTS}. */
  public static Dataset<Row> of(Dataset<Row> edges) {
    return of(edges, ComponentOptions.DEFAULTS);
  }

  /** {@link #of(Dataset, ComponentOptions)}, with the number of rounds it took. */
  public static ComponentsRun run(Dataset<Row> edges, ComponentOptions opts) {
    return ComponentsLoop.run(edges, opts);
  }

  /**
   * The components of identifier pairs, labelled by their smallest identifier.
   *
   * <p>Input: {@code id_a STRING, id_b STRING}, an identifier key each (e.g. {@code "cookie|abc"}); a null side
   * leaves the other identifier alone in its component; a pair of nulls is ignored. Output: {@code id STRING,
   * component STRING}, one row per identifier, component the smallest identifier (string order) of its
   * component: deterministic, whatever the order or partitioning of the input.
   */
  public static Dataset<Row> ofIdentifiers(Dataset<Row> pairs, ComponentOptions opts) {
    return IdentifierComponents.of(pairs, opts);
  }

  /** {@link #ofIdentifiers(Dataset, ComponentOptions)} with {@link ComponentOptions#DEFAULTS}. */
  public static Dataset<Row> ofIdentifiers(Dataset<Row> pairs) {
    return ofIdentifiers(pairs, ComponentOptions.DEFAULTS);
  }

  /**
   * What new edges change in a previous assignment, at a cost that follows the new edges and the components
   * they touch: the previous assignment is joined only with the touched nodes and with the merged component
   * ids (both broadcast unless {@link ComponentOptions#broadcastIncremental} is off), never shuffled.
   *
   * <p>Input: {@code previous} = {@code node BIGINT, component BIGINT} with component the smallest node of its
   * component (as {@link #of} and this method produce it); {@code newEdges} = {@code src BIGINT, dst BIGINT} as
   * for {@link #of}. Output: {@code node BIGINT, old_component BIGINT, new_component BIGINT}, one row per node
   * whose component changes: every member of a previous component absorbed into a component with a smaller
   * node, and every new node ({@code old_component} null). Members of the surviving component of a merge keep
   * their label and are not listed.
   */
  public static Dataset<Row> extend(Dataset<Row> previous, Dataset<Row> newEdges, ComponentOptions opts) {
    return IncrementalComponents.extend(previous, newEdges, opts);
  }

  /** {@link #extend(Dataset, Dataset, ComponentOptions)} with {@link ComponentOptions#DEFAULTS}. */
  public static Dataset<Row> extend(Dataset<Row> previous, Dataset<Row> newEdges) {
    return extend(previous, newEdges, ComponentOptions.DEFAULTS);
  }

  /**
   * A previous assignment with the changes of {@link #extend} applied: a full pass over the history, for tests
   * and small graphs; the nightly job MERGEs the changes into its table instead.
   *
   * <p>Input: {@code previous} = {@code node, component}; {@code changes} = {@code node, old_component,
   * new_component}. Output: {@code node, component}, one row per node of either.
   */
  public static Dataset<Row> applyChanges(Dataset<Row> previous, Dataset<Row> changes) {
    Dataset<Row> updated = changes.select(col("node"), col("new_component").as("component"));
    return previous.select(col("node"), col("component"))
        .join(updated.select(col("node")), "node", "left_anti")
        .unionByName(updated);
  }

  /**
   * Component sizes. Input: {@code node, component}. Output: {@code component BIGINT, size BIGINT}, one row per
   * component. The types of {@code component} pass through (a STRING label works too).
   */
  public static Dataset<Row> sizes(Dataset<Row> assignment) {
    return assignment.groupBy(col("component")).agg(count(lit(1)).as("size"));
  }

  /**
   * The n largest components, largest first, ties by component. Input: {@code node, component}. Output:
   * {@code component, size}, at most n rows (a top-n per partition, no global sort).
   */
  public static Dataset<Row> largest(Dataset<Row> assignment, int n) {
    return sizes(assignment).orderBy(col("size").desc(), col("component")).limit(n);
  }

  /**
   * The giant-component guard: components with more than {@link ComponentOptions#maxComponentSize} nodes, for
   * the caller to cut their bridging identifiers (the cutting policy is the caller's). Input: {@code node,
   * component}. Output: {@code component, size}, one row per oversized component; empty when the guard is off.
   */
  public static Dataset<Row> oversized(Dataset<Row> assignment, ComponentOptions opts) {
    long max = opts.maxComponentSize();
    Dataset<Row> sizes = sizes(assignment);
    return max <= 0 ? sizes.limit(0) : sizes.where(col("size").gt(max));
  }
}
