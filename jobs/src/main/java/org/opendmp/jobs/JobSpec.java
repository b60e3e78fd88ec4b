package org.opendmp.jobs;

import java.util.List;
import java.util.function.Supplier;

/**
 * One entry of the job registry. The name is the contract: the class's job, its conf, the Airflow task id, the
 * Spark app name and the {@code ops.job_runs} row all use it.
 *
 * @param stage the DAG stage (ingest, privacy, conform, identity, ...), used for Airflow TaskGroups
 * @param inputs landing feeds ({@code landing:weblogs}) and tables ({@code bronze.web_events}) it reads
 * @param outputs tables it writes
 */
public record JobSpec(
    String name,
    String stage,
    String description,
    List<String> inputs,
    List<String> outputs,
    Supplier<Job> factory) {

  public JobSpec {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }
}
