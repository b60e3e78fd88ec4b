package org.opendmp.jobs.profile;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.testing.SharedSpark;

/**
 * Profiles on a few inline rows of every input: survivorship rules, consents and contactability, region and
 * agency, partner segments through ID sync, a merge carried, the TTL drop-out, customers who stay.
 */
class ProfileFramesTest {
  static final LocalDate D = LocalDate.parse("2026-11-10");

  static final String CONF = """
      ttl_days: 30
      partner_max_age_days: 7
      max_values: 3
      departments: departments.csv
      agencies: agencies.csv
      attributes:
        - {name: postcode, field: postcode, rule: source_priority, sources: [crm, store]}
        - {name: city, field: city, rule: most_recent, sources: [crm]}
        - {name: birth_date, field: birth_date, rule: first_seen, sources: [crm]}
        - {name: last_postcode, field: postcode, rule: most_recent, sources: [store, crm]}
        - {name: first_postcode, field: postcode, rule: first_seen, sources: [crm, store]}
        - {name: postcodes, field: postcode, rule: union, sources: [crm, store]}
      """;

  static final String VALUES = "ARRAY<STRUCT<field:STRING,source:STRING,value:STRING,first_seen:DATE,last_seen:DATE>>";
  static final String PREVIOUS = "person_id STRING, first_seen DATE, last_activity DATE, attribute_values " + VALUES
      + ", consent_dates MAP<STRING,DATE>, consent_email BOOLEAN, consent_sms BOOLEAN, consent_postal BOOLEAN, consent_ads BOOLEAN"
      + ", consent_analytics BOOLEAN, consent_data_sharing BOOLEAN";

  @TempDir static Path tmp;
  static ProfilesConfig conf;
  static GeoReference geo;
  static Map<String, Row> profiles;
  static Dataset<Row> all;

  static LocalDate d(String s) {
    return LocalDate.parse(s);
  }

  static Row v(String field, String source, String value, String first, String last) {
    return RowFactory.create(field, source, value, d(first), d(last));
  }

  static ProfilesConfig load(String text) throws Exception {
    Path file = tmp.resolve("profiles-" + Math.abs(text.hashCode()) + ".yaml");
    Files.writeString(file, text);
    return ProfilesConfig.load(file);
  }

  static Dataset<Row> graph() {
    LocalDate f = d("2026-02-01");
    return rows("id_type STRING, id_value STRING, person_id STRING, first_seen DATE",
        new Object[] {"crm_id", "C1", "P1", d("2025-06-01")}, new Object[] {"cookie", "k1", "P1", f},
        new Object[] {"email_sha256", "e1", "P1", f},
        new Object[] {"cookie", "k2", "P2", f}, new Object[] {"ad_cookie", "a2", "P2", f},
        new Object[] {"partner_uid:dataprovider_a", "u2", "P2", f}, new Object[] {"partner_uid:dataprovider_b", "b2", "P2", f},
        new Object[] {"cookie", "k3", "P3", f}, new Object[] {"cookie", "k3b", "P3b", f},
        new Object[] {"cookie", "k4", "P5", d("2026-04-01")}, new Object[] {"cookie", "k5", "P5", d("2026-03-01")},
        new Object[] {"crm_id", "C6", "P6", f}, new Object[] {"cookie", "k6", "P6", f},
        new Object[] {"crm_id", "C7a", "P7", f}, new Object[] {"crm_id", "C7b", "P7", f},
        new Object[] {"phone_sha256", "ph7", "P7", f}, new Object[] {"loyalty_card", "L7", "P7", f},
        new Object[] {"cookie", "k8", "P8", f},
        new Object[] {"pii_record", "store.csv:9", "P9", D});
  }

