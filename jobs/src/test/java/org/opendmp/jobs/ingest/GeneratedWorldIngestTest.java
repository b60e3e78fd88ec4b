package org.opendmp.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
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
import org.opendmp.jobs.generate.GeneratorSpec;
import org.opendmp.jobs.generate.WorldGenerator;
import org.opendmp.jobs.run.JobRunner;

/** The ingest and conform jobs on a generated world, measured against the generator's truth. */
class GeneratedWorldIngestTest {
  static final LocalDate START = LocalDate.parse("2026-11-02"); // Monday: full CRM extract, then deltas
  static final int DAYS = 3;
  static Lake lake;
  static Path world;

  @BeforeAll
  static void generateAndRunEveryNight() throws IOException {
    lake = SharedSpark.freshLake();
    world = Path.of(lake.env().landingRoot()).getParent().resolve("world");
    WorldGenerator.generate(new GeneratorSpec(world, 400, DAYS, START, 11));
    Path landing = Path.of(lake.env().landingRoot());
    Files.createDirectories(landing.getParent());
    Files.move(world.resolve("landing"), landing);
    for (int d = 0; d < DAYS; d++) {
      for (JobSpec j : JobRegistry.until("conform")) {
        JobRunner.Outcome o = JobRunner.run(j, lake, START.plusDays(d));
        assertThat(o.ok()).as(j.name() + ": " + o.message()).isTrue();
      }
    }
  }

