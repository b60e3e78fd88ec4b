package org.opendmp.jobs.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.identity.probabilistic.LinkResult;
import org.opendmp.jobs.identity.probabilistic.MatchSpec;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.LinkType;
import org.opendmp.jobs.identity.probabilistic.ProbabilisticLinker;

/** The probabilistic rules of the identity job on inline rows, and their config. */
class ProbabilisticLinksTest {
  static final Path CONF = Path.of(SharedSpark.env().confDir());
  static final LocalDate D = LocalDate.parse("2026-11-03");

  @TempDir Path tmp;

  // ---- config ----

  @Test
  void theRepositoryConfigHasBothRulesAndTheirSpecsLoad() {
    ProbabilisticConfig conf = IdentityConfig.load(CONF.resolve("identity.yaml")).probabilistic();
    assertThat(conf.storePiiCustomer()).isEqualTo(new ProbabilisticConfig.Rule(true, "identity_match_store.yaml", 0.95));
    assertThat(conf.crmDuplicate()).isEqualTo(new ProbabilisticConfig.Rule(true, "identity_match_crm.yaml", 0.95));
    MatchSpec store = ProbabilisticLinks.spec(CONF, conf.storePiiCustomer(), ProbabilisticLinks.STORE_RULE, ProbabilisticLinks.STORE_COLUMNS);
    assertThat(store.nameSwap()).containsExactly("first_name", "last_name");
    assertThat(store.tfAdjusted()).contains("first_name", "last_name");
    MatchSpec crm = ProbabilisticLinks.spec(CONF, conf.crmDuplicate(), ProbabilisticLinks.CRM_RULE, ProbabilisticLinks.CRM_COLUMNS);
    assertThat(crm.referencedColumns()).contains("birth_date", "email", "phone");
  }

  @Test
  void theBlockIsOptionalAndEveryKeyHasADefault() throws Exception {
    String rules = "rules:\n  - {name: crm_email, source: crm, types: [crm_id, email_sha256]}\n";
    assertThat(IdentityConfig.load(write("none.yaml", rules)).probabilistic()).isEqualTo(ProbabilisticConfig.DEFAULTS);
    assertThat(ProbabilisticConfig.DEFAULTS.storePiiCustomer()).isEqualTo(new ProbabilisticConfig.Rule(true, ProbabilisticConfig.STORE_SPEC, null));
    ProbabilisticConfig partial =
        IdentityConfig.load(write("partial.yaml", rules + "probabilistic:\n  crm_duplicate: {enabled: false}\n")).probabilistic();
    assertThat(partial.crmDuplicate()).isEqualTo(new ProbabilisticConfig.Rule(false, ProbabilisticConfig.CRM_SPEC, null));
    assertThat(partial.storePiiCustomer()).isEqualTo(ProbabilisticConfig.DEFAULTS.storePiiCustomer());
  }

  @Test
  void unknownKeysAndInvalidValuesAreRefused() throws Exception {
    String rules = "rules:\n  - {name: crm_email, source: crm, types: [crm_id, email_sha256]}\n";
    assertThatThrownBy(() -> IdentityConfig.load(write("typo.yaml", rules + "probabilistic:\n  store_pii_customer: {treshold: 0.9}\n")))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("unknown key 'probabilistic.store_pii_customer.treshold'")
        .hasMessageContaining("threshold");
    assertThatThrownBy(() -> IdentityConfig.load(write("rule.yaml", rules + "probabilistic:\n  wifi_customer: {}\n")))
        .hasMessageContaining("unknown key 'probabilistic.wifi_customer'");
    assertThatThrownBy(() -> IdentityConfig.load(write("thr.yaml", rules + "probabilistic:\n  crm_duplicate: {threshold: 1.5}\n")))
        .hasMessageContaining("key 'probabilistic.crm_duplicate.threshold' must be a probability above 0 and below 1, got 1.5");
    assertThatThrownBy(() -> IdentityConfig.load(write("spec.yaml", rules + "probabilistic:\n  crm_duplicate: {spec: ' '}\n")))
        .hasMessageContaining("key 'probabilistic.crm_duplicate.spec' must name a match spec file");
  }

