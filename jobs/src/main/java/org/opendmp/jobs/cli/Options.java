package org.opendmp.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.config.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options shared by the commands that touch the lake: which env, and overrides of its keys. */
final class Options {
  private Options() {}

  /** {@code --env FILE} and {@code --set key=value}; loads and validates the env. */
  static final class Env {
    @Option(
        names = "--env",
        paramLabel = "FILE",
        description = "Env file: where the lake, landing zone and exports live (default: conf/env/local.yaml;"
            + " when that is absent too, e.g. under spark-submit, the env is given whole with --set).")
    Path envFile;

    @Option(
        names = "--set",
        paramLabel = "KEY=VALUE",
        description = "Override a key of the env file, e.g. --set lake_root=/data/lake (repeatable;"
            + " nested keys with dots: --set spark.shuffle_partitions=16; Spark settings:"
            + " --set spark.conf.spark.sql.adaptive.enabled=false).")
    Map<String, String> overrides = new LinkedHashMap<>();

    /**
     * The env file, validated, with overrides applied and local paths made absolute. Keys under
     * {@code spark.conf.} are Spark settings whose own names hold dots: they are passed whole.
     */
    EnvConfig load() {
      Path file = envFile != null ? envFile : Dmp.home().resolve("conf/env/local.yaml");
      Map<String, String> plain = new LinkedHashMap<>();
      Map<String, String> sparkConf = new LinkedHashMap<>();
      overrides.forEach(
          (k, v) -> {
            if (k.startsWith(SPARK_CONF)) {
              sparkConf.put(k.substring(SPARK_CONF.length()), v);
            } else {
              plain.put(k, v);
            }
          });
      EnvConfig loaded;
      if (envFile == null && !Files.exists(file)) {
        // No checkout here (spark-submit on a cluster node): the env is given whole with --set.
        loaded = Yaml.fromOverrides(EnvConfig.class, plain,
            "no env file: --env not given and " + file + " absent; keys from --set: " + String.join(", ", plain.keySet()));
      } else {
        loaded = Yaml.load(file, EnvConfig.class, plain);
      }
      return loaded.withSparkConf(sparkConf).resolvedAgainst(Dmp.home());
    }

    private static final String SPARK_CONF = "spark.conf.";
  }

  /** Parses {@code --date}: an ISO date, with a message that says so. */
  static LocalDate parseDate(String value) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a date (expected YYYY-MM-DD)");
    }
  }
}
