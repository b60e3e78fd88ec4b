package org.opendmp.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.spark.Sessions;
import org.opendmp.common.table.Lake;

/**
 * The one SparkSession of a test JVM (DESIGN.md §8): local[2], UI off, 2 shuffle partitions, UTC, bound to
 * 127.0.0.1, Delta and an embedded metastore in a temp folder. Built by the production factory so tests run
 * what users run. Never stopped by a test; the JVM's exit stops it.
 */
public final class SharedSpark {
  private static Path root;
  private static EnvConfig env;
  private static SparkSession spark;

  private SharedSpark() {}

  /** The shared session, created on first use. */
  public static synchronized SparkSession spark() {
    if (spark == null) {
      env = envAt(root());
      spark = Sessions.open("opendmp-tests", env);
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }

  /** The env the shared session was opened with (its metastore and default lake). */
  public static synchronized EnvConfig env() {
    spark();
    return env;
  }

  /**
   * A fresh, empty lake (and landing and export folders) for one test, using the shared session. Table names
   * in the catalog follow the lake most recently written through {@link Lake#ensure}.
   */
  public static Lake freshLake() {
    try {
      Path dir = Files.createTempDirectory(root(), "lake");
      EnvConfig base = env();
      EnvConfig fresh =
          new EnvConfig(
              dir.resolve("lake").toString(),
              dir.resolve("landing").toString(),
              dir.resolve("exports").toString(),
              base.confDir(),
              base.catalog(),
              base.metastoreDir(),
              base.spark(),
              base.piiKeyFile());
      return new Lake(spark(), fresh);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An env rooted at a folder, with test-sized Spark settings. The catalog is the embedded Hive metastore
   * unless the system property {@code opendmp.test.catalog} says {@code session} (faster table creation, for
   * modules whose tests do not test the catalog itself).
   */
  public static EnvConfig envAt(Path dir) {
    return new EnvConfig(
        dir.resolve("lake").toString(),
        dir.resolve("landing").toString(),
        dir.resolve("exports").toString(),
        Path.of("..").resolve("conf").toAbsolutePath().normalize().toString(),
        System.getProperty("opendmp.test.catalog", "hive"),
        dir.resolve("metastore").toString(),
        new EnvConfig.SparkSettings(
            "local[2]",
            2,
            "2g",
            Map.of("spark.default.parallelism", "2", "spark.sql.adaptive.coalescePartitions.enabled", "true")),
        testPiiKeyFile().toString());
  }

  /**
   * The PII key file of every test env (silver.customers_pii is encrypted; the jobs reading or writing it refuse
   * to run without a key): one random key per test JVM, written once under the temp root, mode 600 where the file
   * system allows it.
   */
  public static synchronized Path testPiiKeyFile() {
    Path file = root().resolve("pii.key");
    if (!Files.exists(file)) {
      byte[] key = new byte[32];
      new java.security.SecureRandom().nextBytes(key);
      try {
        Files.writeString(file, java.util.Base64.getEncoder().encodeToString(key) + "\n");
        file.toFile().setReadable(false, false);
        file.toFile().setReadable(true, true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return file;
  }

  private static synchronized Path root() {
    if (root == null) {
      try {
        root = Files.createTempDirectory("opendmp-test-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root;
  }
}