  static Dataset<Row> customers() {
    String ddl = "crm_id STRING, email_sha256 STRING, phone_sha256 STRING, login STRING, loyalty_card STRING, birth_date DATE,"
        + " postcode STRING, city STRING, customer_since DATE, vip BOOLEAN, consent_email BOOLEAN, consent_sms BOOLEAN,"
        + " consent_postal BOOLEAN, consent_ads BOOLEAN, consent_date DATE, updated_at TIMESTAMP, extract_date DATE, deleted BOOLEAN";
    return rows(ddl,
        new Object[] {"C1", "e1", null, null, null, d("1980-11-11"), "20000", "Ajaccio", d("2019-03-01"), true, true, true, true, null,
            d("2025-05-01"), Instant.parse("2025-05-01T10:00:00Z"), d("2025-05-02"), false},
        new Object[] {"C6", null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            Instant.parse("2026-11-01T10:00:00Z"), d("2026-11-01"), true},
        new Object[] {"C7a", "e7", null, null, null, d("1970-01-01"), "99999", "Nowhere", d("2001-01-01"), true, true, true, true, true,
            d("2026-01-01"), Instant.parse("2026-01-01T10:00:00Z"), d("2026-01-01"), true},
        new Object[] {"C7b", null, "ph7", null, "L7", d("1980-11-10"), "59000", "Lille", d("2015-01-01"), false, true, true, false, true,
            d("2026-11-09"), Instant.parse("2026-11-09T10:00:00Z"), d("2026-11-10"), false});
  }

  static Dataset<Row> pii() {
    return rows("pii_key STRING, source STRING, first_name STRING, last_name STRING, email STRING, phone STRING, street STRING,"
            + " postcode STRING, city STRING, birth_date DATE, updated_at TIMESTAMP, extract_date DATE, deleted BOOLEAN",
        new Object[] {"C1", "crm", "A", "B", null, null, "1 rue X", "20000", "Ajaccio", null, null, null, false},
        new Object[] {"C7b", "crm", "C", "D", null, null, null, "59000", "Lille", null, null, null, false},
        new Object[] {"store.csv:9", "store", "E", "F", null, null, "2 rue Y", "33000", null, null, null, null, false});
  }

  static Dataset<Row> events() {
    String ddl = "id_type STRING, id_value STRING, is_bot BOOLEAN, run_date DATE";
    return rows(ddl,
        new Object[] {"cookie", "k2", false, D}, new Object[] {"cookie", "k6", null, D},
        new Object[] {"cookie", "k8", true, D}, new Object[] {"cookie", "nobody", false, D},
        new Object[] {"loyalty_card", "L7", false, D}, new Object[] {"pii_record", "store.csv:9", false, D});
  }

  static Dataset<Row> pos() {
    return rows("record_id STRING, loyalty_card STRING, has_name BOOLEAN, postcode STRING, txn_time TIMESTAMP",
        new Object[] {"store.csv:7", "L7", false, " 59100 ", Instant.parse("2026-11-10T09:00:00Z")},
        new Object[] {"store.csv:8", null, false, "75011", Instant.parse("2026-11-10T09:00:00Z")},
        new Object[] {"store.csv:9", null, true, "33000", Instant.parse("2026-11-10T10:00:00Z")},
        new Object[] {"store.csv:10", "L7", false, "", Instant.parse("2026-11-10T11:00:00Z")});
  }

