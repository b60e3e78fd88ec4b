package org.opendmp.jobs.ops;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobContext;

/**
 * The maintenance job on a small lake: three nights of gold.scores written as many small files, delivery folders of
 * several nights; retention, compaction with Z-order, vacuum and expired deliveries, then a re-run that changes
 * nothing; and the config's load-time refusals.
 */
class MaintenanceTest {
  static final LocalDate NIGHT = LocalDate.parse("2026-11-05");

  @TempDir Path tmp;

  @Test
  void expiresCompactsVacuumsAndReRunsHarmlessly() throws IOException {
    Lake lake = SharedSpark.freshLake();
    for (int n = 0; n < 3; n++) {
      lake.replaceDate(Tables.SCORES, NIGHT.minusDays(2 - n), scores(40, n).repartition(4));
    }
    Path exports = Path.of(lake.env().exportRoot());
    for (String night : List.of("dt=2026-10-01", "dt=2026-10-05", "dt=2026-10-06", "dt=not-a-date")) {
      Files.createDirectories(exports.resolve("sms_partner").resolve(night));
      Files.writeString(exports.resolve("sms_partner").resolve(night).resolve("part.csv"), "x\n");
    }
    Files.writeString(exports.resolve("README.txt"), "not a destination");
    List<Row> keptBefore = sorted(lake.read(Tables.SCORES).where(col("run_date").geq(NIGHT.minusDays(1))));
    long parquetBefore = parquetFiles(lake, "gold/scores");

    MaintenanceConfig conf = config("""
        compact_min_files: 2
        zorder: {gold.scores: [person_id]}
        vacuum_retain_hours: 0
        vacuum_weekdays: [Thursday]
        retention:
          - {tables: gold.scor*, days: 1}
        exports_retention_days: 30
        """);
    RunSummary first = Maintenance.run(new JobContext("maintenance", lake, NIGHT), conf);

    Row scores = lake.readDate(Tables.MAINTENANCE, NIGHT).where(col("target").equalTo("gold.scores")).first();
    assertThat(scores.<Long>getAs("rows_expired")).isEqualTo(40); // night 1; night 2 is exactly 1 night before
    assertThat(scores.<Long>getAs("files_compacted")).isGreaterThanOrEqualTo(4); // the partition's small files
    assertThat(scores.<Long>getAs("files_written")).isEqualTo(1);
    assertThat(scores.<String>getAs("zorder_by")).isEqualTo("person_id");
    assertThat(scores.<Long>getAs("files_vacuumed")).isGreaterThanOrEqualTo(8); // night 1's 4 files + tonight's 4 small ones
    long referenced = lake.delta(Tables.SCORES).detail().first().<Long>getAs("numFiles");
    assertThat(parquetFiles(lake, "gold/scores")).isEqualTo(referenced).isLessThan(parquetBefore); // nothing unreferenced left
    assertThat(sorted(lake.read(Tables.SCORES))).containsExactlyElementsOf(keptBefore);

    Row deliveries = lake.readDate(Tables.MAINTENANCE, NIGHT).where(col("target").equalTo("export_root/sms_partner")).first();
    assertThat(deliveries.<Long>getAs("folders_expired")).isEqualTo(2);
    try (Stream<Path> left = Files.list(exports.resolve("sms_partner"))) {
      assertThat(left.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("dt=2026-10-06", "dt=not-a-date"); // 30 nights before 2026-11-05: the first night kept
    }
    assertThat(first.details()).containsEntry("rows_expired", 40L).containsEntry("folders_expired", 2L);

    RunSummary again = Maintenance.run(new JobContext("maintenance", lake, NIGHT), conf);
    assertThat(again.details()).containsEntry("rows_expired", 0L).containsEntry("folders_expired", 0L);
    assertThat(sorted(lake.read(Tables.SCORES))).containsExactlyElementsOf(keptBefore);
    assertThat(lake.readDate(Tables.MAINTENANCE, NIGHT).count()).isEqualTo(lake.readDate(Tables.MAINTENANCE, NIGHT).distinct().count());
  }

  @Test
  void shippedConfigLoadsWithTheJobsItProtects() {
    MaintenanceConfig conf = Maintenance.load(SharedSpark.env());
    assertThat(conf.retentionDays().get(Tables.rejectsOf(Tables.WEB_EVENTS))).isEqualTo(30); // first match wins
    assertThat(conf.retentionDays().get(Tables.WEB_EVENTS)).isEqualTo(395);
    assertThat(conf.retentionDays()).doesNotContainKey(Tables.PROFILES);
  }

  @Test
  void refusesWhatItCannotDo() throws IOException {
    assertThatThrownBy(() -> config("zorder: {silver.identifiers: [id_value]}"))
        .hasMessageContaining("current-state table").hasMessageContaining("zorder.silver.identifiers");
    assertThatThrownBy(() -> config("zorder: {gold.scores: [run_date]}")).hasMessageContaining("not a data column");
    assertThatThrownBy(() -> config("retention: [{tables: gold.nothing*, days: 3}]")).hasMessageContaining("matches no table");
    assertThatThrownBy(() -> config("retention: [{tables: gold.profile, days: 3}]")).hasMessageContaining("not a lake table");
    assertThatThrownBy(() -> config("vacuum_hours: 3")).hasMessageContaining("vacuum_hours");
    assertThatThrownBy(() -> config("vacuum_weekdays: [sundae]")).hasMessageContaining("monday ... sunday");
    assertThat(config("{}").vacuumsOn(NIGHT)).isFalse(); // a Thursday; sunday by default
    assertThat(config("{}").vacuumsOn(LocalDate.parse("2026-11-08"))).isTrue();

    Path file = tmp.resolve("short.yaml");
    Files.writeString(file, "retention:\n  - tables: gold.*\n    days: 30\n");
    MaintenanceConfig shortOne = MaintenanceConfig.load(file);
    assertThatThrownBy(() -> shortOne.requireFloors(Maintenance.floors(SharedSpark.env()), file))
        .hasMessageContaining("retention of gold.person_daily is 30 nights but traits")
        .hasMessageContaining("line 3, column 5");
  }

  private MaintenanceConfig config(String yaml) throws IOException {
    Path file = Files.createTempFile(tmp, "maintenance", ".yaml");
    Files.writeString(file, yaml);
    return MaintenanceConfig.load(file);
  }

  private static Dataset<Row> scores(int persons, int night) {
    List<Row> rows = new ArrayList<>();
    for (int p = 0; p < persons; p++) {
      rows.add(RowFactory.create("p" + p, "engagement", (double) (p + night), null));
    }
    return SharedSpark.spark().createDataFrame(rows, Tables.SCORES.schema());
  }

  private static List<Row> sorted(Dataset<Row> rows) {
    return rows.orderBy("run_date", "person_id").collectAsList();
  }

  private static long parquetFiles(Lake lake, String table) throws IOException {
    try (Stream<Path> files = Files.walk(Path.of(lake.env().lakeRoot(), table))) {
      return files.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).count();
    }
  }
}
