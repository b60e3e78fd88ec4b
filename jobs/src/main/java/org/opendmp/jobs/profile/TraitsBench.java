package org.opendmp.jobs.profile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.spark.Sessions;
import org.opendmp.common.table.Lake;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.JobSpec;
import org.opendmp.jobs.run.JobRunner;

/**
 * bench/traits.sh's entry point: every night of a generated world through the registry up to {@code traits}, in
 * one session, then the traits job of the first and the last night re-run alternately. Prints one {@code NIGHT
 * {json}} line per night and one {@code RERUN {json}} line per re-run: seconds, and the bytes and records the
 * traits job's tasks read (Spark task input metrics).
 *
 * <p>{@code TraitsBench --landing DIR --work DIR --conf DIR --start DATE --days N [--repeat K] [--partitions P]
 * [--rerun-only true] [--from F]}: with {@code --rerun-only}, the N nights are already in the lake and only the
 * re-runs of nights 1 and N are measured; with {@code --from F}, nights 1..F-1 are already in the lake (a run stopped
 * early) and the nights run from F on.
 */
public final class TraitsBench {
  private TraitsBench() {}

  /** Input bytes and records of finished tasks. */
  static final class Reads extends SparkListener {
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong records = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() != null) {
        bytes.addAndGet(end.taskMetrics().inputMetrics().bytesRead());
        records.addAndGet(end.taskMetrics().inputMetrics().recordsRead());
      }
    }

    void reset() {
      bytes.set(0);
      records.set(0);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Path work = Path.of(a.get("work"));
    Files.createDirectories(work);
    int partitions = Integer.parseInt(a.getOrDefault("partitions", "4"));
    EnvConfig env = new EnvConfig(work.resolve("lake").toString(), a.get("landing"), work.resolve("exports").toString(),
        a.get("conf"), "session", null, new EnvConfig.SparkSettings("local[*]", partitions, "4g", Map.of()),
        benchKey(work).toString());
    SparkSession spark = Sessions.open("traits-bench", env);
    spark.sparkContext().setLogLevel("WARN");
    Reads reads = new Reads();
    spark.sparkContext().addSparkListener(reads);
    Lake lake = new Lake(spark, env);
    LocalDate start = LocalDate.parse(a.get("start"));
    int days = Integer.parseInt(a.get("days"));
    List<JobSpec> upstream = JobRegistry.until("identity");
    JobSpec traits = JobRegistry.byName("traits");
    // --rerun-only true: the nights are already in the lake (a previous run stopped early): only the re-runs
    boolean rerunOnly = Boolean.parseBoolean(a.getOrDefault("rerun-only", "false"));
    int from = Integer.parseInt(a.getOrDefault("from", "1"));
    for (int n = from - 1; n < days && !rerunOnly; n++) {
      LocalDate date = start.plusDays(n);
      double upstreamSeconds = 0;
      for (JobRunner.Outcome o : JobRunner.runAll(upstream, lake, date, s -> { })) {
        if (!o.ok()) {
          throw new IllegalStateException(o.spec().name() + " " + date + ": " + o.message());
        }
        upstreamSeconds += o.seconds();
      }
      System.out.println("NIGHT " + line(n + 1, date, timed(traits, lake, date, reads), upstreamSeconds));
    }
    int repeat = Integer.parseInt(a.getOrDefault("repeat", "3"));
    for (int r = 0; r < repeat; r++) {
      for (int n : new int[] {1, days}) {
        LocalDate date = start.plusDays(n - 1L);
        System.out.println("RERUN " + line(n, date, timed(traits, lake, date, reads), 0));
      }
    }
    spark.stop();
  }

  record Timed(JobRunner.Outcome outcome, long bytes, long records) {}

  static Timed timed(JobSpec traits, Lake lake, LocalDate date, Reads reads) throws InterruptedException {
    Thread.sleep(300); // let the listener bus drain the previous job's task ends
    reads.reset();
    JobRunner.Outcome o = JobRunner.run(traits, lake, date);
    if (!o.ok()) {
      throw new IllegalStateException("traits " + date + ": " + o.message());
    }
    Thread.sleep(300);
    return new Timed(o, reads.bytes.get(), reads.records.get());
  }

  static String line(int night, LocalDate date, Timed t, double upstreamSeconds) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("night", night);
    m.put("date", date.toString());
    m.put("traits_seconds", Math.round(t.outcome().seconds() * 100) / 100.0);
    m.put("upstream_seconds", Math.round(upstreamSeconds * 10) / 10.0);
    m.put("input_bytes", t.bytes());
    m.put("input_records", t.records());
    m.put("traits_rows", t.outcome().summary().rowsOut());
    m.putAll(t.outcome().summary().details());
    return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
  }

  /** The bench's PII key (ingest and identity need one): created in the work folder on first use, then reused. */
  private static Path benchKey(Path work) {
    Path file = work.resolve("pii.key");
    if (!Files.exists(file)) {
      org.opendmp.jobs.privacy.PiiKey.createFile(file);
    }
    return file;
  }
}
