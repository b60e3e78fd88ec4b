package org.opendmp.common.spark;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.opendmp.common.config.EnvConfig;

/**
 * The one SparkSession factory. Delta extensions and catalog, UTC, java.time values in rows, the env's shuffle
 * partitions, and the catalog of the env: an embedded Derby metastore under {@code metastore_dir} so tables keep
 * their names across runs, or the session's own catalog under spark-submit.
 *
 * <p>Local masters are pinned to 127.0.0.1 (driver bind address and host): the machines this runs on must not
 * open a socket on any other address. Under spark-submit the master and the driver address come from the
 * cluster and are left alone.
 */
public final class Sessions {
  public static final String LOOPBACK = "127.0.0.1";

  private Sessions() {}

  /** The session for a job or command; returns the existing one when a session is already active. */
  public static SparkSession open(String appName, EnvConfig env) {
    SparkSession.Builder builder = SparkSession.builder().config(conf(appName, env));
    if (env.catalog().equals("hive")) {
      builder.enableHiveSupport();
    }
    return builder.getOrCreate();
  }

  /** The Spark configuration for an env: the defaults of this class, then the env's own {@code spark.conf}. */
  public static SparkConf conf(String appName, EnvConfig env) {
    SparkConf conf = new SparkConf(true); // true: spark-submit's --conf and system properties come first
    conf.setAppName(appName);
    if (!conf.contains("spark.master")) {
      conf.setMaster(env.spark().master());
    }
    if (conf.get("spark.master").startsWith("local")) {
      conf.set("spark.driver.bindAddress", LOOPBACK);
      conf.set("spark.driver.host", LOOPBACK);
      conf.setIfMissing("spark.ui.enabled", "false");
      // The default of 50 snapshot partitions makes every small Delta read slow on one machine.
      conf.setIfMissing("spark.databricks.delta.snapshotPartitions", "1");
    }
    conf.set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.set("spark.sql.session.timeZone", "UTC");
    conf.set("spark.sql.datetime.java8API.enabled", "true");
    conf.setIfMissing("spark.sql.debug.maxToStringFields", "200"); // bronze tables are wide: no truncation warning
    // Lake.replaceDate stamps run_date itself, so Delta's extra pass checking the replaceWhere predicate
    // against the new rows can never find anything.
    conf.setIfMissing("spark.databricks.delta.replaceWhere.constraintCheck.enabled", "false");
    conf.setIfMissing("spark.sql.shuffle.partitions", String.valueOf(env.spark().shufflePartitions()));
    conf.setIfMissing("spark.driver.memory", env.spark().driverMemory());
    if (env.catalog().equals("hive")) {
      String metastore = Path.of(env.metastoreDir()).toAbsolutePath().toString();
      conf.set("spark.sql.catalogImplementation", "hive");
      conf.set(
          "spark.hadoop.javax.jdo.option.ConnectionURL",
          "jdbc:derby:;databaseName=" + metastore + "/metastore_db;create=true");
      conf.set("spark.hadoop.datanucleus.schema.autoCreateAll", "true");
      conf.set("spark.hadoop.hive.metastore.schema.verification", "false");
      conf.set("spark.sql.warehouse.dir", metastore + "/warehouse");
      System.setProperty("derby.system.home", metastore);
    }
    for (Map.Entry<String, String> e : env.spark().conf().entrySet()) {
      conf.set(e.getKey(), e.getValue());
    }
    return conf;
  }
}