  @Test
  void everyLandingRecordIsInBronzeOrRejectsAndOnlyMalformedOnesAreRejected() throws IOException {
    Map<String, long[]> expected = new TreeMap<>(); // source_file -> {records, malformed}
    for (List<String> r : csv(world.resolve("truth/landing_counts.csv"))) {
      expected.put(r.get(0) + "/dt=" + r.get(1) + "/" + r.get(2), new long[] {Long.parseLong(r.get(3)), Long.parseLong(r.get(4))});
    }
    Map<String, long[]> actual = new TreeMap<>();
    for (TableDef t : Tables.all()) {
      if (t.zone() != Zone.BRONZE || t.name().endsWith("_rejects")) {
        continue;
      }
      count(actual, lake.read(t), 0);
      count(actual, lake.read(Tables.rejectsOf(t)), 1);
    }
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      long[] a = actual.getOrDefault(e.getKey(), new long[2]);
      assertThat(a[0] + a[1]).as("records of " + e.getKey()).isEqualTo(e.getValue()[0]);
      assertThat(a[1]).as("rejects of " + e.getKey()).isEqualTo(e.getValue()[1]);
    }
    assertThat(expected.keySet()).as("every file with records was read").containsAll(actual.keySet());
  }

  private static void count(Map<String, long[]> into, org.apache.spark.sql.Dataset<Row> rows, int slot) {
    for (Row r : rows.groupBy("source_file").count().collectAsList()) {
      into.computeIfAbsent(r.getString(0), k -> new long[2])[slot] += r.getLong(1);
    }
  }

  @Test
  void customersEqualTheCrmTruthOfTheLastDate() throws IOException {
    LocalDate last = START.plusDays(DAYS - 1);
    List<List<String>> truth = csv(world.resolve("truth/crm_state/dt=" + last + ".csv"));
    Map<String, Row> pii =
        org.opendmp.jobs.privacy.PiiCipher.decrypt(lake.read(Tables.CUSTOMERS_PII),
                org.opendmp.jobs.privacy.PiiKey.require(lake.env(), "read silver.customers_pii"))
            .where("source = 'crm' AND NOT deleted").collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getAs("pii_key"), r -> r));
    Map<String, Row> customers =
        lake.read(Tables.CUSTOMERS).where("NOT deleted").collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getAs("crm_id"), r -> r));
    assertThat(new TreeSet<>(customers.keySet())).isEqualTo(truth.stream().map(r -> r.get(0)).collect(Collectors.toCollection(TreeSet::new)));
    assertThat(pii.keySet()).isEqualTo(customers.keySet());
    Map<String, Integer> mismatches = new HashMap<>();
    for (List<String> t : truth) {
      Row c = customers.get(t.get(0));
      Row p = pii.get(t.get(0));
      check(mismatches, "first_name", t.get(1), p.getAs("first_name"));
      check(mismatches, "last_name", t.get(2), p.getAs("last_name"));
      check(mismatches, "email", t.get(3), p.getAs("email"));
      check(mismatches, "phone", t.get(4), p.getAs("phone"));
      check(mismatches, "birth_date", t.get(5), p.getAs("birth_date"));
      check(mismatches, "street", t.get(6), p.getAs("street"));
      check(mismatches, "postcode", t.get(7), c.getAs("postcode"));
      check(mismatches, "city", t.get(8), c.getAs("city"));
      check(mismatches, "loyalty_card", t.get(9), c.getAs("loyalty_card"));
      check(mismatches, "login", t.get(10).toLowerCase(Locale.ROOT), c.getAs("login"));
      check(mismatches, "customer_since", t.get(11), c.getAs("customer_since"));
      check(mismatches, "vip", t.get(12).equals("1") ? "true" : "false", c.getAs("vip"));
      check(mismatches, "consent_email", flag(t.get(13)), c.getAs("consent_email"));
      check(mismatches, "consent_sms", flag(t.get(14)), c.getAs("consent_sms"));
      check(mismatches, "consent_postal", flag(t.get(15)), c.getAs("consent_postal"));
      check(mismatches, "consent_ads", flag(t.get(16)), c.getAs("consent_ads"));
      check(mismatches, "email_sha256", org.opendmp.common.ids.Identifiers.emailSha256(t.get(3)), c.getAs("email_sha256"));
    }
    assertThat(mismatches).as("columns that differ from the truth (count of customers)").isEmpty();
  }

  private static String flag(String yn) {
    return yn.isEmpty() ? "" : yn.equals("Y") ? "true" : "false";
  }

  private static void check(Map<String, Integer> mismatches, String column, String expected, Object actual) {
    String a = actual == null ? "" : actual.toString();
    String e = expected == null ? "" : expected.trim();
    if (!e.equals(a)) {
      mismatches.merge(column + " (e.g. '" + e + "' vs '" + a + "')", 1, Integer::sum);
    }
  }

  @Test
  void clearEmailsAndPhonesAppearOnlyInCustomersPii() throws IOException {
    List<List<String>> crm = csv(world.resolve("truth/crm_state/dt=" + START.plusDays(DAYS - 1) + ".csv"));
    List<String> emails = crm.stream().map(r -> r.get(3).trim()).filter(e -> e.contains("@")).limit(300).toList();
    List<String> phones = new java.util.ArrayList<>();
    crm.stream().map(r -> r.get(4).trim()).filter(p -> p.length() >= 10).limit(300).forEach(phones::add);
    csv(world.resolve("truth/persons.csv")).stream().map(r -> r.get(3)).filter(p -> !p.isEmpty()).limit(300).forEach(phones::add);
    assertThat(emails).isNotEmpty();
    assertThat(phones).isNotEmpty();
    for (TableDef t : Tables.all()) { // silver.customers_pii included: it holds ciphertext only
      String all = String.join("\n", lake.read(t).toJSON().collectAsList()).toLowerCase(Locale.ROOT);
      for (String e : emails) {
        assertThat(all).as(t.fullName()).doesNotContain(e.toLowerCase(Locale.ROOT));
      }
      for (String p : phones) {
        assertThat(all).as(t.fullName() + " holds no phone in clear").doesNotContain(p);
      }
    }
  }

  @Test
  void oneJobRunRowPerJobAndDate() {
    assertThat(lake.read(Tables.JOB_RUNS).count()).isEqualTo((long) DAYS * JobRegistry.until("conform").size());
    assertThat(lake.read(Tables.JOB_RUNS).where(col("status").notEqual("success")).count()).isZero();
  }

  /** A CSV file without its header, split by the project's own delimited-line splitter. */
  static List<List<String>> csv(Path file) throws IOException {
    return Files.readAllLines(file).stream().skip(1).map(l -> Fields.split(l, ',')).toList();
  }
}
