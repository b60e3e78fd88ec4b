package org.opendmp.jobs.identity.graph;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.DmpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Components over string identifiers: each identifier becomes the node {@code xxhash64(id)} (no dictionary to
 * build and keep), and a hash collision between two distinct identifiers, which would silently merge two
 * people, is detected and the hashing re-salted.
 */
final class IdentifierComponents {
  private static final Logger LOG = LoggerFactory.getLogger(IdentifierComponents.class);
  /** Salts tried in turn; a second one is needed about once in 2^64 / n^2 runs, a third practically never. */
  private static final int SALTS = 3;

  private IdentifierComponents() {}

  /** See {@link Components#ofIdentifiers(Dataset, ComponentOptions)}. */
  static Dataset<Row> of(Dataset<Row> pairs, ComponentOptions opts) {
    Materializer keep = new Materializer(pairs.sparkSession(), opts);
    for (int salt = 0; salt < SALTS; salt++) {
      Dataset<Row> nodes = keep.keep(nodes(pairs, salt));
      long collisions = nodes.where(col("id").notEqual(col("id_max"))).count();
      if (collisions > 0) {
        LOG.warn("Components: {} xxhash64 collisions between identifiers with salt {}; trying the next salt",
            collisions, salt);
        keep.release(nodes);
        continue;
      }
      Dataset<Row> edges = pairs.select(node(col("id_a"), salt).as("src"), node(col("id_b"), salt).as("dst"));
      Dataset<Row> assignment = ComponentsLoop.run(edges, opts).assignment();
      Dataset<Row> named = assignment.join(nodes, "node").select(col("id"), col("component"));
      Dataset<Row> labels = named.groupBy(col("component")).agg(min(col("id")).as("label"));
      Dataset<Row> out = named.join(labels, "component").select(col("id"), col("label").as("component"));
      Dataset<Row> kept = keep.cut(keep.keep(out));
      keep.release(nodes);
      keep.release(assignment);
      return kept;
    }
    throw new DmpException("Cannot compute identifier components: xxhash64 collides between distinct identifiers "
        + "under " + SALTS + " salts (ofIdentifiers)");
  }

  /** {@code node, id, id_max}: one row per node; id != id_max exactly when two identifiers share the node. */
  private static Dataset<Row> nodes(Dataset<Row> pairs, int salt) {
    return pairs.select(explode(array(col("id_a"), col("id_b"))).as("id"))
        .where(col("id").isNotNull())
        .groupBy(node(col("id"), salt).as("node"))
        .agg(min(col("id")).as("id"), max(col("id")).as("id_max"));
  }

  /** The node of an identifier: null stays null (xxhash64 would map it to its seed). */
  private static Column node(Column id, int salt) {
    Column hash = salt == 0 ? xxhash64(id) : xxhash64(lit(salt), id);
    return when(id.isNotNull(), hash);
  }
}
