package org.opendmp.jobs.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.ops.MaintenanceConfig.Floor;
import org.opendmp.jobs.profile.TraitsConfig;
import org.opendmp.jobs.run.Parallel;
import org.opendmp.jobs.score.ScoresConfig;
import org.opendmp.jobs.segment.SegmentsConfig;
import org.slf4j.LoggerFactory;

/**
 * {@code maintenance}, the last job of the night (conf/maintenance.yaml, README "Maintenance"): per existing lake
 * table, deletes the run_date partitions past their retention, compacts (and Z-orders) the night's partition,
 * vacuums unreferenced files; then deletes expired delivery folders under export_root. What it did goes to
 * ops.maintenance. Retention is counted back from the night's date, never from the clock; only VACUUM compares
 * file ages with the clock, which is how Delta protects readers of recent versions.
 */
public final class Maintenance implements Job {
  @Override
  public void check(EnvConfig env) {
    load(env);
  }

  @Override
  public RunSummary run(JobContext ctx) {
    return run(ctx, load(ctx.env()));
  }

  /** The config, refused when a retention rule would delete nights another job still reads. */
  static MaintenanceConfig load(EnvConfig env) {
    java.nio.file.Path file = env.conf("maintenance.yaml");
    MaintenanceConfig conf = MaintenanceConfig.load(file);
    conf.requireFloors(floors(env), file);
    return conf;
  }

  /** The nights of history jobs read back: rolling traits, segment event windows, propensity training. */
  static Map<TableDef, Floor> floors(EnvConfig env) {
    TraitsConfig traits = TraitsConfig.load(env.conf("traits.yaml"));
    SegmentsConfig segments = SegmentsConfig.load(env.conf("segments.yaml"));
    ScoresConfig.Propensity propensity = ScoresConfig.load(env.conf("scores.yaml"), traits).propensity();
    return Map.of(
        Tables.PERSON_DAILY, new Floor(traits.maxWindow(), "traits (longest window of conf/traits.yaml)"),
        Tables.SEGMENT_EVENTS, new Floor(segments.eventHistoryDays(), "segments (event_history_days of conf/segments.yaml)"),
        Tables.TRAITS, new Floor(propensity.historyDays() + propensity.horizonDays(),
            "scores (propensity history_days + horizon_days of conf/scores.yaml)"));
  }

