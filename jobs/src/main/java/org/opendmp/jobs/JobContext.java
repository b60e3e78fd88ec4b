package org.opendmp.jobs;

import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.table.Lake;

/** What a job runs with: the lake (session + env), the job's name and the data date. */
public record JobContext(String job, Lake lake, LocalDate date) {

  public SparkSession spark() {
    return lake.spark();
  }

  public EnvConfig env() {
    return lake.env();
  }

  /** A behaviour config file of conf_dir, e.g. {@code conf("ingest.yaml")}. */
  public Path conf(String fileName) {
    return env().conf(fileName);
  }

  /** The landing folder of a source for the date: landing_root/source/dt=YYYY-MM-DD. */
  public String landing(String source) {
    String root = env().landingRoot().endsWith("/") ? env().landingRoot() : env().landingRoot() + "/";
    return root + source + "/dt=" + date;
  }

  /** Names the current stage in the Spark UI and the logs. */
  public void stage(String description) {
    spark().sparkContext().setJobDescription(job + " " + date + ": " + description);
    org.slf4j.LoggerFactory.getLogger("org.opendmp.jobs.stage").info("{} {}: {}", job, date, description);
  }
}
