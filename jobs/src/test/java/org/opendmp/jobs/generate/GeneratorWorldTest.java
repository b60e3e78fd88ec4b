package org.opendmp.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.ids.Identifiers;

/** One 1500-people, 7-day world from a Monday, read back with the independent strict reader. */
class GeneratorWorldTest {
  private static final int DAYS = 7;
  @TempDir static Path out;
  static GeneratorReport report;
  static final List<LandingReader.Rec> recs = new ArrayList<>();
  /** "type|value" -> identifiers.csv row. */
  static final Map<String, String[]> truth = new HashMap<>();

  @BeforeAll
  static void generate() throws Exception {
    report = TestWorlds.generate(out, 1500, DAYS, 7);
    LandingReader.read(out.resolve("landing"), recs::add);
    for (String[] r : TestWorlds.rows(out.resolve("truth/identifiers.csv"))) {
      truth.put(r[0] + "|" + r[1], r);
    }
  }

  @Test
  void everySourceAndTruthFileIsThere() {
    for (int d = 0; d < DAYS; d++) {
      String dt = TestWorlds.MONDAY.plusDays(d).toString();
      String compact = dt.replace("-", "");
      Map<String, List<String>> expected = new TreeMap<>(Map.of(
          "weblogs", List.of("access-web1.log.gz", "access-web2.log", "collector-app.ndjson.gz", "collector-web.ndjson"),
          "adserver", List.of("impressions.csv.gz", "clicks.csv"),
          "idsync", List.of("idsync.csv.gz"),
          "crm", List.of(d == 0 ? "customers_full_" + compact + ".csv.gz" : "customers_delta_" + compact + ".csv"),
          "store", List.of("pos_transactions.csv.gz", "wifi_logins.csv"),
          "callcenter", List.of("appointments.csv"),
          "catalog", List.of("mailings.csv.gz"),
          "partner_data/dataprovider_a", List.of("segments.tsv.gz", "taxonomy.csv"),
          "partner_data/dataprovider_b", List.of("segments.tsv", "taxonomy.csv")));
      expected.forEach((source, files) -> files.forEach(f ->
          assertThat(out.resolve("landing/" + source + "/dt=" + dt + "/" + f)).isRegularFile()));
      assertThat(out.resolve("truth/crm_state/dt=" + dt + ".csv")).isRegularFile();
    }
    for (String f : List.of("persons.csv", "identifiers.csv", "landing_counts.csv", "use_cases.csv", "store_records.csv")) {
      assertThat(out.resolve("truth/" + f)).isRegularFile();
    }
    assertThat(report.records().keySet()).hasSize(9);
  }

