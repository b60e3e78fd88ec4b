package org.opendmp.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.opendmp.jobs.ingest.LandingFixture.lines;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.ids.Identifiers;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.privacy.FileScan;
import org.opendmp.jobs.privacy.Suppressions;
import org.opendmp.jobs.run.JobRunner;

/**
 * An erased person's CRM still sends them the night after (the CRM erases later, or never), and they log in to the
 * store's wifi again: their records must land nowhere, not in bronze, not among the rejects, not in
 * silver.customers_pii (encrypted, so a scan for the email could not tell), and be counted.
 */
class ErasedPersonSentAgainTest {
  static final LocalDate D = LocalDate.parse("2026-11-05");
  static final String ANNA = "anna.erased@example.org";
  static Lake lake;
  static Map<String, JobRunner.Outcome> outcomes = new java.util.HashMap<>();

  @BeforeAll
  static void anErasedPersonSentAgain() {
    lake = SharedSpark.freshLake();
    LandingFixture landing = new LandingFixture(lake.env().landingRoot());
    landing.write("crm", D, "customers_full_20261105.csv", FeedParsers.CRM_COLUMNS,
        lines(3, i -> String.format("C%04d;Name%d;Family;%s;06 12 34 56 %02d;1980-01-01;1 rue A;75001;Paris;L-%d;user%d;2020-01-01;0;Y;N;Y;;2026-11-04 08:00:00",
            i, i, i == 1 ? ANNA : "p" + i + "@example.org", i, i, i)));
    landing.write("store", D, "pos_transactions.csv", FeedParsers.POS_HEADER, lines(2, i -> "T" + i + ",S01,2026-11-05T15:00:00Z,L-" + i + ",,,75001,SKU-1,home,1,19.99"));
    landing.write("store", D, "wifi_logins.csv", FeedParsers.WIFI_HEADER,
        lines(2, i -> "2026-11-05T16:00:00Z,S01," + (i == 1 ? ANNA : "w" + i + "@example.org") + ",,m-" + i));
    // the privacy job erased Anna on an earlier night: her crm id and email hash are on the suppression list
    String salt = Suppressions.saltCreatingIt(lake);
    Dataset<Row> ids = lake.spark().createDataFrame(List.of(
        org.apache.spark.sql.RowFactory.create("crm_id", "C0001"),
        org.apache.spark.sql.RowFactory.create("email_sha256", Identifiers.emailSha256(ANNA))),
        new org.apache.spark.sql.types.StructType().add("id_type", "string").add("id_value", "string"));
    lake.append(Tables.ERASURE_SUPPRESSIONS, Lake.conform(Tables.ERASURE_SUPPRESSIONS,
        ids.select(Suppressions.key(salt, col("id_type"), col("id_value")).as("id_key"), lit("r1").as("request_id"),
            lit(D.minusDays(2)).as("erased_on"))));
    for (String job : List.of("ingest_crm", "ingest_store")) {
      outcomes.put(job, JobRunner.run(JobRegistry.byName(job), lake, D));
    }
  }

  @Test
  void theirRecordsLandNowhereAndAreCounted() {
    assertThat(outcomes.values()).allMatch(JobRunner.Outcome::ok);
    assertThat(lake.read(Tables.CRM_CUSTOMERS).select("crm_id").as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("C0000", "C0002");
    assertThat(lake.read(Tables.CUSTOMERS_PII).where(col("pii_key").equalTo("C0001")).count()).isZero();
    assertThat(lake.read(Tables.CUSTOMERS_PII).where(col("source").equalTo("crm")).count()).isEqualTo(2);
    assertThat(lake.read(Tables.STORE_WIFI_LOGINS).count()).isEqualTo(1);
    assertThat(lake.read(Tables.rejectsOf(Tables.CRM_CUSTOMERS)).count()).isZero();
    assertThat(lake.read(Tables.rejectsOf(Tables.STORE_WIFI_LOGINS)).count()).isZero();

    var crm = outcomes.get("ingest_crm").summary();
    assertThat(crm.rowsIn()).isEqualTo(3);
    assertThat(crm.rowsOut()).isEqualTo(2);
    assertThat(crm.details().get("bronze.crm_customers")).asString().contains("suppressed_erased=1");
    assertThat(outcomes.get("ingest_store").summary().details().get("bronze.store_wifi_logins")).asString()
        .contains("suppressed_erased=1");
    assertThat(outcomes.get("ingest_store").summary().details().get("bronze.store_transactions")).asString()
        .doesNotContain("suppressed");

    FileScan.Result scan = FileScan.scan(List.of(Path.of(lake.env().lakeRoot())), List.of(ANNA, Identifiers.emailSha256(ANNA)));
    assertThat(scan.hits()).as("files holding her email or its hash").isEmpty();
    assertThat(scan.scanned().getOrDefault(FileScan.Kind.PARQUET, 0)).isGreaterThan(3);
  }
}
