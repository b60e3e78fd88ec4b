package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.common.testing.SharedSpark;

/** The guards of conf/identity.yaml on a few inline rows: unique types, the size cap, shared and blocked values. */
class IdentityGuardsTest {
  static final SparkSession spark = SharedSpark.spark();

  static final StructType LINKS =
      StructType.fromDDL("id_type_a STRING, id_value_a STRING, id_type_b STRING, id_value_b STRING, rule STRING, kind STRING,"
          + " match_probability DOUBLE, n BIGINT");
  static final StructType KNOWN = StructType.fromDDL("id_type STRING, id_value STRING, person_id STRING");
  static final StructType PERSONS = StructType.fromDDL("person_id STRING, size BIGINT, uniques ARRAY<STRING>");
  static final StructType COMPONENTS = StructType.fromDDL("id STRING, component STRING");

  static IdentityConfig conf(int maxPersonSize) {
    return new IdentityConfig(
        List.of(new IdentityConfig.Rule("cookie_login", "web", List.of("cookie", "login"))),
        List.of(
            new IdTypeRule("crm_id", true, null, null, null, null),
            new IdTypeRule("email_sha256", null, null, null, null, null),
            new IdTypeRule("login", true, null, null, List.of("guest"), List.of("test\\d*")),
            new IdTypeRule("cookie", null, Map.of("login", 1), 30, null, null)),
        maxPersonSize, null, null);
  }

  static Row link(String a, String b, String rule, String kind, long n) {
    String[] x = a.split("\\|");
    String[] y = b.split("\\|");
    return RowFactory.create(x[0], x[1], y[0], y[1], rule, kind, 1.0, n);
  }

