package org.opendmp.jobs.identity.probabilistic;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@link ProbabilisticLinker#link} returns. The datasets are cached; {@link #close} releases them.
 *
 * @param pairs every compared pair with its probability and per-column levels and weights ({@link Scoring#score})
 * @param links the pairs at or above the spec's threshold (same columns)
 * @param clusters every record with its cluster ({@link Clustering#clusters}): {@code source, record_id,
 *     cluster_id, cluster_size}
 * @param model the fitted parameters
 * @param summary counts and time
 * @param spec the spec that was applied (its link type resolved)
 * @param cached what the linkage cached in the session, released by {@link #close}
 */
public record LinkResult(
    Dataset<Row> pairs, Dataset<Row> links, Dataset<Row> clusters, ModelParams model, LinkSummary summary, MatchSpec spec,
    List<Dataset<Row>> cached)
    implements AutoCloseable {

  /** Unpersists the cached datasets. */
  @Override
  public void close() {
    cached.forEach(Dataset::unpersist);
  }
}
