package org.opendmp.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.opendmp.jobs.ingest.LandingFixture.BINARY;
import static org.opendmp.jobs.ingest.LandingFixture.LATIN1;
import static org.opendmp.jobs.ingest.LandingFixture.accessLine;
import static org.opendmp.jobs.ingest.LandingFixture.lines;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.common.table.Zone;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.JobSpec;
import org.opendmp.jobs.run.JobRunner;

/** Every ingest job and conform on hand-written landing files with garbage of every kind. */
class IngestJobsTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02"); // a Monday: full CRM extract
  static final LocalDate D2 = LocalDate.parse("2026-11-03");
  static Lake lake;
  static LandingFixture landing;

  @BeforeAll
  static void writeLandingAndRunTwoNights() {
    lake = SharedSpark.freshLake();
    landing = new LandingFixture(lake.env().landingRoot());
    writeDay1();
    writeDay2();
    runNight(D1);
    runNight(D2);
  }

  static void runNight(LocalDate date) {
    for (JobSpec j : JobRegistry.until("conform")) {
      JobRunner.Outcome o = JobRunner.run(j, lake, date);
      assertThat(o.ok()).as(j.name() + ": " + o.message()).isTrue();
    }
  }

  static void writeDay1() {
    landing.write("weblogs", D1, "access-web1.log.gz", null,
        lines(120, i -> accessLine(i, i % 10 == 0 ? "/p/cars/SKU-" + i : "/search?q=voiture", true),
            BINARY, "10.0.0.1 - - [01/Nov/2026:10:00:00 +0000] \"GET /trunc", "10.0.0.1 - - [99/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"", LATIN1));
    landing.write("weblogs", D1, "collector-web.ndjson", null,
        lines(60, i -> "{\"ts\":\"2026-11-02T10:00:00Z\",\"event\":\"page_view\",\"url\":\"/?eh=" + org.opendmp.common.ids.Identifiers.emailSha256("p" + i + "@x.fr") + "\",\"cookie\":\"c-" + i + "\",\"ua\":\"" + LandingFixture.UA + "\"}",
            "{\"ts\":\"2026-11-02T10:00:00Z\",\"event\":", ""));
    landing.write("adserver", D1, "impressions.csv", FeedParsers.AD_HEADER,
        lines(100, i -> "2026-11-02T10:00:00Z,ad-" + i + ",CMP1,CR1,PL1,news.fr,1.2.3.4," + LandingFixture.UA.replace(",", ""),
            "2026-11-02T10:00:00Z,ad-x,CMP1", "not-a-date,ad-1,CMP1,CR1,PL1,news.fr,1.2.3.4,ua"));
    landing.write("adserver", D1, "clicks.csv.gz", FeedParsers.AD_HEADER, lines(5, i -> "2026-11-02T10:01:00Z,ad-" + i + ",CMP1,CR1,PL1,news.fr,1.2.3.4,ua"));
    landing.write("idsync", D1, "idsync.csv", FeedParsers.IDSYNC_HEADER,
        lines(50, i -> "2026-11-02T10:00:00Z," + (i % 2 == 0 ? "adserver,ad-" : "dataprovider_a,pa-") + i + ",c-" + i, "2026-11-02T10:00:00Z,only,three"));
    String crmHeader = FeedParsers.CRM_COLUMNS;
    landing.write("crm", D1, "customers_full_20261102.csv", crmHeader,
        lines(40, i -> String.format("C%04d;Jean%d;Dupont;jean%d@free.fr;06 12 34 56 %02d;1980-01-01;1 rue A;75001;Paris;L-%d;user%d;2020-01-01;0;Y;N;Y;;2026-11-01 08:00:00", i, i, i, i, i, i),
            "C9999;a;b;c@d.fr;0612345678;1980-31-31;s;75001;Paris;;;2020-01-01;0;Y;N;Y;Y;2026-11-01 08:00:00"));
    landing.write("store", D1, "pos_transactions.csv", FeedParsers.POS_HEADER,
        lines(40, i -> "T" + i + ",S01,2026-11-02T15:00:00Z," + (i % 2 == 0 ? "L-" + i + ",,," : ",Jean,Dupont,") + "75001,SKU-1,home,1,19.99", "T99,S01,2026-11-02T15:00:00Z,,,,,SKU,home,1,12abc"));
    landing.write("store", D1, "wifi_logins.csv", FeedParsers.WIFI_HEADER, lines(30, i -> "2026-11-02T16:00:00Z,S01,jean" + i + "@free.fr,,m-" + i));
    landing.write("callcenter", D1, "appointments.csv", FeedParsers.APPOINTMENT_HEADER, lines(20, i -> "A" + i + ",C000" + (i % 10) + ",2026-11-02T09:30:00Z,loan,AG1"));
    landing.write("catalog", D1, "mailings.csv", FeedParsers.MAILING_HEADER, List.of()); // an empty file
    landing.write("partner_data/dataprovider_a", D1, "segments.tsv", null, lines(30, i -> "pa-" + i + "\tage_35_44,csp_plus", "pa-x"));
    landing.write("partner_data/dataprovider_a", D1, "taxonomy.csv", FeedParsers.TAXONOMY_HEADER, lines(2, i -> (i == 0 ? "age_35_44,35-44,age_band" : "csp_plus,CSP+,csp")));
  }

  /** Day 2: a CRM delta (update, delete, insert) and only the required web feed. */
  static void writeDay2() {
    landing.write("weblogs", D2, "access-web1.log", null, lines(50, i -> accessLine(i, "/", true)));
    landing.write("crm", D2, "customers_delta_20261103.csv", "op;" + FeedParsers.CRM_COLUMNS,
        List.of(
            "U;C0001;Jean1;Dupont;new1@free.fr;;1980-01-01;2 rue B;69001;Lyon;L-1;user1;2020-01-01;1;N;N;Y;Y;2026-11-03 08:00:00",
            "D;C0002;;;;;;;;;;;;;;;;;2026-11-03 08:00:00",
            "I;C0100;Anne;Durand;anne@free.fr;;1990-01-01;;13001;Marseille;;;2026-11-03;0;Y;Y;Y;Y;2026-11-03 09:00:00"));
  }

  /** Records of the landing files per bronze table, counted from the files (header excluded). */
  static final Map<String, Long> DAY1_RECORDS =
      Map.of("bronze.web_events", 124L + 62L, "bronze.ad_events", 102L + 5L, "bronze.id_sync", 51L, "bronze.crm_customers", 41L,
          "bronze.store_transactions", 41L, "bronze.store_wifi_logins", 30L, "bronze.callcenter_appointments", 20L,
          "bronze.catalog_mailings", 0L, "bronze.partner_segments", 31L, "bronze.partner_taxonomy", 2L);

  @Test
  void everyRecordEndsInBronzeOrRejects() {
    for (Map.Entry<String, Long> e : DAY1_RECORDS.entrySet()) {
      TableDef t = Tables.byName(e.getKey()).orElseThrow();
      long bronze = lake.readDate(t, D1).count();
      long rejects = lake.readDate(Tables.rejectsOf(t), D1).count();
      assertThat(bronze + rejects).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void garbageOfEveryKindIsRejectedWithAReason() {
    List<String> reasons =
        lake.read(Tables.rejectsOf(Tables.WEB_EVENTS)).select("reject_reason").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(reasons).contains(
        "binary or control characters", "truncated line (unclosed quote)", "bad timestamp: '99/Nov/2026:10:00:00 +0000'",
        "invalid UTF-8 (wrong encoding?)", "empty line");
    assertThat(reasons).anyMatch(r -> r.startsWith("bad JSON"));
    assertThat(rejectReasons(Tables.AD_EVENTS)).contains("wrong column count: expected 8, found 3", "bad timestamp in event_time: 'not-a-date'");
    assertThat(rejectReasons(Tables.CRM_CUSTOMERS)).containsExactly("bad date in birth_date: '1980-31-31'");
    assertThat(rejectReasons(Tables.STORE_TRANSACTIONS)).containsExactly("bad number in amount: '12abc'");
    assertThat(rejectReasons(Tables.PARTNER_SEGMENTS)).containsExactly("wrong column count: expected 2, found 1");
    Row crmReject = lake.read(Tables.rejectsOf(Tables.CRM_CUSTOMERS)).first();
    assertThat(crmReject.getAs("raw_line").toString()).doesNotContain("c@d.fr", "0612345678").contains("<email>", "<phone>");
    assertThat(crmReject.getAs("source_file").toString()).isEqualTo("crm/dt=2026-11-02/customers_full_20261102.csv");
  }

  static List<String> rejectReasons(TableDef t) {
    return lake.read(Tables.rejectsOf(t)).select("reject_reason").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Test
  void customersFollowFullAndDeltaExtracts() {
    Map<String, Row> live =
        lake.read(Tables.CUSTOMERS).where("NOT deleted").collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getAs("crm_id"), r -> r));
    // 40 valid rows in the full extract (C9999 was rejected), then -C0002 deleted, +C0100 inserted.
    assertThat(live).hasSize(40).doesNotContainKeys("C0002", "C9999").containsKeys("C0000", "C0039", "C0100");
    Row updated = live.get("C0001");
    assertThat(updated.<String>getAs("postcode")).isEqualTo("69001");
    assertThat(updated.<Boolean>getAs("vip")).isTrue();
    assertThat(updated.<Boolean>getAs("consent_email")).isFalse();
    assertThat(updated.<String>getAs("email_sha256")).isEqualTo(org.opendmp.common.ids.Identifiers.emailSha256("new1@free.fr"));
    assertThat(updated.<LocalDate>getAs("extract_date")).isEqualTo(D2);
    Row tombstone = lake.read(Tables.CUSTOMERS).where("crm_id = 'C0002'").first();
    assertThat(tombstone.<Boolean>getAs("deleted")).isTrue();
    Row pii = lake.read(Tables.CUSTOMERS_PII).where("pii_key = 'C0002'").first();
    assertThat(pii.<Boolean>getAs("deleted")).isTrue();
    assertThat(pii.<String>getAs("email")).as("a deleted customer's contact data is cleared").isNull();
  }

  @Test
  void identifiersAndPairsAreCollected() {
    Row cookie = lake.read(Tables.IDENTIFIERS).where("id_type = 'cookie' AND id_value = 'c-3'").first();
    assertThat(cookie.<LocalDate>getAs("first_seen")).isEqualTo(D1);
    assertThat(cookie.<LocalDate>getAs("last_seen")).isEqualTo(D2);
    assertThat(cookie.<Integer>getAs("days_seen")).isEqualTo(2);
    List<String> sources =
        lake.readDate(Tables.ID_OBSERVATIONS, D1).select("source").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(sources).contains("web", "email_click", "idsync", "crm", "wifi");
    assertThat(lake.readDate(Tables.ID_OBSERVATIONS, D1)
            .where("id_type_a = 'ad_cookie' AND id_type_b = 'cookie' AND id_value_a = 'ad-0' AND id_value_b = 'c-0'").count())
        .isEqualTo(1);
    assertThat(lake.readDate(Tables.EVENTS, D1).select("channel").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("web", "ad", "store", "callcenter");
  }

  @Test
  void noClearContactDataInAnyTableAndCustomersPiiDecrypts() {
    for (TableDef t : Tables.all()) {
      if (t.zone() == Zone.OPS) {
        continue;
      }
      // silver.customers_pii included: its contact columns hold ciphertext only.
      String all = lake.read(t).toJSON().collectAsList().stream().collect(Collectors.joining("\n"));
      assertThat(all).as(t.fullName()).doesNotContain("@free.fr", "06 12 34", "Dupont");
    }
    var key = org.opendmp.jobs.privacy.PiiKey.require(lake.env(), "read silver.customers_pii");
    var clear = org.opendmp.jobs.privacy.PiiCipher.decrypt(lake.read(Tables.CUSTOMERS_PII), key);
    assertThat(clear.where("pii_key = 'C0005'").first().<String>getAs("email")).isEqualTo("jean5@free.fr");
    assertThat(clear.where("source = 'wifi'").count()).isEqualTo(30);
  }

  @Test
  void rerunningADateChangesNothing() {
    // D1 again, after D2: the same date twice, and an older date after a newer one.
    Map<String, List<String>> before = snapshot();
    runNight(D1);
    assertThat(snapshot()).isEqualTo(before);
    assertThat(lake.read(Tables.JOB_RUNS).where(col("run_date").equalTo(D1).and(col("job").equalTo("conform"))).count()).isEqualTo(2);
  }

  @Test
  void tooManyRejectsFailTheJobAndCommitNothing() {
    LocalDate d3 = LocalDate.parse("2026-11-04");
    landing.write("weblogs", d3, "access-web1.log", null, lines(10, i -> accessLine(i, "/", true), "x", "y", "z", "w", "v"));
    JobRunner.Outcome o = JobRunner.run(JobRegistry.byName("ingest_weblogs"), lake, d3);
    assertThat(o.ok()).isFalse();
    assertThat(o.message()).contains("reject ratio 33.33% exceeds 5.00%", "5 rejects", "not a combined log line x5", "bronze.web_events");
    assertThat(lake.readDate(Tables.WEB_EVENTS, d3).count()).isZero();
    assertThat(lake.readDate(Tables.rejectsOf(Tables.WEB_EVENTS), d3).count()).isZero();
    Row check = lake.readDate(Tables.QUALITY_RESULTS, d3).where("check_name = 'reject_ratio'").first();
    assertThat(check.<Boolean>getAs("passed")).isFalse();
    Row run = lake.read(Tables.JOB_RUNS).where(col("run_date").equalTo(d3)).first();
    assertThat(run.<String>getAs("status")).isEqualTo("failed");
  }

  @Test
  void aMissingRequiredFeedFailsAndAnOptionalOneIsZeroRows() {
    LocalDate d4 = LocalDate.parse("2026-11-05");
    JobRunner.Outcome crm = JobRunner.run(JobRegistry.byName("ingest_crm"), lake, d4);
    assertThat(crm.ok()).isFalse();
    assertThat(crm.message()).contains("Cannot ingest crm: its landing folder for 2026-11-05 is missing and the feed is required");
    JobRunner.Outcome ads = JobRunner.run(JobRegistry.byName("ingest_adserver"), lake, d4);
    assertThat(ads.ok()).isTrue();
    assertThat(ads.summary().rowsIn()).isZero();
  }

  static Map<String, List<String>> snapshot() {
    Map<String, List<String>> out = new TreeMap<>();
    for (TableDef t : Tables.all()) {
      if (t.zone() != Zone.OPS) {
        out.put(t.fullName(), lake.read(t).toJSON().collectAsList().stream().sorted().toList());
      }
    }
    return out;
  }
}