  static Dataset<Row> frame(StructType schema, Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), schema);
  }

  /** One component of every node key given (the night graph's components, before the guards). */
  static Dataset<Row> oneComponent(String... ids) {
    List<Row> rows = new ArrayList<>();
    for (String id : ids) {
      rows.add(RowFactory.create(id, "X"));
    }
    return spark.createDataFrame(rows, COMPONENTS);
  }

  /** The parts of the guarded components: each a set of node keys. */
  static Set<Set<String>> parts(Dataset<Row> components) {
    Map<String, Set<String>> byComponent = new TreeMap<>();
    for (Row r : components.collectAsList()) {
      byComponent.computeIfAbsent(r.getString(1), k -> new TreeSet<>()).add(r.getString(0));
    }
    return new java.util.HashSet<>(byComponent.values());
  }

  @Test
  void aComponentWithTwoCrmIdsIsSplitAtItsWeakestLink() {
    Dataset<Row> links = frame(LINKS,
        link("crm_id|C1", "login|L1", "crm_login", "deterministic", 1),
        link("crm_id|C2", "email_sha256|E", "crm_email", "deterministic", 1),
        link("cookie|K", "email_sha256|E", "email_click_cookie", "deterministic", 1),
        link("cookie|K", "login|L1", "cookie_login", "deterministic", 3));
    PersonGuards.Guarded g = PersonGuards.apply(
        oneComponent("crm_id|C1", "crm_id|C2", "login|L1", "email_sha256|E", "cookie|K"), links, frame(KNOWN), frame(PERSONS), conf(200));
    // cookie-login is the weakest (its weaker type, cookie, comes last; evidence only breaks ties within a rank)
    assertThat(parts(g.components())).containsExactlyInAnyOrder(
        Set.of("crm_id|C1", "login|L1"), Set.of("crm_id|C2", "email_sha256|E", "cookie|K"));
    List<Row> cuts = g.cuts().collectAsList();
    assertThat(cuts).hasSize(1);
    assertThat(cuts.get(0).<String>getAs("rule")).isEqualTo("cookie_login");
    assertThat(cuts.get(0).<String>getAs("reason")).isEqualTo("unique:crm_id");
  }

  @Test
  void existingPersonsKeepTheirMembersAndRefuseAMergeThatJoinsTwoLogins() {
    // P1 holds login L1, P2 holds login L2; tonight one cookie is seen with both (links of equal rank): the first
    // link in key order wins, the other is cut; the existing persons stay whole.
    Dataset<Row> links = frame(LINKS,
        link("cookie|K", "login|L1", "cookie_login", "deterministic", 1),
        link("cookie|K", "login|L2", "cookie_login", "deterministic", 1));
    Dataset<Row> known = frame(KNOWN, RowFactory.create("login", "L1", "P1"), RowFactory.create("login", "L2", "P2"));
    Dataset<Row> persons = frame(PERSONS,
        RowFactory.create("P1", 4L, List.of("login|L1")), RowFactory.create("P2", 3L, List.of("login|L2")));
    PersonGuards.Guarded g = PersonGuards.apply(
        oneComponent("cookie|K", "login|L1", "login|L2", "person|P1", "person|P2"), links, known, persons, conf(200));
    assertThat(parts(g.components())).containsExactlyInAnyOrder(
        Set.of("cookie|K", "login|L1", "person|P1"), Set.of("login|L2", "person|P2"));
    assertThat(g.cuts().select("id_a", "id_b", "reason").collectAsList().toString()).isEqualTo("[[cookie|K,login|L2,unique:login]]");
  }

  @Test
  void theSizeCapCutsTheLinksThatWouldGrowAPersonBeyondIt() {
    // an existing person of 3 identifiers; tonight 3 new cookies link to its email; the cap is 5
    Dataset<Row> links = frame(LINKS,
        link("cookie|K1", "email_sha256|E", "email_click_cookie", "deterministic", 5),
        link("cookie|K2", "email_sha256|E", "email_click_cookie", "deterministic", 2),
        link("cookie|K3", "email_sha256|E", "email_click_cookie", "deterministic", 1));
    Dataset<Row> known = frame(KNOWN, RowFactory.create("email_sha256", "E", "P1"));
    Dataset<Row> persons = frame(PERSONS, RowFactory.create("P1", 3L, List.of("crm_id|C1")));
    PersonGuards.Guarded g = PersonGuards.apply(
        oneComponent("cookie|K1", "cookie|K2", "cookie|K3", "email_sha256|E", "person|P1"), links, known, persons, conf(5));
    // the two links with the most evidence fit (3 + 1 + 1 = 5), the third would make 6
    assertThat(parts(g.components())).containsExactlyInAnyOrder(
        Set.of("cookie|K1", "cookie|K2", "email_sha256|E", "person|P1"), Set.of("cookie|K3"));
    assertThat(g.cuts().select("id_a", "reason").collectAsList().toString()).isEqualTo("[[cookie|K3,max_person_size]]");
  }

  @Test
  void componentsThatBreakNoGuardPassThroughUnchanged() {
    Dataset<Row> links = frame(LINKS, link("cookie|K", "login|L1", "cookie_login", "deterministic", 1));
    Dataset<Row> components = oneComponent("cookie|K", "login|L1");
    PersonGuards.Guarded g = PersonGuards.apply(components, links, frame(KNOWN), frame(PERSONS), conf(200));
    assertThat(g.components().orderBy("id").collectAsList()).isEqualTo(components.orderBy("id").collectAsList());
    assertThat(g.cuts().count()).isZero();
  }

  @Test
  void aCookieWithTwoLoginsInTheWindowIsSharedAndItsLoginLinksAreMarked() {
    Dataset<Row> window = frame(LINKS,
        link("cookie|K", "login|L1", "cookie_login", "deterministic", 1),
        link("login|L2", "cookie|K", "cookie_login", "deterministic", 1),
        link("cookie|J", "login|L1", "cookie_login", "deterministic", 1));
    Dataset<Row> shared = IdGuards.sharedValues(window, conf(200).idTypes());
    assertThat(shared.select("id_type", "id_value", "other_type", "partners").collectAsList().toString())
        .isEqualTo("[[cookie,K,login,2]]");
    Dataset<Row> tonight = frame(LINKS,
        link("cookie|K", "login|L1", "cookie_login", "deterministic", 1),
        link("cookie|J", "login|L1", "cookie_login", "deterministic", 1));
    List<String> marked = IdGuards.markShared(tonight, shared).orderBy("id_value_a")
        .select(col("id_value_a"), col("shared")).collectAsList().stream().map(Row::toString).toList();
    assertThat(marked).containsExactly("[J,false]", "[K,true]");
  }

  @Test
  void blockedValuesAndPatternsNeverLink() {
    Dataset<Row> links = frame(LINKS,
        link("cookie|K", "login|guest", "cookie_login", "deterministic", 1),
        link("cookie|K", "login|test42", "cookie_login", "deterministic", 1),
        link("cookie|K", "login|tester", "cookie_login", "deterministic", 1));
    assertThat(IdGuards.withoutBlocked(links, conf(200).idTypes()).select("id_value_b").collectAsList().toString())
        .isEqualTo("[[tester]]");
  }

  @Test
  void guardConfigErrorsNameTheKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("identity.yaml");
    Files.writeString(file, "rules:\n  - {name: r, source: web, types: [cookie, login]}\nid_types:\n  - {type: cookie, max_links: {logn: 1}}\n");
    assertThatThrownBy(() -> IdentityConfig.load(file)).isInstanceOf(DmpException.class)
        .hasMessageContaining("max_links").hasMessageContaining("unknown identifier type 'logn'").hasMessageContaining("line 4");
    Files.writeString(file, "rules:\n  - {name: r, source: web, types: [cookie, login]}\nid_types:\n  - {type: cookie, uniq: true}\n");
    assertThatThrownBy(() -> IdentityConfig.load(file)).hasMessageContaining("unknown key 'id_types[0].uniq'");
    Files.writeString(file, "rules:\n  - {name: r, source: web, types: [cookie, login]}\nid_types:\n  - {type: login, blocked_patterns: ['(']}\n");
    assertThatThrownBy(() -> IdentityConfig.load(file)).hasMessageContaining("blocked_patterns").hasMessageContaining("invalid regex");
    Files.writeString(file, "rules:\n  - {name: r, source: web, types: [cookie, login]}\nmax_person_size: 1\n");
    assertThatThrownBy(() -> IdentityConfig.load(file)).hasMessageContaining("max_person_size");
  }

  @Test
  void theShippedConfigLoads() {
    IdentityConfig shipped = IdentityConfig.load(Path.of(SharedSpark.env().confDir(), "identity.yaml"));
    assertThat(shipped.guardOf("crm_id").unique()).isTrue();
    assertThat(shipped.priorityOf("crm_id")).isLessThan(shipped.priorityOf("cookie"));
    assertThat(shipped.guardOf("partner_uid:dataprovider_a")).isNotNull();
  }
}
