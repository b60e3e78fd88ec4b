package org.opendmp.jobs.activate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.testing.WorldNights;

/**
 * The shipped destinations after the three nights of the shared generated world ({@link WorldNights}), judged by
 * the delivered files and the generator's truth: every delivery complete and matching its manifest, incremental files
 * that turn one night's audience into the next, nobody sent without the purpose's consent as the truth records it,
 * and the planted use cases in the right files.
 */
class ActivationWorldTest {
  static WorldNights w;
  static Lake lake;
  static Path exports;
  static DestinationsConfig conf;
  /** person_id -> true_person_id: the truth person owning most of the person's (not shared) identifiers. */
  static Dataset<Row> truePerson;
  static Map<String, Row> truth = new HashMap<>();

  @BeforeAll
  static void world() throws Exception {
    w = WorldNights.get();
    lake = w.lake;
    exports = Path.of(lake.env().exportRoot());
    conf = DestinationsConfig.load(lake.env());
    truePerson = w.csv("truth/identifiers.csv").where(col("shared").equalTo("0"))
        .join(lake.read(Tables.ID_GRAPH), WorldNights.seq("id_type", "id_value"))
        .groupBy("person_id", "true_person_id").agg(count(lit(1)).as("n"))
        .groupBy("person_id").agg(max_by(col("true_person_id"), struct(col("n"), col("true_person_id"))).as("true_person_id"))
        .localCheckpoint();
    w.csv("truth/persons.csv").collectAsList().forEach(r -> truth.put(r.getAs("true_person_id"), r));
  }

  static List<LocalDate> nights() {
    List<LocalDate> out = new ArrayList<>();
    for (int i = 0; i < WorldNights.NIGHTS; i++) {
      out.add(WorldNights.D1.plusDays(i));
    }
    return out;
  }

  static Path folder(Destination d, LocalDate night) {
    return exports.resolve(d.id()).resolve("dt=" + night);
  }

