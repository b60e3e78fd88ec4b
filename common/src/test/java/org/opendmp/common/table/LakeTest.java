package org.opendmp.common.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.opendmp.common.DmpException;
import org.opendmp.common.testing.SharedSpark;

class LakeTest {
  private static final LocalDate D1 = LocalDate.parse("2026-11-01");
  private static final LocalDate D2 = LocalDate.parse("2026-11-02");

  @Test
  void registryNamesAreUniqueAndBronzeHasRejectsTwins() {
    Set<String> names = new HashSet<>();
    for (TableDef t : Tables.all()) {
      assertThat(names.add(t.fullName())).as(t.fullName()).isTrue();
    }
    assertThat(Tables.rejectsOf(Tables.WEB_EVENTS).fullName()).isEqualTo("bronze.web_events_rejects");
    assertThat(Tables.byName("silver.customers_pii")).isPresent();
    for (TableDef t : Tables.all()) {
      if (t.zone() == Zone.BRONZE) {
        assertThat(t.columns()).contains("run_date", "source_file", "record_id");
      }
    }
  }

  @Test
  void ensureIsIdempotentAndRegistersTheName() {
    Lake lake = SharedSpark.freshLake();
    lake.ensure(Tables.JOB_RUNS);
    lake.ensure(Tables.JOB_RUNS);
    assertThat(lake.read(Tables.JOB_RUNS).count()).isZero();
    assertThat(lake.spark().table("ops.job_runs").columns()).containsExactly(Tables.JOB_RUNS.schema().fieldNames());
  }

  /** Analysts read what a table and its columns mean from the catalog (DESCRIBE TABLE EXTENDED). */
  @Test
  void tablesCarryTheirGrainAndColumnComments() {
    Lake lake = SharedSpark.freshLake();
    lake.ensure(Tables.PERSON_DAILY);
    java.util.List<Row> d = lake.spark().sql("DESCRIBE TABLE EXTENDED gold.person_daily").collectAsList();
    assertThat(d).anyMatch(r -> r.getString(0).equals("Comment") && r.getString(1).equals(Tables.PERSON_DAILY.grain()));
    assertThat(d).anyMatch(r -> r.getString(0).equals("trait") && "the trait name of conf/traits.yaml".equals(r.getString(2)));
  }

  /** Upgrading OpenDMP: a table created before a column was declared gains it, and keeps its rows. */
  @Test
  void anExistingTableGainsTheColumnsDeclaredSince() {
    Lake lake = SharedSpark.freshLake();
    TableDef before = TableDef.of(Zone.OPS, "evolving", "one row per test", "a STRING, run_date DATE", "run_date");
    TableDef after = TableDef.of(Zone.OPS, "evolving", "one row per test",
        "a STRING, b ARRAY<STRUCT<x:INT,y:DOUBLE>> COMMENT 'added later: x and y', run_date DATE", "run_date");
    lake.replaceDate(before, D1, lake.spark().sql("SELECT 'old' AS a"));
    lake.replaceDate(after, D2, lake.spark().sql("SELECT 'new' AS a, array(named_struct('x', 1, 'y', 2.0D)) AS b"));
    java.util.List<Row> rows = lake.read(after).orderBy("run_date").collectAsList();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).<String>getAs("a")).isEqualTo("old");
    assertThat(rows.get(0).isNullAt(rows.get(0).fieldIndex("b"))).isTrue();
    assertThat(rows.get(1).<scala.collection.Seq<Row>>getAs("b").apply(0).<Integer>getAs("x")).isEqualTo(1);
    assertThat(lake.spark().sql("DESCRIBE TABLE ops.evolving").collectAsList())
        .anyMatch(r -> r.getString(0).equals("b") && "added later: x and y".equals(r.getString(2)));
  }

  @Test
  void replaceDateIsIdempotentAndLeavesOtherDatesAlone() {
    Lake lake = SharedSpark.freshLake();
    String ddl =
        "job STRING, table_name STRING, check_name STRING, level STRING, passed BOOLEAN, observed DOUBLE,"
            + " expected STRING, message STRING, run_date DATE";
    Dataset<Row> day1 =
        rows(ddl, new Object[] {"j", "t", "c", "ERROR", true, 1.0, ">0", "ok", D1});
    Dataset<Row> day2 =
        rows(ddl, new Object[] {"j", "t", "c", "ERROR", false, 0.0, ">0", "empty", D2});
    lake.replaceDate(Tables.QUALITY_RESULTS, D1, day1);
    lake.replaceDate(Tables.QUALITY_RESULTS, D2, day2);
    lake.replaceDate(Tables.QUALITY_RESULTS, D2, day2);
    assertThat(lake.read(Tables.QUALITY_RESULTS).count()).isEqualTo(2);
    assertRows(
        lake.readDate(Tables.QUALITY_RESULTS, D2).select("passed", "message"), new Object[] {false, "empty"});
    // The name follows the lake that was written through it.
    assertThat(lake.spark().sql("SELECT count(*) FROM ops.quality_results").first().getLong(0)).isEqualTo(2);
  }

  @Test
  void conformRefusesAMissingColumnAndReordersOthers() {
    Dataset<Row> frame = rows("message STRING, job STRING", new Object[] {"m", "j"});
    assertThatThrownBy(() -> Lake.conform(Tables.JOB_RUNS, frame))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("Cannot write ops.job_runs: column run_date is missing");
  }
}