  @Test
  void aSpecReadingAColumnTheRecordsDoNotHaveIsRefusedWithItsFile() throws Exception {
    Path spec = write("bad_spec.yaml", "columns:\n  - name: first_name\n    kind: name\n  - name: birth_date\n    kind: date\n");
    assertThatThrownBy(() -> ProbabilisticLinks.spec(tmp, new ProbabilisticConfig.Rule(true, "bad_spec.yaml", null),
            ProbabilisticLinks.STORE_RULE, ProbabilisticLinks.STORE_COLUMNS))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("rule store_pii_customer reads column 'birth_date'")
        .hasMessageContaining(spec.toString());
    MatchSpec withThreshold = ProbabilisticLinks.spec(CONF, new ProbabilisticConfig.Rule(true, ProbabilisticConfig.STORE_SPEC, 0.8),
        ProbabilisticLinks.STORE_RULE, ProbabilisticLinks.STORE_COLUMNS);
    assertThat(withThreshold.threshold()).isEqualTo(0.8);
  }

  Path write(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  // ---- which records are compared ----

  static final String EVENTS = "id_type STRING, id_value STRING";

  static Object[] pii(String key, String source, String first, String last, String postcode, LocalDate extract, String updated, boolean deleted) {
    return new Object[] {
      key, source, first, last, null, null, null, postcode, null, null,
      updated == null ? null : Timestamp.valueOf(updated), Date.valueOf(extract), deleted
    };
  }

  /** silver.customers_pii as the job reads it: decrypted (PiiCipher.decrypt), birth_date a DATE again. */
  static final org.apache.spark.sql.types.StructType CLEAR_PII = org.apache.spark.sql.types.StructType.fromDDL(
      "pii_key STRING, source STRING, first_name STRING, last_name STRING, email STRING, phone STRING, street STRING,"
          + " postcode STRING, city STRING, birth_date DATE, updated_at TIMESTAMP, extract_date DATE, deleted BOOLEAN");

  static Dataset<Row> piiRows(Object[]... rows) {
    return SharedSpark.spark().createDataFrame(
        java.util.Arrays.stream(rows).map(RowFactory::create).toList(), CLEAR_PII);
  }

  @Test
  void storeRecordsAreTheNightsCardLessOnesWithNamesAndPostcode() {
    Dataset<Row> pii =
        piiRows(
            pii("s1", "store", "MARIE", "DUPONT", "75011", D, "2026-11-03 10:00:00", false),
            pii("s2", "store", "MARIE", null, "75011", D, "2026-11-03 10:00:00", false), // no surname
            pii("s3", "store", "JEAN", "MARTIN", " ", D, "2026-11-03 10:00:00", false), // blank postcode
            pii("s4", "store", "JEAN", "MARTIN", "69003", D.minusDays(1), "2026-11-02 10:00:00", false), // another night
            pii("s5", "store", "LUC", "PETIT", "69003", D, "2026-11-03 11:00:00", false), // keyed by a loyalty card
            pii("w1", "wifi", null, null, null, D, "2026-11-03 10:00:00", false),
            pii("C1", "crm", "Marie", "Dupont", "75011", D, "2026-11-03 09:00:00", false));
    Dataset<Row> events =
        rows(EVENTS, new Object[] {"pii_record", "s1"}, new Object[] {"pii_record", "s2"}, new Object[] {"pii_record", "s3"},
            new Object[] {"pii_record", "s1"}, new Object[] {"loyalty_card", "s5"}, new Object[] {"email_sha256", "w1"});
    assertRows(ProbabilisticLinks.storeRecords(pii, events, D), new Object[] {"s1", "MARIE", "DUPONT", "75011"});
  }

  @Test
  void theNightsCrmRecordsAreThoseItsExtractWroteAndOnAFullExtractOnlyTheChangedOnes() {
    Dataset<Row> pii =
        piiRows(
            pii("C1", "crm", "Marie", "Dupont", "75011", D, "2026-11-03 09:00:00", false), // changed today
            pii("C2", "crm", "Jean", "Martin", "69003", D, "2026-11-02 00:00:00", false), // changed yesterday
            pii("C3", "crm", "Luc", "Petit", "69003", D, "2024-05-01 12:00:00", false), // restated, unchanged
            pii("C4", "crm", "Paul", "Roux", "13008", D, null, false), // no update time: compared
            pii("C5", "crm", null, null, null, D, "2026-11-03 09:00:00", true), // deleted
            pii("C6", "crm", "Anne", "Morel", "33000", D.minusDays(1), "2026-11-02 09:00:00", false), // another night
            pii("s1", "store", "MARIE", "DUPONT", "75011", D, "2026-11-03 10:00:00", false));
    assertRows(ProbabilisticLinks.nightCrm(pii, D, false), new Object[] {"C1"}, new Object[] {"C2"}, new Object[] {"C3"}, new Object[] {"C4"});
    assertRows(ProbabilisticLinks.nightCrm(pii, D, true), new Object[] {"C1"}, new Object[] {"C2"}, new Object[] {"C4"});
    assertThat(ProbabilisticLinks.liveCrm(pii).select("record_id").collectAsList().stream().map(r -> r.getString(0)).sorted().toList())
        .containsExactly("C1", "C2", "C3", "C4", "C6");
  }

  // ---- links from the engine's pairs ----

  static final String PAIRS =
      "record_id_l STRING, record_id_r STRING, match_probability DOUBLE, match_weight DOUBLE, first_name_weight DOUBLE,"
          + " last_name_weight DOUBLE, postcode_weight DOUBLE";

  @Test
  void aStoreRecordKeepsItsBestCustomerOnly() {
    MatchSpec spec = ProbabilisticLinks.spec(CONF, ProbabilisticConfig.DEFAULTS.storePiiCustomer(), ProbabilisticLinks.STORE_RULE,
        ProbabilisticLinks.STORE_COLUMNS);
    Dataset<Row> pairs =
        rows(PAIRS,
            new Object[] {"s1", "C2", 0.97, 5.0, 2.0, 2.0, 1.0},
            new Object[] {"s1", "C1", 0.99, 7.0, 3.0, 3.0, 1.0},
            new Object[] {"s2", "C9", 0.98, 6.0, 2.0, 2.0, 2.0},
            new Object[] {"s2", "C3", 0.98, 6.0, 2.0, 2.0, 2.0}); // a tie: the smaller crm_id
    List<Row> links = ProbabilisticLinks.storeLinks(pairs, spec).collectAsList();
    assertThat(links).hasSize(2);
    Map<String, Row> byRecord = new HashMap<>();
    links.forEach(r -> byRecord.put(r.getString(1), r));
    assertThat(byRecord.get("s1").<String>getAs("id_value_b")).isEqualTo("C1");
    assertThat(byRecord.get("s2").<String>getAs("id_value_b")).isEqualTo("C3");
    Row s1 = byRecord.get("s1");
    assertThat(List.of(s1.getString(0), s1.getString(2), s1.getString(4), s1.getString(5))).containsExactly("pii_record", "crm_id",
        "store_pii_customer", "probabilistic");
    assertThat(s1.<Double>getAs("match_probability")).isEqualTo(0.99);
    assertThat(s1.<Long>getAs("n")).isEqualTo(1L);
    assertThat(scala.jdk.javaapi.CollectionConverters.asJava(s1.<scala.collection.Map<String, Double>>getAs("match_weights")))
        .isEqualTo(Map.of("first_name", 3.0, "last_name", 3.0, "postcode", 1.0));
    assertThat(ProbabilisticLinks.storeLinks(pairs, spec).schema().simpleString()).isEqualTo(ProbabilisticLinks.LINKS.simpleString());
  }

  @Test
  void crmDuplicatesPutTheSmallerCrmIdFirst() {
    MatchSpec spec = MatchSpec.of(List.of(new MatchSpec.ColumnSpec("first_name", MatchSpec.Kind.NAME),
        new MatchSpec.ColumnSpec("last_name", MatchSpec.Kind.NAME), new MatchSpec.ColumnSpec("postcode", MatchSpec.Kind.POSTCODE)),
        List.of(), List.of(), List.of());
    Dataset<Row> pairs = rows(PAIRS, new Object[] {"C9", "C3", 0.97, 5.0, 2.0, 2.0, 1.0});
    Row link = ProbabilisticLinks.crmDuplicateLinks(pairs, spec).first();
    assertThat(List.of(link.getString(0), link.getString(1), link.getString(2), link.getString(3), link.getString(4)))
        .containsExactly("crm_id", "C3", "crm_id", "C9", "crm_duplicate");
    assertThat(ProbabilisticLinks.crmDuplicateLinks(pairs, spec).schema().simpleString()).isEqualTo(ProbabilisticLinks.LINKS.simpleString());
  }

  // ---- the store rule on inline rows, with the repository's spec ----

  static final String[] FIRST = {
    "Marie", "Léa", "Chloé", "Manon", "Camille", "Inès", "Zoé", "Jade", "Louise", "Emma", "Hélène", "Sophie",
    "Jean", "Pierre", "Louis", "Lucas", "Hugo", "Théo", "Nathan", "Gabriel", "Raphaël", "Jérôme", "Cédric", "Loïc",
    "Benoît", "Hervé", "Thierry", "Éric", "André", "Gérard"
  };
  static final String[] LAST = {
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
    "Mercier", "Dupont", "Lambert", "Bonnet", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller",
    "Henry", "Roussel", "Perrin", "Morin", "Mathieu", "Gauthier", "Dumont"
  };
  static final String[] POSTCODES = {
    "75011", "75015", "92100", "93200", "94000", "78000", "69003", "69100", "38000", "42000", "13008", "06000",
    "83000", "31000", "34000", "33000", "59000", "67000", "35000", "44000"
  };
  static final String CRM = "record_id STRING, first_name STRING, last_name STRING, postcode STRING";

  /** Customer i of 100, every one with its own name pair. */
  static String[] customer(int i) {
    return new String[] {String.format("C%03d", i), FIRST[i % FIRST.length], LAST[(i * 7) % LAST.length], POSTCODES[(i * 3) % POSTCODES.length]};
  }

  static String upper(String s) {
    return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "").toUpperCase(java.util.Locale.ROOT);
  }

