package org.opendmp.jobs.identity.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.spark.Sessions;
import org.opendmp.jobs.identity.graph.ComponentOptions.CheckpointMode;

/**
 * bench/components.sh's entry point: ours against GraphX {@code connectedComponents} on the same synthetic
 * identity graph ({@link IdentityGraphs}), the partitions compared in Spark, one JSON line on stdout.
 *
 * <p>{@code ComponentsBench [--edges N] [--partitions P] [--mode reliable|local] [--interval K] [--seed S]
 * [--graphx true|false] [--warmup N] [--verbose true] [--aqe true|false]}
 */
public final class ComponentsBench {
  private ComponentsBench() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> a = parse(args);
    long edges = Long.parseLong(a.getOrDefault("edges", "100000"));
    int cores = Runtime.getRuntime().availableProcessors();
    int partitions = Integer.parseInt(a.getOrDefault("partitions", String.valueOf(2 * cores)));
    CheckpointMode mode = CheckpointMode.valueOf(a.getOrDefault("mode", "local").toUpperCase(Locale.ROOT));
    int interval = Integer.parseInt(a.getOrDefault("interval", "4"));
    long seed = Long.parseLong(a.getOrDefault("seed", "7"));
    boolean withGraphx = Boolean.parseBoolean(a.getOrDefault("graphx", "true"));
    long warmup = Long.parseLong(a.getOrDefault("warmup", "20000"));

    Path tmp = Files.createTempDirectory("components-bench-");
    EnvConfig env = new EnvConfig(tmp.resolve("lake").toString(), tmp.resolve("landing").toString(),
        tmp.resolve("exports").toString(), null, "session", null,
        new EnvConfig.SparkSettings("local[*]", partitions, "1g", Map.of(
            "spark.default.parallelism", String.valueOf(partitions),
            "spark.sql.adaptive.enabled", a.getOrDefault("aqe", "true"))));
    SparkSession spark = Sessions.open("components-bench", env);
    spark.sparkContext().setLogLevel("WARN");
    JobTimes times = new JobTimes(Boolean.parseBoolean(a.getOrDefault("verbose", "false")));
    spark.sparkContext().addSparkListener(times);
    ComponentOptions opts = ComponentOptions.DEFAULTS.withPartitions(partitions)
        .withCheckpoints(mode, interval, tmp.resolve("checkpoints").toString());

    if (warmup > 0) { // JIT and codegen caches warm for both sides, not reported
      Dataset<Row> small = IdentityGraphs.generate(spark, warmup, seed + 1, partitions).persist(StorageLevel.MEMORY_ONLY());
      small.count();
      Components.of(small, opts).count();
      if (withGraphx) {
        GraphXComponents.of(small).count();
      }
      small.unpersist(true);
    }

    Dataset<Row> graph = IdentityGraphs.generate(spark, edges, seed, partitions).persist(StorageLevel.MEMORY_ONLY());
    long rows = graph.count();
    times.clear();

    System.gc();
    long t0 = System.nanoTime(); // clock-ok: benchmark timing
    ComponentsRun ours = Components.run(graph, opts);
    long nodes = ours.assignment().count();
    double oursSeconds = (System.nanoTime() - t0) / 1e9; // clock-ok: benchmark timing
    Map<String, Double> rounds = times.seconds();
    Map<String, Integer> stages = times.stagesRun();

    double graphxSeconds = Double.NaN;
    PartitionCheck.Comparison same = null;
    if (withGraphx) {
      System.gc();
      long t1 = System.nanoTime(); // clock-ok: benchmark timing
      Dataset<Row> graphx = GraphXComponents.of(graph);
      long graphxNodes = graphx.count();
      graphxSeconds = (System.nanoTime() - t1) / 1e9; // clock-ok: benchmark timing
      same = PartitionCheck.compare(ours.assignment(), graphx);
      if (graphxNodes != nodes) {
        throw new IllegalStateException("node counts differ: ours " + nodes + ", GraphX " + graphxNodes);
      }
    }
    Row largest = Components.largest(ours.assignment(), 1).first();
    long components = Components.sizes(ours.assignment()).count();

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("edges_requested", edges);
    out.put("input_rows", rows);
    out.put("nodes", nodes);
    out.put("components", components);
    out.put("largest_component", largest.getLong(1));
    out.put("iterations", ours.iterations());
    out.put("ours_seconds", round(oursSeconds));
    out.put("graphx_seconds", round(graphxSeconds));
    out.put("speedup", round(graphxSeconds / oursSeconds));
    out.put("same_partition", same == null ? "not checked" : same.same());
    out.put("cores", cores);
    out.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    out.put("partitions", partitions);
    out.put("checkpoint", mode.name().toLowerCase(Locale.ROOT) + " every " + interval);
    out.put("aqe", spark.conf().get("spark.sql.adaptive.enabled"));
    out.put("ours_job_seconds", rounds);
    out.put("ours_stages", stages);
    System.out.println(json(out));
    spark.stop();
  }

  private static double round(double x) {
    return Double.isNaN(x) ? x : Math.round(x * 100) / 100.0;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      m.put(args[i].substring(2), args[i + 1]);
    }
    return m;
  }

  private static String json(Object v) {
    if (v instanceof Map<?, ?> map) {
      return map.entrySet().stream()
          .map(e -> "\"" + e.getKey() + "\":" + json(e.getValue()))
          .collect(Collectors.joining(",", "{", "}"));
    }
    if (v instanceof String s) {
      return "\"" + s.replace("\"", "\\\"") + "\"";
    }
    if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return "null";
    }
    return String.valueOf(v);
  }
}
