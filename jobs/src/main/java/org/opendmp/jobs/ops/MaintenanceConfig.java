package org.opendmp.jobs.ops;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.Yaml;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.profile.YamlPositions;

/**
 * conf/maintenance.yaml: how the nightly {@code maintenance} job keeps the lake small and fast (README
 * "Maintenance"). Table names are checked against the declared tables at load.
 *
 * @param compact bin-pack the small files a night wrote (OPTIMIZE); tables written by night: only the night's
 *     run_date partition, so the cost follows the night's data (default true)
 * @param compactMinFiles a night's partition (a current-state table: the table) with fewer data files is left as it
 *     is: compacting a few files costs more than it saves (2..10000, default 8)
 * @param zorder table -> columns the night's partition is clustered by while compacting (Z-order), e.g. person_id
 *     so that a lookup of one person reads few files; only tables written by night
 * @param vacuumRetainHours VACUUM removes data files no table version younger than this needs (0..8760, default
 *     168); below 168 Delta's own safety check is lifted for the call, which breaks readers of older versions
 * @param vacuumWeekdays the nights (by the date's day of week, never the clock) that vacuum, default [sunday]:
 *     with a week's retention, vacuuming more often frees little
 * @param retention rules, first match wins: the run_date partitions of matching tables older than {@code days}
 *     before the night are deleted
 * @param exportsRetentionDays delivery folders {@code export_root/<destination>/dt=D} older than this many nights are
 *     deleted (1..3660; absent: kept forever)
 */
public record MaintenanceConfig(
    Boolean compact,
    Integer compactMinFiles,
    Map<String, List<String>> zorder,
    Integer vacuumRetainHours,
    List<String> vacuumWeekdays,
    List<Retention> retention,
    Integer exportsRetentionDays) {

  public MaintenanceConfig {
    compact = ConfigError.orDefault(compact, true);
    compactMinFiles = ConfigError.inRange(ConfigError.orDefault(compactMinFiles, 8), 2, 10000, "compact_min_files");
    zorder = Map.copyOf(ConfigError.orDefault(zorder, Map.of()));
    zorder.forEach((name, columns) -> {
      TableDef t = nightly(name, "zorder." + name);
      if (columns == null || columns.isEmpty()) {
        throw new ConfigError("zorder." + name, "needs at least one column");
      }
      for (String c : columns) {
        if (!t.columns().contains(c) || t.partitionBy().contains(c)) {
          throw new ConfigError("zorder." + name, "'" + c + "' is not a data column of " + name + " (have " + t.columns() + ")");
        }
      }
    });
    vacuumRetainHours = ConfigError.inRange(ConfigError.orDefault(vacuumRetainHours, 168), 0, 8760, "vacuum_retain_hours");
    vacuumWeekdays = List.copyOf(ConfigError.orDefault(vacuumWeekdays, List.of("sunday")));
    for (String day : vacuumWeekdays) {
      if (Arrays.stream(DayOfWeek.values()).noneMatch(d -> d.name().equalsIgnoreCase(day))) {
        throw new ConfigError("vacuum_weekdays", "must list days of the week (monday ... sunday), got '" + day + "'");
      }
    }
    retention = List.copyOf(ConfigError.orDefault(retention, List.of()));
    if (exportsRetentionDays != null) {
      ConfigError.inRange(exportsRetentionDays, 1, 3660, "exports_retention_days");
    }
  }

  /**
   * One retention rule.
   *
   * @param tables a table name ({@code zone.name}) or a pattern where {@code *} stands for any characters
   *     ({@code bronze.*_rejects}); it must match at least one table written by night, and a plain name must be one
   * @param days partitions whose run_date is more than this many nights before the night are deleted (1..3660)
   */
  public record Retention(String tables, Integer days) {
    public Retention {
      ConfigError.required(tables, "tables");
      ConfigError.inRange(ConfigError.required(days, "days"), 1, 3660, "days");
      if (!tables.contains("*")) {
        nightly(tables, "tables");
      } else if (Tables.all().stream().noneMatch(t -> t.byRunDate() && matches(tables, t))) {
        throw new ConfigError("tables", "'" + tables + "' matches no table written by night");
      }
    }

    boolean covers(TableDef t) {
      return t.byRunDate() && matches(tables, t);
    }
  }

  public static MaintenanceConfig load(Path file) {
    return Yaml.load(file, MaintenanceConfig.class);
  }

  /** True when the night's day of the week is one of vacuum_weekdays. */
  public boolean vacuumsOn(LocalDate night) {
    return vacuumWeekdays.stream().anyMatch(d -> d.equalsIgnoreCase(night.getDayOfWeek().name()));
  }

  /** Every table written by night with a retention rule, and its days (first matching rule), in declaration order. */
  public Map<TableDef, Integer> retentionDays() {
    Map<TableDef, Integer> out = new LinkedHashMap<>();
    for (TableDef t : Tables.all()) {
      retention.stream().filter(r -> r.covers(t)).findFirst().ifPresent(r -> out.put(t, r.days()));
    }
    return out;
  }

  /**
   * Fails when a retention rule would delete nights another job still reads, e.g. gold.person_daily kept 30 nights
   * while a trait rolls over 90: {@code floors} maps a table to the nights its readers need and why.
   */
  public void requireFloors(Map<TableDef, Floor> floors, Path file) {
    YamlPositions positions = YamlPositions.of(file);
    retentionDays().forEach((table, days) -> {
      Floor floor = floors.get(table);
      if (floor != null && days < floor.nights()) {
        int rule = retention.indexOf(retention.stream().filter(r -> r.covers(table)).findFirst().orElseThrow());
        YamlPositions.Position at = positions.of("retention[" + rule + "].days");
        throw new DmpException("Cannot load maintenance config: retention of " + table.fullName() + " is " + days
            + " nights but " + floor.reader() + " reads " + floor.nights() + " (file " + file
            + (at == null ? "" : ", " + at) + ", key retention[" + rule + "].days)");
      }
    });
  }

  /** The nights of a table a job needs, and which job and setting says so. */
  public record Floor(int nights, String reader) {}

  private static TableDef nightly(String name, String key) {
    TableDef t = Tables.byName(name).orElseThrow(() -> new ConfigError(key, "'" + name + "' is not a lake table"));
    if (!t.byRunDate()) {
      throw new ConfigError(key, "'" + name + "' is a current-state table, not written by night (run_date)");
    }
    return t;
  }

  private static boolean matches(String pattern, TableDef t) {
    String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q");
    return t.fullName().matches(regex);
  }
}