  @Test
  void swappedNamesAndASurnameTypoLinkButADifferentPostcodeDoesNot() {
    List<Object[]> crm = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      crm.add(customer(i));
    }
    List<Object[]> store = new ArrayList<>();
    for (int i = 0; i < 20; i++) { // what cashiers type for twenty customers: capitals, no accents
      String[] c = customer(i * 3);
      store.add(new Object[] {"s" + i, upper(c[1]), upper(c[2]), c[3]});
    }
    String[] swapped = customer(50);
    String[] typo = customer(51);
    String[] elsewhere = customer(52);
    store.add(new Object[] {"swapped", upper(swapped[2]), upper(swapped[1]), swapped[3]});
    store.add(new Object[] {"typo", upper(typo[1]), upper(typo[2]).substring(0, 2) + upper(typo[2]).substring(3), typo[3]});
    store.add(new Object[] {"elsewhere", upper(elsewhere[1]), upper(elsewhere[2]), "29200"});
    store.add(new Object[] {"stranger", "NOEMIE", "LE BIHAN", "75011"});

    MatchSpec spec = ProbabilisticLinks.spec(CONF, ProbabilisticConfig.DEFAULTS.storePiiCustomer(), ProbabilisticLinks.STORE_RULE,
        ProbabilisticLinks.STORE_COLUMNS);
    Map<String, String> linked = new HashMap<>();
    try (LinkResult r = ProbabilisticLinker.link(SharedSpark.spark(), frame(store), frame(crm), spec.withLinkType(LinkType.LINK_ONLY))) {
      for (Row l : ProbabilisticLinks.storeLinks(r.links(), spec).collectAsList()) {
        linked.put(l.getString(1), l.getString(3));
      }
    }
    for (int i = 0; i < 20; i++) {
      assertThat(linked).containsEntry("s" + i, customer(i * 3)[0]);
    }
    assertThat(linked).containsEntry("swapped", "C050").containsEntry("typo", "C051");
    assertThat(linked).doesNotContainKeys("elsewhere", "stranger");
  }

  /** Backed by an RDD, like a table read from storage. */
  static Dataset<Row> frame(List<Object[]> rows) {
    var jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(SharedSpark.spark().sparkContext());
    return SharedSpark.spark().createDataFrame(jsc.parallelize(rows.stream().map(RowFactory::create).toList(), 2), StructType.fromDDL(CRM));
  }
}
