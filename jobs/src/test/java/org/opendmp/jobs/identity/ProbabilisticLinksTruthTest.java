package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.JobSpec;
import org.opendmp.jobs.generate.GeneratorSpec;
import org.opendmp.jobs.generate.WorldGenerator;
import org.opendmp.jobs.run.JobRunner;

/**
 * The probabilistic links of two nights of a generated world (1,500 people; the first night a full CRM
 * extract, the second a delta), measured against the generator's truth: truth/store_records.csv says who made
 * each store record, truth/identifiers.csv who each crm_id belongs to.
 */
class ProbabilisticLinksTruthTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02");
  static final LocalDate D2 = D1.plusDays(1);
  /** 1,500 by default; {@code -Dopendmp.prob.people=N} measures a larger world with the same test. */
  static final int PEOPLE = Integer.getInteger("opendmp.prob.people", 1500);

  static Lake lake;
  static Path world;
  /** Every link of both nights. */
  static final List<Row> links = new ArrayList<>();
  /** Per night: the store records the rule compared, and the truth persons with a live CRM record. */
  static final List<String> storeRecords = new ArrayList<>();
  static final Set<String> storeRecordsOfCustomers = new HashSet<>();
  /** crm_id -> true person; store record_id -> true person. */
  static final Map<String, String> crmPerson = new HashMap<>();
  static final Map<String, String> storePerson = new HashMap<>();
  /** Pairs of live crm_ids of one true person, on the first night (the planted duplicates). */
  static final Set<String> duplicatePairs = new HashSet<>();

  @BeforeAll
  static void twoNights() throws Exception {
    lake = SharedSpark.freshLake();
    world = Path.of(lake.env().landingRoot()).getParent().resolve("world");
    WorldGenerator.generate(new GeneratorSpec(world, PEOPLE, 2, D1, 7));
    Files.move(world.resolve("landing"), Path.of(lake.env().landingRoot()));
    for (String[] r : csv(world.resolve("truth/identifiers.csv"))) {
      if (r[0].equals("crm_id")) {
        crmPerson.put(r[1], r[2]);
      }
    }
    for (String[] r : csv(world.resolve("truth/store_records.csv"))) {
      storePerson.put(r[0], r[2]);
    }
    ProbabilisticConfig conf = IdentityConfig.load(Path.of(lake.env().confDir()).resolve("identity.yaml")).probabilistic();
    for (LocalDate date : List.of(D1, D2)) {
      for (JobSpec j : JobRegistry.until("conform")) {
        JobRunner.Outcome o = JobRunner.run(j, lake, date);
        assertThat(o.ok()).as(j.name() + ": " + o.message()).isTrue();
      }
      var pii = org.opendmp.jobs.privacy.PiiCipher.decrypt(lake.read(Tables.CUSTOMERS_PII),
          org.opendmp.jobs.privacy.PiiKey.require(lake.env(), "test"));
      Set<String> customers = new HashSet<>();
      Map<String, List<String>> crmIdsOf = new HashMap<>();
      for (Row r : ProbabilisticLinks.liveCrm(pii).select("record_id").collectAsList()) {
        String person = crmPerson.get(r.getString(0));
        customers.add(person);
        crmIdsOf.computeIfAbsent(person, p -> new ArrayList<>()).add(r.getString(0));
      }
      for (Row r : ProbabilisticLinks.storeRecords(pii, lake.readDate(Tables.EVENTS, date), date).select("record_id").collectAsList()) {
        storeRecords.add(r.getString(0));
        if (customers.contains(storePerson.get(r.getString(0)))) {
          storeRecordsOfCustomers.add(r.getString(0));
        }
      }
      if (date.equals(D1)) {
        crmIdsOf.values().stream().filter(ids -> ids.size() > 1).forEach(ids -> {
          for (int i = 0; i < ids.size(); i++) {
            for (int k = i + 1; k < ids.size(); k++) {
              duplicatePairs.add(pair(ids.get(i), ids.get(k)));
            }
          }
        });
      }
      links.addAll(ProbabilisticLinks.night(lake.spark(), lake, date, conf, Path.of(lake.env().confDir()),
          org.opendmp.jobs.privacy.PiiKey.require(lake.env(), "test")).collectAsList());
    }
  }

  static String pair(String a, String b) {
    return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
  }

  static List<String[]> csv(Path file) throws Exception {
    List<String[]> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (String line : lines.subList(1, lines.size())) {
      rows.add(line.split(",", -1));
    }
    return rows;
  }

  static List<Row> of(String rule) {
    return links.stream().filter(r -> r.<String>getAs("rule").equals(rule)).toList();
  }

  @Test
  void linksHaveTheIdLinksShape() {
    assertThat(links).isNotEmpty().allSatisfy(r -> {
      assertThat(r.<String>getAs("kind")).isEqualTo("probabilistic");
      assertThat(r.<Long>getAs("n")).isEqualTo(1L);
      assertThat(r.<Double>getAs("match_probability")).isGreaterThanOrEqualTo(0.95).isLessThanOrEqualTo(1.0);
      assertThat(r.<scala.collection.Map<String, Object>>getAs("match_weights").contains("last_name")).isTrue();
    });
    assertThat(of(ProbabilisticLinks.STORE_RULE)).allSatisfy(r -> {
      assertThat(r.<String>getAs("id_type_a")).isEqualTo("pii_record");
      assertThat(r.<String>getAs("id_type_b")).isEqualTo("crm_id");
    });
    // the best customer only: one link per store record
    assertThat(of(ProbabilisticLinks.STORE_RULE).stream().map(r -> r.<String>getAs("id_value_a")).distinct().count())
        .isEqualTo(of(ProbabilisticLinks.STORE_RULE).size());
    assertThat(of(ProbabilisticLinks.CRM_RULE)).allSatisfy(r -> {
      assertThat(r.<String>getAs("id_type_a")).isEqualTo("crm_id");
      assertThat(r.<String>getAs("id_value_a")).isLessThan(r.getAs("id_value_b"));
    });
  }

  @Test
  void everyStoreRecordIsInTheTruth() {
    assertThat(storeRecords).isNotEmpty();
    assertThat(storeRecords).allSatisfy(id -> assertThat(storePerson).containsKey(id));
  }

  @Test
  void storeLinksArePreciseAndFindMostCustomers() {
    List<Row> store = of(ProbabilisticLinks.STORE_RULE);
    long correct = store.stream()
        .filter(r -> storePerson.get(r.<String>getAs("id_value_a")).equals(crmPerson.get(r.<String>getAs("id_value_b"))))
        .count();
    long found = store.stream()
        .filter(r -> storeRecordsOfCustomers.contains(r.<String>getAs("id_value_a")))
        .filter(r -> storePerson.get(r.<String>getAs("id_value_a")).equals(crmPerson.get(r.<String>getAs("id_value_b"))))
        .count();
    double precision = store.isEmpty() ? 1.0 : (double) correct / store.size();
    double recall = (double) found / storeRecordsOfCustomers.size();
    System.out.printf("store_pii_customer: %d store records (%d by CRM customers), %d links, %d correct: precision %.3f"
        + " recall %.3f%n", storeRecords.size(), storeRecordsOfCustomers.size(), store.size(), correct, precision, recall);
    assertThat(storeRecordsOfCustomers).hasSizeGreaterThanOrEqualTo(20);
    assertThat(precision).isGreaterThanOrEqualTo(0.95);
    assertThat(recall).isGreaterThanOrEqualTo(0.8);
  }

  @Test
  void crmDuplicatesArePrecise() {
    List<Row> crm = of(ProbabilisticLinks.CRM_RULE);
    long correct = crm.stream()
        .filter(r -> crmPerson.get(r.<String>getAs("id_value_a")).equals(crmPerson.get(r.<String>getAs("id_value_b"))))
        .count();
    long foundPlanted = crm.stream()
        .filter(r -> duplicatePairs.contains(pair(r.getAs("id_value_a"), r.getAs("id_value_b"))))
        .count();
    double precision = crm.isEmpty() ? 1.0 : (double) correct / crm.size();
    double recall = duplicatePairs.isEmpty() ? 1.0 : (double) foundPlanted / duplicatePairs.size();
    System.out.printf("crm_duplicate: %d links, %d correct: precision %.3f; recall of the %d duplicate pairs of the first"
        + " night %.3f%n", crm.size(), correct, precision, duplicatePairs.size(), recall);
    assertThat(duplicatePairs).hasSizeGreaterThanOrEqualTo(5);
    assertThat(precision).isGreaterThanOrEqualTo(0.9);
  }
}