  static Dataset<Row> previous() {
    Map<String, LocalDate> p7dates = Map.of("email", d("2026-10-01"), "sms", d("2026-10-01"), "postal", d("2026-10-01"));
    return rows(PREVIOUS,
        new Object[] {"P3", d("2026-01-01"), D.minusDays(31), List.of(), Map.of(), null, null, null, null, null, null},
        new Object[] {"P3b", d("2026-01-01"), D.minusDays(30), List.of(), Map.of(), null, null, null, null, null, null},
        new Object[] {"P4", d("2026-01-05"), D.minusDays(3), List.of(v("postcode", "store", "59000", "2026-11-07", "2026-11-07")),
            Map.of(), null, null, null, null, null, null},
        new Object[] {"P5", d("2026-03-01"), D.minusDays(1), List.of(), Map.of(), null, null, null, null, null, null},
        new Object[] {"P6", d("2026-02-01"), D.minusDays(2), List.of(v("postcode", "crm", "75015", "2026-02-01", "2026-02-01"),
            v("postcode", "store", "92100", "2026-02-03", "2026-02-03")), Map.of("email", d("2026-02-01")), true, null, null, null, null, null},
        new Object[] {"P7", d("2026-02-01"), D.minusDays(5), List.of(v("postcode", "store", "59000", "2026-10-01", "2026-10-20")),
            p7dates, false, true, false, null, null, null});
  }

  static Dataset<Row> deliveries() {
    return rows("record_id STRING, partner STRING, partner_uid STRING, segments ARRAY<STRING>, run_date DATE",
        new Object[] {"a:1", "dataprovider_a", "u2", List.of("age_18_24"), D.minusDays(10)},
        new Object[] {"a:2", "dataprovider_a", "u2", List.of("age_25_34", "csp_cadre", "region_idf"), D.minusDays(2)},
        new Object[] {"a:3", "dataprovider_a", "u2", List.of("age_65_plus"), D.plusDays(1)},
        new Object[] {"b:1", "dataprovider_b", "b2", List.of("int_cars", "auto_intender", "unknown_code"), D},
        new Object[] {"b:2", "dataprovider_b", "nobody", List.of("int_cars"), D});
  }

  static Dataset<Row> taxonomy() {
    return rows("record_id STRING, partner STRING, segment_code STRING, category STRING, run_date DATE",
        new Object[] {"t:1", "dataprovider_a", "age_25_34", "age_band", D.minusDays(20)},
        new Object[] {"t:2", "dataprovider_a", "csp_cadre", "csp", D.minusDays(20)},
        new Object[] {"t:3", "dataprovider_a", "region_idf", "region", D.minusDays(20)},
        new Object[] {"t:4", "dataprovider_b", "int_cars", "interest", D},
        new Object[] {"t:5", "dataprovider_b", "auto_intender", "interest", D});
  }

  static Dataset<Row> households() {
    return rows("person_id STRING, household_id STRING", new Object[] {"P7", "H1"}, new Object[] {"P2", "H1"});
  }

  /** The inputs of {@link ProfileFrames#profiles}, computed once (the conf variants share their attributes). */
  static Dataset<Row> carried, identities, customers, activity, values, partners, geoTable, graphRows;

  static void inputs() {
    Dataset<Row> graph = graph().localCheckpoint();
    graphRows = graph;
    Dataset<Row> aliases = TraitFrames.aliases(rows("old_person_id STRING, new_person_id STRING, run_date DATE", new Object[] {"P4", "P5", D}));
    carried = ProfileFrames.carried(previous(), aliases).localCheckpoint();
    customers = ProfileFrames.customers(graph, customers(), pii(), D).localCheckpoint();
    Dataset<Row> statements = ProfileFrames.crmStatements(customers, conf).unionByName(ProfileFrames.storeStatements(pos(), graph));
    values = ProfileFrames.values(carried, statements, conf).localCheckpoint();
    identities = ProfileFrames.identities(graph).localCheckpoint();
    activity = ProfileFrames.activity(events(), graph).localCheckpoint();
    partners = ProfileFrames.partners(deliveries(), taxonomy(), graph, D, conf.partnerMaxAgeDays()).localCheckpoint();
    geoTable = geo.table(SharedSpark.spark()).localCheckpoint();
  }

  static Dataset<Row> profilesOf(ProfilesConfig c) {
    return profilesOf(c, consents());
  }

  static Dataset<Row> profilesOf(ProfilesConfig c, Dataset<Row> consents) {
    return ProfileFrames.profiles(carried, identities, customers, ProfileFrames.webConsents(graphRows, consents), activity, values,
        partners, households(), geoTable, D, c);
  }

