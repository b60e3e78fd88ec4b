package org.opendmp.jobs.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;

/**
 * Independent per-table work of one job (maintenance of each table, the erase of each table) on a few driver
 * threads. On small tables most of a Delta command's time is spent in the driver (planning, the log, the commit),
 * not in tasks, so two tables at once use the machine's second core. Spark sessions and Delta accept concurrent
 * commands on different tables.
 */
public final class Parallel {
  private Parallel() {}

  /** Driver threads for per-table work: the session's task slots, at most 4 (driver-side work does not scale further). */
  public static int threads(SparkSession spark) {
    return Math.max(1, Math.min(4, spark.sparkContext().defaultParallelism()));
  }

  /**
   * {@code f} of each item on {@code threads} threads; the results in the items' order. The first failure (in the
   * items' order) is rethrown once every started item has finished.
   */
  public static <T, R> List<R> map(List<T> items, int threads, Function<T, R> f) {
    if (threads <= 1 || items.size() <= 1) {
      return items.stream().map(f).toList();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()));
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(pool.submit(() -> f.apply(item)));
      }
      List<R> out = new ArrayList<>();
      RuntimeException first = null;
      for (Future<R> future : futures) {
        try {
          out.add(future.get());
        } catch (ExecutionException e) {
          if (first == null) {
            first = e.getCause() instanceof RuntimeException r ? r : new RuntimeException(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for per-table work", e);
        }
      }
      if (first != null) {
        throw first;
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs {@code work} with the session settings changed, then puts back the values they had (or unsets them).
   * Set once around a parallel loop, never per table: threads changing and restoring one session setting would
   * race.
   */
  public static <R> R withSettings(SparkSession spark, Map<String, String> settings, Supplier<R> work) {
    RuntimeConfig conf = spark.conf();
    Map<String, String> before = new java.util.HashMap<>();
    settings.keySet().forEach(k -> before.put(k, conf.contains(k) ? conf.get(k) : null));
    settings.forEach(conf::set);
    try {
      return work.get();
    } finally {
      before.forEach((k, v) -> {
        if (v == null) {
          conf.unset(k);
        } else {
          conf.set(k, v);
        }
      });
    }
  }
}
