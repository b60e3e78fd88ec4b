package org.opendmp.jobs.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opendmp.common.testing.DatasetAssert.assertSameRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobContext;

/**
 * The profiles job on a tiny lake for two nights, identity merging two persons on the second: the second night run
 * twice gives identical rows, the survivor carries the absorbed person's history, the CRM's move survives.
 */
class ProfilesJobTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-01");
  static final LocalDate D2 = D1.plusDays(1);

  static final String CONF = """
      ttl_days: 30
      partner_max_age_days: 7
      departments: departments.csv
      agencies: agencies.csv
      attributes:
        - {name: postcode, field: postcode, rule: source_priority, sources: [crm, store]}
        - {name: postcodes, field: postcode, rule: union, sources: [crm, store]}
      """;

  static final String CUSTOMERS = "crm_id STRING, email_sha256 STRING, phone_sha256 STRING, login STRING, loyalty_card STRING,"
      + " birth_date DATE, postcode STRING, city STRING, customer_since DATE, vip BOOLEAN, consent_email BOOLEAN,"
      + " consent_sms BOOLEAN, consent_postal BOOLEAN, consent_ads BOOLEAN, consent_date DATE, updated_at TIMESTAMP,"
      + " extract_date DATE, deleted BOOLEAN";

  @TempDir static Path tmp;
  static Lake lake;
  static ProfilesConfig conf;
  static GeoReference geo;
  static final Map<String, Dataset<Row>> FIRST_RUN = new HashMap<>();
  static final Map<String, RunSummary> SUMMARIES = new HashMap<>();
  static final Map<String, Row> NIGHT2 = new HashMap<>();

  static Object[] customer(String id, String postcode, String updated) {
    return new Object[] {id, "e" + id, null, null, null, LocalDate.parse("1990-01-01"), postcode, "X", LocalDate.parse("2020-01-01"),
        false, true, false, false, null, null, Instant.parse(updated + "T08:00:00Z"), LocalDate.parse(updated), false};
  }

  static Dataset<Row> graph(String p2Owner) {
    LocalDate f = LocalDate.parse("2026-10-01");
    return rows(Tables.ID_GRAPH.schema().toDDL(),
        new Object[] {"crm_id", "C1", "P1", f, f}, new Object[] {"cookie", "k1", "P1", f, f},
        new Object[] {"cookie", "k2", p2Owner, LocalDate.parse("2026-09-01"), D2},
        new Object[] {"crm_id", "C3", "P3", f, f});
  }

  static Dataset<Row> events(LocalDate night, String... cookies) {
    Object[][] r = new Object[cookies.length][];
    for (int i = 0; i < cookies.length; i++) {
      r[i] = new Object[] {"e" + night + i, Instant.parse(night + "T10:00:00Z"), "page_view", "web", "cookie", cookies[i], null, null, null,
          null, null, null, null, null, false, null, "test", night};
    }
    return rows(Tables.EVENTS.schema().toDDL(), r);
  }

  static RunSummary run(LocalDate night) {
    return Profiles.run(new JobContext("profiles", lake, night), conf, geo);
  }

  static Dataset<Row> published(LocalDate night) {
    return lake.readDate(Tables.PROFILES, night);
  }

  @BeforeAll
  static void nights() throws Exception {
    Path file = tmp.resolve("profiles.yaml");
    Files.writeString(file, CONF);
    conf = ProfilesConfig.load(file);
    geo = GeoReference.load(Path.of("..", "conf", "departments.csv"), Path.of("..", "conf", "agencies.csv"));
    lake = SharedSpark.freshLake();
    // night 1: P1 (customer C1) and P2 active, P3 a customer never seen
    lake.overwrite(Tables.ID_GRAPH, graph("P2"));
    lake.overwrite(Tables.CUSTOMERS, rows(CUSTOMERS, customer("C1", "75011", "2026-10-01"), customer("C3", "69003", "2026-10-01")));
    lake.replaceDate(Tables.EVENTS, D1, events(D1, "k1", "k2"));
    lake.replaceDate(Tables.STORE_TRANSACTIONS, D1, rows(Tables.STORE_TRANSACTIONS.schema().toDDL()));
    lake.overwrite(Tables.HOUSEHOLDS, rows(Tables.HOUSEHOLDS.schema().toDDL()));
    lake.replaceDate(Tables.PARTNER_SEGMENTS, D1, rows(Tables.PARTNER_SEGMENTS.schema().toDDL(),
        new Object[] {"r1", "dataprovider_a", "u9", List.of("age_25_34"), "f", D1}));
    SUMMARIES.put("1a", run(D1));
    FIRST_RUN.put("1", published(D1).localCheckpoint());

    // night 2: identity merges P2 into P1; the CRM moves C1
    lake.overwrite(Tables.ID_GRAPH, graph("P1"));
    lake.replaceDate(Tables.PERSON_MERGES, D2, rows(Tables.PERSON_MERGES.schema().toDDL(),
        new Object[] {"merge", "P2", "P1", "test", null, null, null, null, null, D2}));
    lake.overwrite(Tables.CUSTOMERS, rows(CUSTOMERS, customer("C1", "13008", D2.toString()), customer("C3", "69003", "2026-10-01")));
    lake.replaceDate(Tables.EVENTS, D2, events(D2, "k2"));
    SUMMARIES.put("2a", run(D2));
    FIRST_RUN.put("2", published(D2).localCheckpoint());
    SUMMARIES.put("2b", run(D2));
    published(D2).collectAsList().forEach(r -> NIGHT2.put(r.getAs("person_id"), r));
  }

  @Test
  void reRunningANightGivesIdenticalRows() {
    // the second night (carried rows, a merge) is run twice; the first night's partition is left as it was
    assertSameRows(published(D2), FIRST_RUN.get("2"));
    assertThat(SUMMARIES.get("2b").details()).isEqualTo(SUMMARIES.get("2a").details());
    assertSameRows(published(D1), FIRST_RUN.get("1"));
    assertThat(FIRST_RUN.get("1").count()).isEqualTo(3);
  }

  @Test
  void theSurvivorOfAMergeCarriesBothHistories() {
    assertThat(NIGHT2.keySet()).containsExactlyInAnyOrder("P1", "P3");
    Row p1 = NIGHT2.get("P1");
    assertThat(p1.<LocalDate>getAs("first_seen")).isEqualTo(LocalDate.parse("2026-09-01")); // k2's, through the merge
    assertThat(p1.<LocalDate>getAs("last_activity")).isEqualTo(D2);
    assertThat(p1.<String>getAs("postcode")).isEqualTo("13008");
    assertThat(p1.<String, String>getJavaMap(p1.fieldIndex("attributes"))).containsEntry("postcodes", "13008|75011");
    assertThat(p1.<String, Long>getJavaMap(p1.fieldIndex("identifiers"))).containsEntry("cookie", 2L).containsEntry("crm_id", 1L);
    assertThat(p1.<String>getAs("region")).isEqualTo("paca");
    assertThat(p1.<Boolean>getAs("contactable_email")).isTrue(); // no email_sha256 in the graph: the CRM's hashed email counts
  }

  @Test
  void theSummarySaysWhatTheNightRead() {
    assertThat(SUMMARIES.get("1a").details()).containsEntry("previous_night", "none").containsEntry("profiles", 3L)
        .containsEntry("customers", 2L);
    assertThat(SUMMARIES.get("2a").details()).containsEntry("previous_night", D1.toString()).containsEntry("merge_aliases", 1L)
        .containsEntry("profiles", 2L);
  }
}
