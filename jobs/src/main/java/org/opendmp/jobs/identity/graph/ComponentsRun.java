package org.opendmp.jobs.identity.graph;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The result of {@link Components#run}.
 *
 * @param assignment {@code node BIGINT, component BIGINT}: one row per node, component the smallest node id of
 *     its component; already computed (backed by a checkpoint)
 * @param iterations large-star/small-star rounds run (0 for an empty graph or one that is already a forest of
 *     stars around each component's smallest node)
 * @param nodes rows of the assignment
 */
public record ComponentsRun(Dataset<Row> assignment, int iterations, long nodes) {}
