package org.opendmp.common.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.opendmp.common.DmpException;

/**
 * Where data lives (conf/env/&lt;env&gt;.yaml): the lake, the landing zone, exports, the behaviour configs, and the
 * Spark settings. Behaviour lives in conf/*.yaml, never here. Relative local paths are resolved against the
 * OpenDMP home (the checkout, set by bin/dmp) so that commands work from any directory.
 *
 * @param lakeRoot root of the Delta tables, one folder per zone (local path or s3a:// URI)
 * @param landingRoot where feeds land: landing_root/&lt;source&gt;/dt=YYYY-MM-DD/
 * @param exportRoot where partner deliveries are written
 * @param confDir folder of the behaviour configs (conf/*.yaml)
 * @param catalog {@code hive}: an embedded Derby metastore under metastore_dir keeps table names across runs
 *     (one JVM at a time); {@code session}: use whatever catalog spark-submit configures
 * @param metastoreDir local folder of the embedded metastore (default lake_root/_metastore)
 * @param spark Spark settings
 * @param piiKeyFile the file holding the key of the encrypted columns of silver.customers_pii (base64 of 32 bytes),
 *     optional: the environment variables DMP_PII_KEY and DMP_PII_KEY_FILE win over it; never the key itself
 */
public record EnvConfig(
    String lakeRoot,
    String landingRoot,
    String exportRoot,
    String confDir,
    String catalog,
    String metastoreDir,
    SparkSettings spark,
    String piiKeyFile) {

  /** An env without a PII key file (the key then comes from the environment, or the jobs needing it refuse). */
  public EnvConfig(
      String lakeRoot, String landingRoot, String exportRoot, String confDir, String catalog, String metastoreDir,
      SparkSettings spark) {
    this(lakeRoot, landingRoot, exportRoot, confDir, catalog, metastoreDir, spark, null);
  }

  public EnvConfig {
    ConfigError.required(lakeRoot, "lake_root");
    ConfigError.required(landingRoot, "landing_root");
    ConfigError.required(exportRoot, "export_root");
    confDir = ConfigError.orDefault(confDir, "conf");
    catalog = ConfigError.orDefault(catalog, "hive").toLowerCase(Locale.ROOT);
    if (!catalog.equals("hive") && !catalog.equals("session")) {
      throw new ConfigError("catalog", "must be 'hive' or 'session', got '" + catalog + "'");
    }
    metastoreDir = ConfigError.orDefault(metastoreDir, join(lakeRoot, "_metastore"));
    spark = ConfigError.orDefault(spark, SparkSettings.DEFAULTS);
  }

  /** Spark settings; {@code master} is ignored under spark-submit, which sets its own. */
  public record SparkSettings(
      String master, Integer shufflePartitions, String driverMemory, Map<String, String> conf) {
    public static final SparkSettings DEFAULTS = new SparkSettings(null, null, null, null);

    public SparkSettings {
      master = ConfigError.orDefault(master, "local[*]");
      shufflePartitions =
          ConfigError.inRange(ConfigError.orDefault(shufflePartitions, 8), 1, 100_000, "shuffle_partitions");
      driverMemory = ConfigError.orDefault(driverMemory, "4g");
      if (!driverMemory.matches("\\d+[kKmMgGtT]?")) {
        throw new ConfigError("driver_memory", "must look like 512m or 4g, got '" + driverMemory + "'");
      }
      conf = Map.copyOf(ConfigError.orDefault(conf, Map.of()));
    }
  }

  /** The same config with more Spark settings (they win over the file's). */
  public EnvConfig withSparkConf(Map<String, String> more) {
    if (more.isEmpty()) {
      return this;
    }
    Map<String, String> merged = new java.util.LinkedHashMap<>(spark.conf());
    merged.putAll(more);
    return new EnvConfig(
        lakeRoot, landingRoot, exportRoot, confDir, catalog, metastoreDir,
        new SparkSettings(spark.master(), spark.shufflePartitions(), spark.driverMemory(), merged), piiKeyFile);
  }

  /** The same config with every relative local path made absolute against {@code home}. */
  public EnvConfig resolvedAgainst(Path home) {
    return new EnvConfig(
        resolve(home, lakeRoot),
        resolve(home, landingRoot),
        resolve(home, exportRoot),
        resolve(home, confDir),
        catalog,
        resolve(home, metastoreDir),
        spark,
        piiKeyFile == null ? null : resolve(home, piiKeyFile));
  }

  /**
   * A behaviour config file, e.g. {@code conf("ingest.yaml")}: in {@code conf_dir} when it is a folder (a checkout,
   * or configs shipped beside the job); otherwise the default bundled in the jar ({@code conf/} on the classpath,
   * as in the cluster jar), read in place. The bundled copy is the one built from this repository's conf/.
   */
  public Path conf(String fileName) {
    Path dir = Path.of(confDir);
    if (Files.isDirectory(dir)) {
      return dir.resolve(fileName);
    }
    return BundledConf.path(EnvConfig.class.getClassLoader(), fileName)
        .orElseThrow(() -> new DmpException("Cannot find behaviour config " + fileName + ": conf_dir is not a folder"
            + " and the jar bundles no conf/" + fileName + " (conf_dir " + confDir + ")"));
  }

  /** Where the behaviour configs come from, for dry runs and logs. */
  public String confSource() {
    return Files.isDirectory(Path.of(confDir))
        ? confDir
        : "defaults bundled in the jar (conf_dir " + confDir + " is not a folder)";
  }

  static String resolve(Path home, String location) {
    if (location.contains("://") || location.startsWith("file:")) {
      return location;
    }
    return home.resolve(location).normalize().toAbsolutePath().toString();
  }

  static String join(String root, String child) {
    return root.endsWith("/") ? root + child : root + "/" + child;
  }
}