  @Test
  void storeRecordsNameEveryIntactPosLineByItsBronzeRecordId() throws Exception {
    Map<String, byte[]> files = new HashMap<>();
    Map<String, Long> listed = new TreeMap<>();
    for (String[] r : TestWorlds.rows(out.resolve("truth/store_records.csv"))) {
      String path = r[0].substring(0, r[0].lastIndexOf(':'));
      int offset = Integer.parseInt(r[0].substring(r[0].lastIndexOf(':') + 1));
      byte[] bytes = files.computeIfAbsent(path, f -> {
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(out.resolve("landing/" + f)))) {
          return in.readAllBytes();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertThat(offset == 0 || bytes[offset - 1] == '\n').as(r[0]).isTrue();
      int end = offset;
      while (bytes[end] != '\n') {
        end++;
      }
      String[] line = new String(bytes, offset, end - offset, java.nio.charset.StandardCharsets.UTF_8).split(",", -1);
      assertThat(line[0]).as(r[0]).isEqualTo(r[1]);
      assertThat(line[3].isEmpty()).as(r[0]).isEqualTo(r[3].equals("0"));
      listed.merge(path, 1L, Long::sum);
    }
    for (String[] row : TestWorlds.rows(out.resolve("truth/landing_counts.csv"))) {
      if (row[2].startsWith("pos_transactions")) {
        String path = row[0] + "/dt=" + row[1] + "/" + row[2];
        assertThat(listed.getOrDefault(path, 0L)).as(path).isEqualTo(Long.parseLong(row[3]) - Long.parseLong(row[4]));
      }
    }
  }

  @Test
  void landingCountsMatchTheFilesLineByLine() throws Exception {
    Map<String, long[]> read = new TreeMap<>();
    for (LandingReader.Rec r : recs) {
      long[] c = read.computeIfAbsent(r.source() + "," + r.dt() + "," + r.file(), k -> new long[2]);
      c[0]++;
      c[1] += r.malformed() ? 1 : 0;
    }
    Map<String, long[]> counted = new TreeMap<>();
    for (String[] row : TestWorlds.rows(out.resolve("truth/landing_counts.csv"))) {
      counted.put(row[0] + "," + row[1] + "," + row[2], new long[] {Long.parseLong(row[3]), Long.parseLong(row[4])});
      Path file = out.resolve("landing/" + row[0] + "/dt=" + row[1] + "/" + row[2]);
      int header = LandingReader.hasHeader(row[2]) ? 1 : 0;
      assertThat(LandingReader.lines(file).size() - header).as(file.toString()).isEqualTo(Long.parseLong(row[3]));
    }
    // every feed file is counted; the opt-out list is not a feed the world generates (an empty list, header only)
    assertThat(counted.keySet()).isEqualTo(LandingReader.files(out.resolve("landing")).stream().filter(f -> !f[0].equals("opt_out"))
        .map(f -> f[0] + "," + f[1] + "," + f[2]).collect(Collectors.toCollection(HashSet::new)));
    assertThat(LandingReader.files(out.resolve("landing")).stream().filter(f -> f[0].equals("opt_out")).map(f -> f[1] + "/" + f[2]))
        .containsExactly(TestWorlds.MONDAY + "/opt_out.csv");
    read.forEach((file, c) -> assertThat(counted.get(file)).as(file).containsExactly(c[0], c[1]));
  }

  @Test
  void aboutHalfAPercentOfEveryFeedIsMalformed() throws Exception {
    Map<String, long[]> perSource = new TreeMap<>();
    for (String[] row : TestWorlds.rows(out.resolve("truth/landing_counts.csv"))) {
      long records = Long.parseLong(row[3]);
      long malformed = Long.parseLong(row[4]);
      long[] c = perSource.computeIfAbsent(row[0], k -> new long[2]);
      c[0] += records;
      c[1] += malformed;
      if (records >= 400) {
        assertThat(malformed).as(row[0] + "/" + row[1] + "/" + row[2]).isPositive();
      }
    }
    int measured = 0;
    for (Map.Entry<String, long[]> e : perSource.entrySet()) {
      long[] c = e.getValue();
      assertThat(c[1]).as(e.getKey()).isLessThanOrEqualTo(Math.max(2, c[0] / 50));
      if (c[0] >= 1000) {
        measured++;
        assertThat((double) c[1] / c[0]).as(e.getKey()).isBetween(0.002, 0.01);
      }
    }
    assertThat(measured).isGreaterThanOrEqualTo(4);
    assertThat(report.totalMalformed()).isPositive();
  }

  @Test
  void truthIdentifiersAreExactlyThoseOfParseableRecords() {
    Set<String> landing = new HashSet<>();
    recs.forEach(r -> landing.addAll(r.ids()));
    assertThat(truth.keySet()).isEqualTo(landing);
    assertThat(report.identifiers()).isEqualTo(truth.size());
    // identifiers written only on broken lines exist, and stay out of the truth
    long brokenOnly = recs.stream().filter(LandingReader.Rec::malformed).count();
    assertThat(brokenOnly).isPositive();
  }

  @Test
  void evidenceGroupsAreTheConnectedComponentsOfRecords() {
    Map<String, String> parent = new HashMap<>();
    for (LandingReader.Rec r : recs) {
      for (String id : r.ids()) {
        parent.putIfAbsent(id, id);
        union(parent, r.ids().get(0), id);
      }
    }
    Map<String, Set<String>> truthGroupToRoots = new HashMap<>();
    Map<String, Set<String>> rootToTruthGroups = new HashMap<>();
    truth.forEach((id, row) -> {
      String root = find(parent, id);
      truthGroupToRoots.computeIfAbsent(row[3], k -> new HashSet<>()).add(root);
      rootToTruthGroups.computeIfAbsent(root, k -> new HashSet<>()).add(row[3]);
    });
    assertThat(truthGroupToRoots.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    assertThat(rootToTruthGroups.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    assertThat(truthGroupToRoots.size()).isLessThan(truth.size() / 2);
  }

  private static String find(Map<String, String> parent, String x) {
    while (!parent.get(x).equals(x)) {
      x = parent.get(x);
    }
    return x;
  }

  private static void union(Map<String, String> parent, String a, String b) {
    String ra = find(parent, a);
    String rb = find(parent, b);
    if (!ra.equals(rb)) {
      parent.put(rb, ra);
    }
  }

  @Test
  void truthIdentifiersAreNormalisedAndNeverJunk() throws Exception {
    Set<String> persons = TestWorlds.rows(out.resolve("truth/persons.csv")).stream().map(r -> r[0]).collect(Collectors.toSet());
    for (String[] r : truth.values()) {
      assertThat(Identifiers.isJunk(r[1])).as(r[0] + " " + r[1]).isFalse();
      assertThat(r[1]).isEqualTo(r[1].trim());
      switch (r[0]) {
        case "email_sha256", "phone_sha256" -> assertThat(r[1]).matches("[0-9a-f]{64}");
        case "login" -> assertThat(r[1]).isEqualTo(Identifiers.login(r[1]));
        case "crm_id" -> assertThat(r[1]).matches("C\\d{7}");
        default -> assertThat(r[0]).isIn("cookie", "maid", "ad_cookie", "loyalty_card", "partner_uid:dataprovider_a", "partner_uid:dataprovider_b");
      }
      assertThat(r[2]).isIn(persons);
      assertThat(r[4]).isIn("0", "1");
    }
    assertThat(truth.values().stream().anyMatch(r -> r[0].equals("cookie") && r[4].equals("1"))).as("a shared cookie").isTrue();
    // junk values were written in identifier fields of parseable records
    long junk = recs.stream().filter(r -> !r.malformed() && r.source().equals("weblogs") && r.file().startsWith("access-web1"))
        .filter(r -> !r.fields()[7].equals("-") && Identifiers.isJunk(r.fields()[7])).count();
    assertThat(junk).isPositive();
  }

  @Test
  void botsBrowseWithoutCookies() {
    List<LandingReader.Rec> bots = recs.stream()
        .filter(r -> !r.malformed() && r.file().startsWith("access-") && r.fields()[6].matches(".*(Googlebot|bingbot|AhrefsBot|python-requests|curl).*"))
        .toList();
    assertThat(bots).hasSizeGreaterThan(100);
    assertThat(bots).allSatisfy(r -> assertThat(r.ids()).isEmpty());
  }

  @Test
  void crmStateIsTheReplayOfTheExtractsAndHoldsNoDeletedCustomer() throws Exception {
    Map<String, List<String>> state = new TreeMap<>();
    Set<String> deleted = new HashSet<>();
    for (int d = 0; d < DAYS; d++) {
      String dt = TestWorlds.MONDAY.plusDays(d).toString();
      for (LandingReader.Rec r : recs) {
        if (!r.source().equals("crm") || !r.dt().equals(dt) || r.malformed()) {
          continue;
        }
        if (r.file().contains("_full_")) {
          if (state.containsKey("full@" + dt)) {
            state.put(r.fields()[0], List.of(r.fields()));
          } else {
            state.clear();
            state.put("full@" + dt, List.of());
            state.put(r.fields()[0], List.of(r.fields()));
          }
        } else if (r.fields()[0].equals("D")) {
          state.remove(r.fields()[1]);
          deleted.add(r.fields()[1]);
        } else {
          state.put(r.fields()[1], List.of(r.fields()).subList(1, r.fields().length));
        }
      }
      state.keySet().removeIf(k -> k.startsWith("full@") && !k.equals("full@" + dt));
      Map<String, List<String>> expected = new TreeMap<>(state);
      expected.remove("full@" + dt);
      List<String[]> rows = TestWorlds.rows(out.resolve("truth/crm_state/dt=" + dt + ".csv"));
      Map<String, List<String>> recorded = new TreeMap<>();
      rows.forEach(row -> recorded.put(row[0], List.of(row)));
      assertThat(recorded).as(dt).isEqualTo(expected);
      assertThat(rows.stream().map(row -> row[0]).toList()).isSorted();
    }
    List<String[]> last = TestWorlds.rows(out.resolve("truth/crm_state/dt=" + TestWorlds.MONDAY.plusDays(DAYS - 1) + ".csv"));
    assertThat(deleted).isNotEmpty();
    assertThat(last).noneSatisfy(row -> assertThat(deleted).contains(row[0]));
  }

  @Test
  void theThreeUseCasesHappenToTheirPeople() throws Exception {
    List<String[]> cases = TestWorlds.rows(out.resolve("truth/use_cases.csv"));
    assertThat(cases.stream().map(c -> c[1]).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("car_intender", "abandon_then_wifi", "callcenter_browse");
    for (String[] c : cases) {
      String dt = c[0];
      String person = c[2];
      Set<String> crm = groupsOf(person, "crm_id");
      String story = c[1] + " of " + person + " on " + dt;
      switch (c[1]) {
        case "car_intender" -> {
          assertThat(any(r -> r.dt().equals(dt) && r.source().equals("weblogs")
              && r.fields()[2].contains("q=voiture+occasion") && belongs(r, person, crm))).as(story).isTrue();
          assertThat(any(r -> segmentOf(r, dt, person, "dataprovider_b", "auto_intender"))).as(story).isTrue();
          assertThat(any(r -> segmentOf(r, dt, person, "dataprovider_a", "age_")
              && r.fields()[1].contains("csp_") && r.fields()[1].contains("region_"))).as(story).isTrue();
        }
        case "abandon_then_wifi" -> {
          String monday = c[3].replaceAll(".*abandoned=([0-9-]+).*", "$1");
          assertThat(any(r -> r.dt().equals(monday) && r.file().startsWith("collector-web")
              && r.fields()[1].equals("cart_abandon") && belongs(r, person, crm))).as(story).isTrue();
          assertThat(any(r -> r.dt().equals(dt) && r.file().startsWith("wifi") && belongs(r, person, crm))).as(story).isTrue();
        }
        default -> {
          String firstBrowse = c[3].replaceAll(".*browsed=([0-9-]+).*", "$1");
          assertThat(any(r -> r.dt().equals(dt) && r.source().equals("callcenter") && belongs(r, person, crm))).as(story).isTrue();
          assertThat(any(r -> r.dt().equals(firstBrowse) && r.source().equals("weblogs")
              && r.fields()[2].startsWith("/p/") && belongs(r, person, crm))).as(story).isTrue();
        }
      }
    }
  }

  /** Some parseable record matches. */
  private static boolean any(java.util.function.Predicate<LandingReader.Rec> p) {
    return recs.stream().anyMatch(r -> !r.malformed() && p.test(r));
  }

  /** The record carries an identifier of the person that is in the evidence group of their crm_id. */
  private static boolean belongs(LandingReader.Rec r, String person, Set<String> crmGroups) {
    return r.ids().stream().map(truth::get).anyMatch(t -> t[2].equals(person) && crmGroups.contains(t[3]));
  }

  private static boolean segmentOf(LandingReader.Rec r, String dt, String person, String partner, String segment) {
    return r.dt().equals(dt) && r.source().equals("partner_data/" + partner) && r.file().startsWith("segments")
        && !r.malformed() && r.fields()[1].contains(segment) && truth.get(r.ids().get(0))[2].equals(person);
  }

  private static Set<String> groupsOf(String person, String type) {
    return truth.values().stream().filter(t -> t[0].equals(type) && t[2].equals(person)).map(t -> t[3]).collect(Collectors.toSet());
  }

  @Test
  void firstPurchasersExistAndPropensityShowsInTheirBrowsingBeforeIt() throws Exception {
    List<String[]> persons = TestWorlds.rows(out.resolve("truth/persons.csv"));
    List<String[]> buyers = persons.stream().filter(p -> !p[7].isEmpty()).toList();
    assertThat(buyers).hasSizeGreaterThan(50);
    assertThat(buyers.stream().anyMatch(p -> p[1].isEmpty())).as("a prospect's first purchase").isTrue();
    Map<String, String> firstDay = buyers.stream().collect(Collectors.toMap(p -> p[0], p -> p[7]));
    Map<String, Integer> views = new HashMap<>();
    for (LandingReader.Rec r : recs) {
      if (r.malformed() || !r.source().equals("weblogs") || r.ids().isEmpty()) {
        continue;
      }
      String url = r.fields()[2];
      String person = truth.get(r.ids().get(0))[2];
      String first = firstDay.get(person);
      if ((url.startsWith("/p/") || url.startsWith("/cart/add")) && first != null && r.dt().compareTo(first) <= 0) {
        views.merge(person, 1, Integer::sum);
      }
    }
    double high = meanViews(buyers, views, 0.6, 1.01);
    double low = meanViews(buyers, views, 0.0, 0.3);
    assertThat(high).isGreaterThan(1.5 * low);
    assertThat(Files.readString(out.resolve("truth/persons.csv"))).contains(",cars,");
  }

  private static double meanViews(List<String[]> buyers, Map<String, Integer> views, double from, double to) {
    return buyers.stream().filter(p -> Double.parseDouble(p[6]) >= from && Double.parseDouble(p[6]) < to)
        .mapToInt(p -> views.getOrDefault(p[0], 0)).average().orElse(0);
  }
}