  /** A delivered file's lines, gunzipped when gzip, without the header of csv and crm files. */
  static List<String> dataLines(Destination d, Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (file.toString().endsWith(".gz")) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
          bytes = in.readAllBytes();
        }
      }
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      return d.format().equals("aam") || lines.isEmpty() ? lines : lines.subList(1, lines.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> dataLines(Destination d, LocalDate night) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode f : new ObjectMapper().readTree(folder(d, night).resolve("manifest.json").toFile()).get("files")) {
      out.addAll(dataLines(d, folder(d, night).resolve(f.get("name").asText())));
    }
    return out;
  }

  @Test
  void everyDeliveryOfEveryNightIsCompleteAndMatchesItsManifest() throws IOException {
    for (LocalDate night : nights()) {
      assertThat(lake.readDate(Tables.EXPORTS, night).where(col("status").equalTo("delivered")).count()).as(night.toString())
          .isEqualTo(conf.destinations().size());
      for (Destination d : conf.destinations()) {
        Path dir = folder(d, night);
        assertThat(dir.resolve("_SUCCESS")).as(dir.toString()).exists().isEmptyFile();
        JsonNode m = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        long total = 0;
        for (JsonNode f : m.get("files")) {
          Path file = dir.resolve(f.get("name").asText());
          assertThat(Activate.sha256(Files.readAllBytes(file))).as(file.toString()).isEqualTo(f.get("sha256").asText());
          long rows = dataLines(d, file).size();
          assertThat(f.get("rows").asLong()).as(file.toString()).isEqualTo(rows);
          total += rows;
        }
        assertThat(m.get("totals").get("rows").asLong()).isEqualTo(total);
        Row log = lake.readDate(Tables.EXPORTS, night).where(col("destination").equalTo(d.id())).first();
        assertThat(log.<Long>getAs("rows")).isEqualTo(total);
        assertThat(log.<String>getAs("checksum")).isEqualTo(Activate.sha256(Files.readAllBytes(dir.resolve("manifest.json"))));
      }
    }
  }

  /** identifier -> its codes sent, comma-joined, from activation.audience of a night. */
  static Map<String, String> audience(Destination d, LocalDate night) {
    Map<String, String> out = new HashMap<>();
    for (Row r : lake.readDate(Tables.AUDIENCE, night).where(col("destination").equalTo(d.id())).collectAsList()) {
      String codes = String.join(",", r.<String>getList(r.fieldIndex("codes")));
      r.<String>getList(r.fieldIndex("id_values")).forEach(id -> out.put(id, codes));
    }
    return out;
  }

  @Test
  void incrementalFilesAreTheDifferenceBetweenConsecutiveNightsAudiences() throws IOException {
    int checked = 0;
    for (Destination d : conf.destinations()) {
      if (!d.mode().equals("incremental")) {
        continue;
      }
      List<LocalDate> nights = nights();
      for (int i = 1; i < nights.size(); i++) {
        Map<String, String> state = audience(d, nights.get(i - 1));
        int changes = 0;
        for (String line : dataLines(d, nights.get(i))) {
          String[] f = line.split(d.format().equals("aam") ? "\t" : ",", -1);
          // aam: id, codes, removed; csv: id_type, id, codes, removed; crm: crm_id, segments, removed
          String id = d.format().equals("csv") ? f[1] : f[0];
          String codes = (d.format().equals("csv") ? f[2] : f[1]).replace('|', ',');
          if (codes.isEmpty()) {
            assertThat(state.remove(id)).as(d.id() + " " + nights.get(i) + ": a removal of an id not sent before: " + line).isNotNull();
          } else {
            state.put(id, codes);
          }
          changes++;
        }
        assertThat(state).as(d.id() + " " + nights.get(i)).isEqualTo(audience(d, nights.get(i)));
        System.out.printf("activation: %s %s: %d lines turn %d ids into %d%n", d.id(), nights.get(i), changes,
            audience(d, nights.get(i - 1)).size(), state.size());
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(4);
  }

  /**
   * Everybody sent on the last night has, in the truth, the consent of the destination's purpose: the CRM flag for
   * email, sms and postal; for ads the CRM flag or the banner's answer (whichever is later decides, and a yes of
   * either is necessary).
   */
  @Test
  void nobodySentLacksThePurposesConsentInTheTruth() {
    LocalDate last = WorldNights.last();
    List<String> violations = new ArrayList<>();
    long checked = 0;
    for (Row r : lake.readDate(Tables.AUDIENCE, last).join(truePerson, "person_id").collectAsList()) {
      Destination d = conf.destination(r.getAs("destination"));
      Row t = truth.get(r.<String>getAs("true_person_id"));
      boolean consented = switch (d.purpose()) {
        case "ads" -> "Y".equals(t.getAs("consent_ads")) || "1".equals(t.getAs("banner_ads"));
        default -> "Y".equals(t.getAs("consent_" + d.purpose()));
      };
      checked++;
      if (!consented) {
        violations.add(d.id() + " " + r.getAs("person_id") + " (" + t.getAs("true_person_id") + ")");
      }
    }
    System.out.printf("activation: %d people sent on %s checked against the truth's consents, %d without: %s%n", checked, last,
        violations.size(), violations);
    assertThat(checked).isPositive();
    assertThat(violations).isEmpty();
  }

  /**
   * The planted use cases on the night their story completes: a car intender goes to the SMS partner when the truth
   * says they consented to SMS and have a phone, otherwise to the postal partner (consent to post) with their nearest
   * agency; a cart abandoner seen in store goes to the SMS partner with a product they abandoned (the latest: not
   * always the planted one) and the offer, and is never in that night's retargeting audience; a customer who called
   * after browsing is in the CRM feedback with the pages seen and a recommended product when they consented to email.
   *
   * <p>A story whose person landed in the segment's control group is not checked (never sent, by design), nor is "a
   * phone" the truth's: the CRM record may lack it, so the SMS route needs a hashed phone in the graph. Measured on
   * the 5,000-person world (2026-12-07): 28 delivered, 2 in a control group, none missed (before these two rules: 27 of
   * 30, the 3 misses being the two control members and an abandoner whose CRM record has no phone). A miss is printed
   * with the person's membership, consents and pressure.
   */
  @Test
  void plantedUseCasesAreInTheRightFiles() {
    List<String> missed = new ArrayList<>();
    List<String> retargetedAfterTheStore = new ArrayList<>();
    List<String> controls = new ArrayList<>();
    int followed = 0;
    for (Row u : w.csv("truth/use_cases.csv").collectAsList()) {
      LocalDate night = LocalDate.parse(u.getAs("dt"));
      Row t = truth.get(u.<String>getAs("true_person_id"));
      String story = u.getAs("use_case") + " " + u.getAs("true_person_id") + " on " + night;
      List<String> persons = truePerson.where(col("true_person_id").equalTo(u.<String>getAs("true_person_id")))
          .select("person_id").as(Encoders.STRING()).collectAsList();
      if (inControlGroup(night, persons, SEGMENTS.get(u.<String>getAs("use_case")))) {
        controls.add(story); // a control-group member is never sent: that is the point of the group
        continue;
      }
      // a phone we know: the person's hashed phone in the graph (the truth's phone may be missing from the CRM)
      boolean sms = "Y".equals(t.getAs("consent_sms")) && lake.read(Tables.ID_GRAPH)
          .where(col("id_type").equalTo("phone_sha256").and(col("person_id").isin(persons.toArray()))).count() > 0;
      String problem = switch (u.<String>getAs("use_case")) {
        case "car_intender" -> sms ? sent("sms_partner", night, persons, "CAR_INTENDER", 0, null)
            : "Y".equals(t.getAs("consent_postal")) ? sent("postal_partner", night, persons, "CAR_INTENDER", 0, "AG") : "";
        case "abandon_then_wifi" -> {
          boolean retargeted = lake.readDate(Tables.AUDIENCE, night)
              .where(col("destination").equalTo("dsp_retargeting").and(col("person_id").isin(persons.toArray()))).count() > 0;
          if (retargeted) {
            retargetedAfterTheStore.add(story);
          }
          String smsProblem = sms ? sent("sms_partner", night, persons, "CART_STORE_VISIT", 1, "STORE10") : null;
          yield smsProblem == null && sms ? abandonedProduct(night, persons, u.getAs("true_person_id")) : smsProblem;
        }
        case "callcenter_browse" -> "Y".equals(t.getAs("consent_email")) ? crmFeedback(night, t.getAs("crm_id")) : "";
        default -> "an unknown use case";
      };
      if (problem == null) {
        followed++;
      } else if (!problem.isEmpty()) {
        missed.add(story + ": " + problem + "; " + diagnosis(night, persons));
      }
    }
    System.out.printf("activation: planted use cases delivered %d, in a control group %d %s, missed %d: %s%n", followed,
        controls.size(), controls, missed.size(), missed);
    assertThat(retargetedAfterTheStore).isEmpty();
    assertThat(followed).isGreaterThanOrEqualTo(3);
    assertThat(missed).isEmpty();
  }

  /** The segment each use case qualifies its person for. */
  static final Map<String, String> SEGMENTS = Map.of("car_intender", "car_intenders", "abandon_then_wifi", "cart_abandoners_store_visit",
      "callcenter_browse", "callcenter_browsed");

  static boolean inControlGroup(LocalDate night, List<String> persons, String segment) {
    return lake.readDate(Tables.SEGMENT_MEMBERSHIP, night).where(col("segment_id").equalTo(segment)
        .and(col("person_id").isin(persons.toArray())).and(col("is_control"))).count() > 0;
  }

  /** Null when the person's SMS line carries a product the true person abandoned on the web within 7 nights. */
  static String abandonedProduct(LocalDate night, List<String> persons, String truePersonId) {
    Row r = lake.readDate(Tables.AUDIENCE, night)
        .where(col("destination").equalTo("sms_partner").and(col("person_id").isin(persons.toArray()))).first();
    String sent = r.<String>getList(r.fieldIndex("column_values")).get(0);
    Dataset<Row> ids = w.csv("truth/identifiers.csv").where(col("true_person_id").equalTo(truePersonId)).select("id_type", "id_value");
    List<String> abandoned = new ArrayList<>();
    for (String c : List.of("cookie", "login", "maid")) {
      lake.read(Tables.WEB_EVENTS).where(col("event_type").equalTo("cart_abandon").and(col("run_date").between(night.minusDays(6), night)))
          .join(ids.where(col("id_type").equalTo(c)), col(c).equalTo(col("id_value"))).select("sku").as(Encoders.STRING())
          .collectAsList().forEach(abandoned::add);
    }
    return abandoned.contains(sent) ? null : "the SMS line's product " + sent + " is none of the person's abandoned " + abandoned;
  }

  /** What the lake says of the persons that night: membership, consents and contactability, marketing pressure. */
  static String diagnosis(LocalDate night, List<String> persons) {
    List<String> out = new ArrayList<>();
    out.add("persons " + persons);
    lake.readDate(Tables.SEGMENT_MEMBERSHIP, night).where(col("person_id").isin(persons.toArray()))
        .select("person_id", "segment_id", "is_control").collectAsList().forEach(r -> out.add("member " + r));
    lake.readDate(Tables.PROFILES, night).where(col("person_id").isin(persons.toArray()))
        .select("person_id", "consent_sms", "contactable_sms", "consent_postal", "contactable_postal", "identifiers").collectAsList()
        .forEach(r -> out.add("profile " + r));
    lake.readDate(Tables.SCORES, night).where(col("person_id").isin(persons.toArray()).and(col("score").equalTo("pressure_7d")))
        .select("person_id", "value").collectAsList().forEach(r -> out.add("pressure_7d " + r));
    return String.join(", ", out);
  }

  static String detail(Row useCase, String key) {
    for (String part : useCase.<String>getAs("detail").split(";")) {
      if (part.startsWith(key + "=")) {
        return part.substring(key.length() + 1);
      }
    }
    throw new AssertionError("no " + key + " in " + useCase);
  }

  /**
   * Null when one of the persons is in the destination's audience of the night with the code and, when given, an
   * extra column value starting with {@code column}; otherwise what is wrong.
   */
  static String sent(String destination, LocalDate night, List<String> persons, String code, int columnIndex, String column) {
    List<Row> rows = lake.readDate(Tables.AUDIENCE, night)
        .where(col("destination").equalTo(destination).and(col("person_id").isin(persons.toArray()))).collectAsList();
    for (Row r : rows) {
      List<String> values = r.getList(r.fieldIndex("column_values"));
      if (r.<String>getList(r.fieldIndex("codes")).contains(code)
          && (column == null || values.size() > columnIndex && values.get(columnIndex).startsWith(column))) {
        return null;
      }
    }
    return "not in " + destination + " with " + code + (column == null ? "" : " and " + column) + " (rows " + rows + ")";
  }

  /** Null when the night's CRM feedback file has the customer with pages seen and a recommended product. */
  static String crmFeedback(LocalDate night, String crmId) {
    Destination d = conf.destination("crm_feedback");
    try {
      for (String line : dataLines(d, night)) {
        String[] f = line.split(",", -1);
        // crm_id, segments, removed_segments, ..., pages_since_contact, recommended_product
        if (f[0].equals(crmId)) {
          return f[1].contains("callcenter_browsed") && !f[f.length - 2].isEmpty() && !f[f.length - 1].isEmpty() ? null
              : "in the CRM feedback without the segment, pages or recommendation: " + line;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "not in the CRM feedback";
  }
}
