package org.opendmp.jobs.identity.graph;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The result of {@link Components#run}.
 *
 * @param assignment {@code node BIGINT, component BIGINT}: one row per node, component the smallest node id of
 *     its component; already computed (backed by a checkpoint)
 * @param iterations rounds run, the last one being the round that changed nothing
 * @param starEdges edges of the final star forest (loops on single nodes included): nodes minus components, plus
 *     the single nodes
 */
public record ComponentsRun(Dataset<Row> assignment, int iterations, long starEdges) {}