  /** silver.consents rows. */
  static Dataset<Row> consents(Object[]... rows) {
    return rows("id_type STRING, id_value STRING, purpose STRING, granted BOOLEAN, stated_on DATE, source STRING, run_date DATE", rows);
  }

  static Object[] banner(String cookie, String purpose, boolean granted, String on) {
    return new Object[] {"cookie", cookie, purpose, granted, d(on), "web", d(on)};
  }

  @BeforeAll
  static void compute() throws Exception {
    conf = load(CONF);
    geo = GeoReference.load(Path.of("..", "conf", "departments.csv"), Path.of("..", "conf", "agencies.csv"));
    inputs();
    profiles = new HashMap<>();
    all = profilesOf(conf).localCheckpoint();
    all.collectAsList().forEach(r -> profiles.put(r.getAs("person_id"), r));
  }

  static <T> T get(String person, String column) {
    return profiles.get(person).getAs(column);
  }

  @Test
  void thePopulationIsCarriedActiveAndCustomerPersonsWithinTheTtl() {
    // P3 inactive 31 days > 30 drops, P3b at 30 stays; P4 absorbed; P8 only a bot; C7a/C6 persons stay by activity or CRM
    assertThat(profiles.keySet()).containsExactlyInAnyOrder("P1", "P2", "P3b", "P5", "P6", "P7", "P9");
    assertThat(this.<LocalDate>get("P1", "last_activity")).isNull(); // a customer never active stays
    assertThat(this.<Boolean>get("P1", "is_customer")).isTrue();
  }

