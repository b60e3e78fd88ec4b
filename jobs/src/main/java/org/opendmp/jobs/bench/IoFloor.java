package org.opendmp.jobs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.spark.Sessions;

/**
 * The plain-Spark I/O floor of a night, for the benchmarks: read the same landing files as text with Spark
 * and write them to Delta, with no parsing and no logic. The nightly's cost is reported as a ratio to this.
 * Usage: {@code IoFloor LANDING_ROOT DATE OUT_DIR}; prints one JSON line.
 */
public final class IoFloor {
  private IoFloor() {}

  public static void main(String[] args) throws IOException {
    Path landing = Path.of(args[0]);
    LocalDate date = LocalDate.parse(args[1]);
    Path out = Path.of(args[2]);
    EnvConfig env =
        new EnvConfig(out.resolve("lake").toString(), landing.toString(), out.resolve("exports").toString(), "conf",
            "session", out.resolve("metastore").toString(), EnvConfig.SparkSettings.DEFAULTS);
    SparkSession spark = Sessions.open("io_floor", env);
    List<Path> folders;
    try (Stream<Path> s = Files.find(landing, 3, (p, a) -> a.isDirectory() && p.getFileName().toString().equals("dt=" + date))) {
      folders = s.sorted().toList();
    }
    long start = System.nanoTime(); // clock-ok: a benchmark
    long rows = 0;
    for (Path folder : folders) {
      String name = landing.relativize(folder.getParent()).toString().replace('/', '_');
      var lines = spark.read().text(folder.toString());
      lines.write().format("delta").mode("overwrite").save(out.resolve("floor").resolve(name).toString());
      rows += spark.read().format("delta").load(out.resolve("floor").resolve(name).toString()).count();
    }
    double seconds = (System.nanoTime() - start) / 1e9; // clock-ok
    System.out.printf("{\"floor_seconds\": %.1f, \"floor_rows\": %d, \"folders\": %d}%n", seconds, rows, folders.size());
    spark.stop();
  }
}
