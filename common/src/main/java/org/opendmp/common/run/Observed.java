package org.opendmp.common.run;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Row counts taken while a frame is written, through Spark's {@link Observation}, instead of an extra pass.
 * Create it, wrap the frame with {@link #count}, write, then read {@link #rows}.
 */
public final class Observed {
  private final Observation observation;

  public Observed(String name) {
    this.observation = new Observation(name);
  }

  /** The frame, counting its rows when it is next computed. */
  public Dataset<Row> count(Dataset<Row> frame) {
    Column rows = functions.count(functions.lit(1)).as("rows");
    return frame.observe(observation, rows);
  }

  /** The rows counted by the action that computed the frame (0 if it produced none). */
  public long rows() {
    try {
      Object v = observation.getAsJava().get("rows");
      return v instanceof Long l ? l : 0L;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for an observed count", e);
    }
  }
}
