package org.opendmp.jobs.identity.graph;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Re-labels only what a night's new edges touch. The small graph is the new edges plus, for every touched node
 * that already had a component, an edge to that component's representative (its smallest node): its components
 * are the merged components, and their smallest node is the new label.
 */
final class IncrementalComponents {
  private IncrementalComponents() {}

  /** See {@link Components#extend(Dataset, Dataset, ComponentOptions)}. */
  static Dataset<Row> extend(Dataset<Row> previous, Dataset<Row> newEdges, ComponentOptions opts) {
    Materializer keep = new Materializer(previous.sparkSession(), opts);
    Dataset<Row> edges = newEdges.select(col("src"), col("dst"));
    Dataset<Row> touched = edges.select(explode(array(col("src"), col("dst"))).as("node"))
        .where(col("node").isNotNull())
        .distinct();
    // node, component: the touched nodes that are not new, with their previous component.
    Dataset<Row> before = keep.keep(previous.select(col("node"), col("component"))
        .join(small(touched, opts), "node"));
    Dataset<Row> links = before.select(col("node").as("src"), col("component").as("dst"));
    Dataset<Row> after = ComponentsLoop.run(edges.unionByName(links), opts).assignment();

    Dataset<Row> representatives = before.select(col("component").as("rep")).distinct();
    Dataset<Row> merged = representatives
        .join(after, representatives.col("rep").equalTo(after.col("node")))
        .where(col("component").notEqual(col("rep")))
        .select(col("rep"), col("component").as("new_component"));
    Dataset<Row> relabelled = previous
        .join(small(merged, opts), previous.col("component").equalTo(merged.col("rep")))
        .select(col("node"), col("component").as("old_component"), col("new_component"));
    Dataset<Row> known = before.select(col("node")).unionAll(representatives.select(col("rep").as("node")));
    Dataset<Row> fresh = after.join(known, after.col("node").equalTo(known.col("node")), "left_anti")
        .select(col("node"), lit(null).cast("bigint").as("old_component"), col("component").as("new_component"));

    Dataset<Row> changes = keep.cut(keep.keep(relabelled.unionByName(fresh)));
    keep.release(before);
    keep.release(after);
    return changes;
  }

  private static Dataset<Row> small(Dataset<Row> ds, ComponentOptions opts) {
    return opts.broadcastIncremental() ? broadcast(ds) : ds;
  }
}