  /** The night with an explicit config (tests). */
  public static RunSummary run(JobContext ctx, MaintenanceConfig conf) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();
    List<TableDef> tables = Tables.all().stream()
        // never created (its job has not run in this lake): nothing to keep small
        .filter(t -> !t.equals(Tables.MAINTENANCE) && DeltaTable.isDeltaTable(lake.spark(), lake.path(t)))
        .toList();
    List<Row> report = new ArrayList<>(Parallel.withSettings(lake.spark(), vacuumSettings(lake, conf.vacuumRetainHours()),
        () -> Parallel.map(tables, Parallel.threads(lake.spark()), t -> maintain(ctx, conf, t))));
    long rowsExpired = report.stream().mapToLong(r -> r.getLong(2)).sum();
    long filesCompacted = report.stream().mapToLong(r -> r.getLong(4)).sum();
    long filesVacuumed = report.stream().mapToLong(r -> r.getLong(7)).sum();
    long foldersExpired = 0;
    if (conf.exportsRetentionDays() != null) {
      ctx.stage("expired deliveries");
      for (Map.Entry<String, Long> e : expireDeliveries(lake, ctx.env().exportRoot(), date.minusDays(conf.exportsRetentionDays())).entrySet()) {
        report.add(RowFactory.create(e.getKey(), "exports", 0L, e.getValue(), 0L, 0L, null, 0L, date));
        foldersExpired += e.getValue();
      }
    }
    ctx.stage("publish");
    lake.replaceDate(Tables.MAINTENANCE, date, lake.spark().createDataFrame(report, Tables.MAINTENANCE.schema()));

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("tables", report.stream().filter(r -> r.getString(1).equals("table")).count());
    details.put("rows_expired", rowsExpired);
    details.put("folders_expired", foldersExpired);
    details.put("files_compacted", filesCompacted);
    details.put("files_vacuumed", filesVacuumed);
    return new RunSummary(ctx.job(), date, report.size(), report.size(), 0, details);
  }

  /** Retention, compaction and vacuum of one table: its ops.maintenance row. */
  private static Row maintain(JobContext ctx, MaintenanceConfig conf, TableDef t) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();
    ctx.stage(t.fullName() + ": retention");
    Integer days = conf.retentionDays().get(t);
    long expired = days != null ? expire(lake, t, date.minusDays(days)) : 0;
    ctx.stage(t.fullName() + ": compaction");
    List<String> zorder = conf.zorder().getOrDefault(t.fullName(), List.of());
    Dataset<Row> compactable = t.byRunDate() ? lake.readDate(t, date) : lake.read(t);
    boolean compacting = conf.compact() && compactable.inputFiles().length >= conf.compactMinFiles();
    long[] compacted = compacting ? compact(lake.delta(t), t, date, zorder) : new long[] {0, 0};
    ctx.stage(t.fullName() + ": vacuum");
    long vacuumed = conf.vacuumsOn(date) ? vacuum(lake, t, conf.vacuumRetainHours()) : 0;
    return RowFactory.create(t.fullName(), "table", expired, 0L, compacted[0], compacted[1],
        compacting && !zorder.isEmpty() ? String.join(",", zorder) : null, vacuumed, date);
  }

  /**
   * Deletes the partitions before {@code keepFrom}; the rows deleted. A metadata-only delete on run_date, and no
   * commit at all on the usual night when nothing is old enough (asked of the log, not the data).
   */
  private static long expire(Lake lake, TableDef t, LocalDate keepFrom) {
    if (lake.read(t).where(col("run_date").lt(lit(keepFrom))).inputFiles().length == 0) {
      return 0;
    }
    Dataset<Row> result = lake.spark().sql("DELETE FROM delta.`" + lake.path(t) + "` WHERE run_date < DATE'" + keepFrom + "'");
    Row r = result.isEmpty() ? null : result.first();
    return r == null || r.isNullAt(0) ? 0 : r.getLong(0);
  }

  /**
   * OPTIMIZE: the night's partition of a table written by night (Z-ordered when columns are configured), the whole
   * table otherwise (bin-packing skips files already large, so the work follows what the night added). Returns
   * {files removed, files added}.
   */
  private static long[] compact(DeltaTable delta, TableDef t, LocalDate date, List<String> zorder) {
    var optimize = t.byRunDate() ? delta.optimize().where("run_date = DATE'" + date + "'") : delta.optimize();
    Dataset<Row> result = zorder.isEmpty() ? optimize.executeCompaction() : optimize.executeZOrderBy(zorder.toArray(new String[0]));
    Row metrics = result.first().getStruct(1);
    return new long[] {metrics.<Long>getAs("numFilesRemoved"), metrics.<Long>getAs("numFilesAdded")};
  }

  /**
   * The session settings of the night's vacuums (and of the privacy job's zero-hour ones), set once around a
   * per-table loop: Delta's 168-hour safety check lifted when the retention is below it, and Delta's listing of a
   * table's folders in as many tasks as the shuffle partitions (Spark's default 10,000: minutes of empty tasks).
   */
  public static Map<String, String> vacuumSettings(Lake lake, int hours) {
    String check = "spark.databricks.delta.retentionDurationCheck.enabled";
    boolean checking = Boolean.parseBoolean(lake.spark().conf().get(check, "true"));
    return Map.of(check, String.valueOf(hours >= 168 && checking),
        "spark.sql.sources.parallelPartitionDiscovery.parallelism", lake.spark().conf().get("spark.sql.shuffle.partitions"));
  }

  /**
   * VACUUM LITE (the files the log says were removed, no listing of the table's folders); the files it deleted,
   * counted with a dry run first. Runs under {@link #vacuumSettings}.
   */
  private static long vacuum(Lake lake, TableDef t, int hours) {
    String sql = "VACUUM delta.`" + lake.path(t) + "` LITE RETAIN " + hours + " HOURS";
    try {
      return vacuum(lake, sql);
    } catch (RuntimeException e) {
      if (!String.valueOf(e.getMessage()).contains("LITE")) {
        throw e;
      }
      // LITE reads the removals the log recorded since the last vacuum; once that log is gone, only a listing can do
      LoggerFactory.getLogger(Maintenance.class).warn("{}: VACUUM LITE refused ({}), running a full vacuum", t.fullName(), e.getMessage());
      return vacuum(lake, sql.replace(" LITE ", " FULL "));
    }
  }

  private static long vacuum(Lake lake, String sql) {
    long files = lake.spark().sql(sql + " DRY RUN").count();
    if (files > 0) {
      lake.spark().sql(sql).collect();
    }
    return files;
  }

  /**
   * Deletes {@code <export_root>/<destination>/dt=D} folders with D before {@code keepFrom}; folders deleted per
   * {@code export_root/<destination>}. Folders not named dt=YYYY-MM-DD are not ours and are left alone.
   */
  static Map<String, Long> expireDeliveries(Lake lake, String exportRoot, LocalDate keepFrom) {
    Map<String, Long> out = new LinkedHashMap<>();
    Path root = new Path(exportRoot);
    try {
      FileSystem fs = root.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return out;
      }
      for (FileStatus destination : fs.listStatus(root)) {
        if (!destination.isDirectory()) {
          continue;
        }
        long deleted = 0;
        for (FileStatus night : fs.listStatus(destination.getPath())) {
          LocalDate d = nightOf(night);
          if (d != null && d.isBefore(keepFrom)) {
            if (!fs.delete(night.getPath(), true)) {
              throw new DmpException("Cannot delete expired delivery " + night.getPath() + ": the file system refused");
            }
            deleted++;
          }
        }
        out.put("export_root/" + destination.getPath().getName(), deleted);
      }
    } catch (IOException e) {
      throw new DmpException("Cannot expire deliveries under " + exportRoot + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static LocalDate nightOf(FileStatus folder) {
    String name = folder.getPath().getName();
    if (!folder.isDirectory() || !name.startsWith("dt=")) {
      return null;
    }
    try {
      return LocalDate.parse(name.substring(3));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