  @Test
  void identitiesByTypeAndTheLowestLiveCrmId() {
    assertThat(profiles.get("P2").<String, Long>getJavaMap(profiles.get("P2").fieldIndex("identifiers")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("cookie", 1L, "ad_cookie", 1L, "partner_uid:dataprovider_a", 1L,
            "partner_uid:dataprovider_b", 1L));
    assertThat(this.<String>get("P7", "crm_id")).isEqualTo("C7b"); // C7a is lower but deleted
    assertThat(this.<String>get("P6", "crm_id")).isEqualTo("C6");
    assertThat(this.<Boolean>get("P6", "is_customer")).isFalse();
    assertThat(this.<String>get("P2", "crm_id")).isNull();
  }

  @Test
  void customerFieldsAgeAndHousehold() {
    assertThat(this.<Boolean>get("P1", "vip")).isTrue();
    assertThat(this.<Boolean>get("P7", "vip")).isFalse();
    assertThat(this.<Boolean>get("P6", "vip")).isFalse(); // deleted: its CRM values are gone
    assertThat(this.<LocalDate>get("P1", "customer_since")).isEqualTo(d("2019-03-01"));
    assertThat(this.<Integer>get("P1", "age")).isEqualTo(45); // born 1980-11-11: 46 tomorrow
    assertThat(this.<Integer>get("P7", "age")).isEqualTo(46); // born 1980-11-10: 46 today
    assertThat(this.<Integer>get("P2", "age")).isNull();
    assertThat(this.<String>get("P7", "household_id")).isEqualTo("H1");
    assertThat(this.<String>get("P1", "household_id")).isNull();
  }

  @Test
  void survivorshipRules() {
    Row p7 = profiles.get("P7");
    // store 59000 (10-01..10-20), store 59100 tonight, crm 59000 stated 11-09
    assertThat(p7.<String, String>getJavaMap(p7.fieldIndex("attributes"))).containsExactlyInAnyOrderEntriesOf(Map.of(
        "postcode", "59000", "city", "Lille", "birth_date", "1980-11-10", "last_postcode", "59100", "first_postcode", "59000",
        "postcodes", "59000|59100"));
    assertThat(p7.<String, String>getJavaMap(p7.fieldIndex("attribute_sources"))).containsExactlyInAnyOrderEntriesOf(Map.of(
        "postcode", "crm", "city", "crm", "birth_date", "crm", "last_postcode", "store", "first_postcode", "store",
        "postcodes", "crm,store"));
    assertThat(this.<String>get("P7", "postcode")).isEqualTo("59000");
    assertThat(this.<String>get("P7", "city")).isEqualTo("Lille");
    // the store statement of a card-less buyer tied by identity
    assertThat(this.<String>get("P9", "postcode")).isEqualTo("33000");
  }

  @Test
  void survivorshipStateMergesDatesAndKeepsTheFirstAndLatestValues() {
    Dataset<Row> carried = rows("person_id STRING, prev_values " + VALUES,
        new Object[] {"X", List.of(v("postcode", "store", "10000", "2026-01-01", "2026-01-02"), v("postcode", "store", "20000", "2026-02-01", "2026-02-01"),
            v("postcode", "store", "30000", "2026-03-01", "2026-03-01"), v("city", "store", "Nope", "2026-03-01", "2026-03-01"))});
    Dataset<Row> statements = rows("person_id STRING, field STRING, source STRING, value STRING, first_seen DATE, last_seen DATE",
        new Object[] {"X", "postcode", "store", "40000", D, D}, new Object[] {"X", "postcode", "store", "10000", D, D});
    Dataset<Row> state = ProfileFrames.values(carried, statements, conf).select(org.apache.spark.sql.functions.explode(col("attribute_values")).as("e"))
        .select("e.*");
    // max_values 3: 10000 is both the first seen and (tonight) the latest; then 40000 and 30000; city is not read from stores
    assertRows(state,
        new Object[] {"postcode", "store", "10000", d("2026-01-01"), D},
        new Object[] {"postcode", "store", "40000", D, D},
        new Object[] {"postcode", "store", "30000", d("2026-03-01"), d("2026-03-01")});
  }

  @Test
  void firstSeenAndMostRecentBreakTiesBySourceOrder() throws Exception {
    Dataset<Row> carried = rows("person_id STRING, prev_values " + VALUES,
        new Object[] {"X", List.of(v("postcode", "store", "10000", "2026-01-01", "2026-05-01"), v("postcode", "crm", "20000", "2026-01-01", "2026-05-01"))});
    Dataset<Row> none = rows("person_id STRING, field STRING, source STRING, value STRING, first_seen DATE, last_seen DATE");
    List<Column> cols = new ArrayList<>(List.of(col("person_id")));
    cols.addAll(ProfileFrames.survivors(conf));
    Row r = ProfileFrames.values(carried, none, conf).select(cols.toArray(Column[]::new)).first();
    assertThat(r.<String>getAs("sv__first_postcode")).isEqualTo("20000"); // crm first in [crm, store]
    assertThat(r.<String>getAs("sv__last_postcode")).isEqualTo("10000"); // store first in [store, crm]
    assertThat(r.<String>getAs("ss__last_postcode")).isEqualTo("store");
    assertThat(r.<String>getAs("sv__postcode")).isEqualTo("20000");
  }

  @Test
  void aDeletedCustomerLosesItsCrmValuesButKeepsOtherSources() {
    Row p6 = profiles.get("P6");
    assertThat(p6.<String, String>getJavaMap(p6.fieldIndex("attributes"))).containsEntry("postcode", "92100")
        .containsEntry("postcodes", "92100");
    assertThat(this.<Boolean>get("P6", "consent_email")).isNull();
    assertThat(p6.<String, LocalDate>getJavaMap(p6.fieldIndex("consent_dates"))).isEmpty();
    assertThat(this.<String>get("P6", "region")).isEqualTo("idf");
  }

  @Test
  void consentDatesChangeOnlyWhenTheValueChanges() {
    Row p7 = profiles.get("P7");
    // email false -> true tonight (CRM consent_date 11-09); sms true -> true keeps 10-01; postal false -> false keeps
    // 10-01; ads: no previous date -> the CRM's
    assertThat(p7.<String, LocalDate>getJavaMap(p7.fieldIndex("consent_dates"))).containsExactlyInAnyOrderEntriesOf(Map.of(
        "email", d("2026-11-09"), "sms", d("2026-10-01"), "postal", d("2026-10-01"), "ads", d("2026-11-09")));
    Row p1 = profiles.get("P1");
    assertThat(p1.<String, LocalDate>getJavaMap(p1.fieldIndex("consent_dates"))).containsExactlyInAnyOrderEntriesOf(Map.of(
        "email", d("2025-05-01"), "sms", d("2025-05-01"), "postal", d("2025-05-01")));
  }

  @Test
  void theConsentBannerStatesPurposesAndTheLaterStatementWins() {
    Map<String, Row> p = new HashMap<>();
    profilesOf(conf, consents(
            banner("k1", "analytics", true, "2026-11-05"),
            banner("k1", "email", false, "2024-01-01"), // older than the CRM's 2025-05-01: the CRM's stands
            banner("k1", "sms", false, "2026-11-09"), // newer than the CRM's: withdrawn
            banner("k2", "ads", true, "2026-11-08"), // a prospect the CRM says nothing of
            banner("k4", "analytics", false, "2026-11-01"), banner("k5", "analytics", true, "2026-11-06"),
            banner("k4", "data_sharing", true, "2026-11-07"), banner("k5", "data_sharing", false, "2026-11-07"), // a tie: refused
            new Object[] {"crm_id", "C6", "analytics", true, d("2026-11-01"), "crm", D})) // not a banner statement
        .collectAsList().forEach(r -> p.put(r.getAs("person_id"), r));
    assertThat(consentsOf(p.get("P1"))).containsExactly(true, false, true, null, true, null);
    assertThat(p.get("P1").<String, LocalDate>getJavaMap(p.get("P1").fieldIndex("consent_dates"))).containsExactlyInAnyOrderEntriesOf(
        Map.of("email", d("2025-05-01"), "sms", d("2026-11-09"), "postal", d("2025-05-01"), "analytics", d("2026-11-05")));
    assertThat(consentsOf(p.get("P2"))).containsExactly(null, null, null, true, null, null);
    assertThat(consentsOf(p.get("P5"))).containsExactly(null, null, null, null, true, false);
    assertThat(p.get("P5").<String, LocalDate>getJavaMap(p.get("P5").fieldIndex("consent_dates"))).containsExactlyInAnyOrderEntriesOf(
        Map.of("analytics", d("2026-11-06"), "data_sharing", d("2026-11-07")));
    assertThat(consentsOf(p.get("P6"))).containsOnlyNulls();
  }

  static List<Boolean> consentsOf(Row r) {
    List<Boolean> out = new ArrayList<>();
    for (String purpose : ProfileFrames.PURPOSES) {
      out.add(r.getAs("consent_" + purpose));
    }
    return out;
  }

  @Test
  void contactabilityNeedsConsentAndAContact() {
    assertRows(all.select("person_id", "contactable_email", "contactable_sms", "contactable_postal", "contactable_ads")
            .where(col("person_id").isin("P1", "P2", "P7")),
        new Object[] {"P1", true, false, true, false}, // no phone; consent_ads null and prospects' default false
        new Object[] {"P2", false, false, false, false}, // a prospect: no consents
        new Object[] {"P7", false, true, false, true}); // C7b has no email (the deleted C7a's does not count); phone for ads
  }

  @Test
  void prospectsMayBeReachedOnAdsWhenTheConfSaysSo() throws Exception {
    ProfilesConfig open = load(CONF + "contactability: {ads_without_crm_consent: true, ads_id_types: [ad_cookie]}\n");
    assertRows(profilesOf(open).select("person_id", "contactable_ads").where(col("person_id").isin("P1", "P2", "P7")),
        new Object[] {"P1", false}, // no ad_cookie
        new Object[] {"P2", true},
        new Object[] {"P7", false});
  }

  @Test
  void regionAndNearestAgencyFromThePostcode() {
    assertRows(all.select("person_id", "postcode", "region", "nearest_agency"),
        new Object[] {"P1", "20000", "cor", "AG16"},
        new Object[] {"P2", null, null, null},
        new Object[] {"P3b", null, null, null},
        new Object[] {"P5", "59000", "hdf", "AG06"},
        new Object[] {"P6", "92100", "idf", "AG01"},
        new Object[] {"P7", "59000", "hdf", "AG06"},
        new Object[] {"P9", "33000", "naq", "AG05"});
  }

  @Test
  void departmentsOfPostcodes() {
    Dataset<Row> pcs = rows("pc STRING", new Object[] {"75011"}, new Object[] {"20000"}, new Object[] {"20200"}, new Object[] {"97400"},
        new Object[] {"7501"}, new Object[] {"ABCDE"}, new Object[] {null});
    assertRows(pcs.select(col("pc"), GeoReference.department("pc")),
        new Object[] {"75011", "75"}, new Object[] {"20000", "2A"}, new Object[] {"20200", "2B"}, new Object[] {"97400", "974"},
        new Object[] {"7501", null}, new Object[] {"ABCDE", null}, new Object[] {null, null});
    assertThat(GeoReference.haversineKm(48.857, 2.352, 45.764, 4.836)).isBetween(390.0, 395.0); // Paris - Lyon
  }

  @Test
  void partnerSegmentsThroughIdSyncFromTheLatestDeliveryWithinTheMaxAge() {
    Row p2 = profiles.get("P2");
    assertThat(p2.<String>getList(p2.fieldIndex("partner_segments")))
        .containsExactly("age_25_34", "auto_intender", "csp_cadre", "int_cars", "region_idf", "unknown_code");
    Map<String, scala.collection.Seq<String>> cats = p2.getJavaMap(p2.fieldIndex("partner_categories"));
    Map<String, List<String>> plain = new HashMap<>();
    cats.forEach((k, s) -> plain.put(k, scala.jdk.javaapi.CollectionConverters.asJava(s)));
    assertThat(plain).containsExactlyInAnyOrderEntriesOf(Map.of("age_band", List.of("age_25_34"), "csp", List.of("csp_cadre"),
        "region", List.of("region_idf"), "interest", List.of("auto_intender", "int_cars")));
    Row p1 = profiles.get("P1");
    assertThat(p1.<String>getList(p1.fieldIndex("partner_segments"))).isEmpty();
  }

  @Test
  void aMergedPersonIsCarriedUnderItsSurvivor() {
    assertThat(this.<LocalDate>get("P5", "first_seen")).isEqualTo(d("2026-01-05")); // P4's
    assertThat(this.<LocalDate>get("P5", "last_activity")).isEqualTo(D.minusDays(1)); // P5's
    assertThat(this.<String>get("P5", "postcode")).isEqualTo("59000"); // P4's store postcode
    assertThat(this.<LocalDate>get("P2", "last_activity")).isEqualTo(D);
    assertThat(this.<LocalDate>get("P2", "first_seen")).isEqualTo(d("2026-02-01"));
    assertThat(this.<LocalDate>get("P7", "last_activity")).isEqualTo(D);
  }

  @Test
  void onlyTheColumnsOfTheTableAreProduced() {
    List<String> declared = new ArrayList<>();
    for (var f : org.opendmp.common.table.Tables.PROFILES.schema().fields()) {
      if (!f.name().equals("run_date")) {
        declared.add(f.name());
      }
    }
    assertThat(all.columns()).containsExactlyElementsOf(declared);
    assertThat(all.count()).isEqualTo(7);
  }
}
