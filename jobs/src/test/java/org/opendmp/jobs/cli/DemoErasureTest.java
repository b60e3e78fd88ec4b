package org.opendmp.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.ids.IdNormalizer;
import org.opendmp.common.ids.Identifiers;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.privacy.PrivacyRequests;
import org.opendmp.jobs.testing.TableRows;

/**
 * The demo's erase story on a hand-written world: which customer is picked from the first night's CRM file and the
 * truth, the request file landed for them, and the summary's privacy section on a tiny lake.
 */
class DemoErasureTest {
  static final LocalDate START = LocalDate.parse("2026-11-02");
  static final String HEADER = "crm_id;first_name;last_name;email;phone;birth_date;street;postcode;city;loyalty_card;login;customer_since;vip;"
      + "consent_email;consent_sms;consent_postal;consent_ads;updated_at";

  @TempDir Path world;

  @Test
  void picksTheFirstUseCasePersonDeliveredBeforeTheEraseNightWithAValidEmail() throws IOException {
    world();
    LocalDate night = DemoErasure.night(START, 3);
    assertThat(night).isEqualTo(START.plusDays(1));
    DemoErasure.Subject s = DemoErasure.pick(world, START, night);
    // P3 (callcenter, night 1) has a junk email, P2 (night 1) none; P6 (car intender, night 1) is the first with one
    assertThat(s.crmId()).isEqualTo("C0000006");
    assertThat(s.email()).isEqualTo("Zoe.Martin@Free.fr");
    assertThat(s.why()).isEqualTo("truth person P6, use case car_intender of 2026-11-02");
    assertThat(s.maskedEmail()).isEqualTo("z***@free.fr");
    assertThat(s.toString()).doesNotContain("martin");
    assertThat(s.emailSha256()).isEqualTo(Identifiers.sha256Hex("zoe.martin@free.fr"));
  }

  @Test
  void withoutAUseCasePersonBeforeTheNightTakesTheNextUseCaseThenTheFirstCustomer() throws IOException {
    world();
    // a one-night demo erases on its only night: no story completes before it, the first by night then use case wins
    assertThat(DemoErasure.night(START, 1)).isEqualTo(START);
    assertThat(DemoErasure.pick(world, START, START).crmId()).isEqualTo("C0000006");
    // P6 gone from the truth: the use case of the next night (P5, its email as typed, spaces trimmed)
    Files.writeString(world.resolve("truth/use_cases.csv"), "dt,use_case,true_person_id,detail\n"
        + "2026-11-03,abandon_then_wifi,P5,\"sku=SKU-1;store=S1\"\n2026-11-02,callcenter_browse,P3,appointment=A1\n");
    DemoErasure.Subject p5 = DemoErasure.pick(world, START, START.plusDays(1));
    assertThat(p5.crmId()).isEqualTo("C0000005");
    assertThat(p5.email()).isEqualTo("Nathan.Leclerc@free.fr");
    // no use-case person in the CRM file: the first live customer with an email, by crm_id
    Files.writeString(world.resolve("truth/use_cases.csv"), "dt,use_case,true_person_id,detail\n2026-11-02,car_intender,P9,x\n");
    assertThat(DemoErasure.pick(world, START, START.plusDays(1)).crmId()).isEqualTo("C0000001");
  }

  @Test
  void aDeltaExtractsDeletedCustomerIsNotLive() throws IOException {
    Path dir = Files.createDirectories(world.resolve("landing/crm/dt=2026-11-03"));
    Files.writeString(dir.resolve("customers_delta_20261103.csv"), "op;" + HEADER + "\n"
        + "D;C0000007;;;;;;;;;;;;;;;;;2026-11-03 08:00:00\n" + "U;" + row("C0000008", "new@free.fr") + "\n"
        + "U;" + row("C0000009", "gone@free.fr") + "\nD;C0000009;;;;;;;;;;;;;;;;;2026-11-03 09:00:00\n");
    assertThat(DemoErasure.crmEmails(dir)).isEqualTo(Map.of("C0000008", "new@free.fr"));
  }

  @Test
  void landsOneEraseRequestThePrivacyJobAccepts() throws IOException {
    world();
    DemoErasure.Subject s = DemoErasure.pick(world, START, START.plusDays(1));
    Path file = DemoErasure.land(world.resolve("landing"), START.plusDays(1), s);
    assertThat(file).isEqualTo(world.resolve("landing/privacy/dt=2026-11-03/requests.csv"));
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).containsExactly("request_id,type,id_type,id_value", "demo-erase-1,erase,email,Zoe.Martin@Free.fr");
    List<PrivacyRequests.Request> parsed = PrivacyRequests.parse(lines, file.toString(), IdNormalizer.defaults());
    assertThat(parsed).hasSize(1);
    assertThat(parsed.get(0).valid()).isTrue();
    assertThat(parsed.get(0).idType()).isEqualTo("email_sha256");
    assertThat(parsed.get(0).idValue()).isEqualTo(s.emailSha256());
  }

  @Test
  void theSummarySaysTheStatusWhatFilesStillHoldTheHashAndTheRows() throws IOException {
    Lake lake = SharedSpark.freshLake();
    Path home = Path.of(lake.env().lakeRoot()).getParent();
    DemoErasure.Subject s = new DemoErasure.Subject("C0000006", "Zoe.Martin@Free.fr", "test");
    String hash = s.emailSha256();
    LocalDate night = START.plusDays(1);
    lake.replaceDate(Tables.PRIVACY_REQUESTS, night, lake.spark().createDataFrame(List.of(RowFactory.create("demo-erase-1", "erase",
        "email", "done", null, scala.jdk.javaapi.CollectionConverters.asScala(new java.util.TreeMap<>(Map.of("bronze.web_events", 2L,
            "identity.id_graph", 4L))), null)), Tables.PRIVACY_REQUESTS.schema()));
    lake.overwrite(Tables.IDENTIFIERS, TableRows.of(Tables.IDENTIFIERS, Map.of("id_type", "email_sha256", "id_value", hash,
        "first_seen", Date.valueOf(START), "last_seen", Date.valueOf(START)), Map.of("id_type", "cookie", "id_value", "ck-1")));
    lake.overwrite(Tables.ID_GRAPH, TableRows.of(Tables.ID_GRAPH, Map.of("id_type", "cookie", "id_value", "ck-1", "person_id", "p1")));
    Path delivery = Files.createDirectories(home.resolve("exports/dsp/dt=2026-11-02")).resolve("part-1.tsv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(delivery))) {
      out.write((hash + "\tCAR\n").getBytes(StandardCharsets.UTF_8));
    }

    StringWriter text = new StringWriter();
    var scan = DemoErasure.report(new PrintWriter(text, true), lake, home, List.of(home.resolve("lake"), home.resolve("exports")), s);
    String out = text.toString();
    assertThat(out).contains("   privacy: erase request demo-erase-1 for z***@free.fr (C0000006)\n",
        "     ops.privacy_requests 2026-11-03: done, 6 rows removed from 2 tables\n",
        "       bronze.web_events 2, identity.id_graph 4\n",
        String.format("     scanned %,d files (%,d parquet decoded, 1 gz opened, %,d log files) in ", scan.files(), scan.parquetDecoded(), scan.logFiles()),
        String.format("s: %d files hold the erased person's email or its hash%n", scan.hits().size()),
        "       exports/dsp/dt=2026-11-02/part-1.tsv.gz (hash)\n",
        "silver.identifiers 1, identity.id_graph 0\n");
    assertThat(scan.parquetDecoded()).isGreaterThanOrEqualTo(3);
    // the delivery and the identifiers table (not erased here) hold the hash; the graph does not
    assertThat(scan.hits()).containsKey(delivery).hasSizeGreaterThan(1);
    assertThat(scan.hits().keySet()).allMatch(p -> p.equals(delivery) || p.toString().contains("/silver/identifiers/"), scan.hits().toString());
    assertThat(out).doesNotContain("zoe.martin", hash);
  }

  /** The first night's full CRM extract (gz, with a broken short line) and the truth's persons and use cases. */
  void world() throws IOException {
    Path crm = Files.createDirectories(world.resolve("landing/crm/dt=2026-11-02"));
    String rows = String.join("\n", HEADER, row("C0000001", "louis@yahoo.fr"), row("C0000002", ""), row("C0000003", "n/a"),
        "C0000004;Eve", row("C0000005", " Nathan.Leclerc@free.fr "), row("C0000006", "Zoe.Martin@Free.fr"), "");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(crm.resolve("customers_full_20261102.csv.gz")))) {
      out.write(rows.getBytes(StandardCharsets.UTF_8));
    }
    Path truth = Files.createDirectories(world.resolve("truth"));
    Files.writeString(truth.resolve("persons.csv"), "true_person_id,crm_id,email\nP1,C0000001,x\nP2,C0000002,x\nP3,C0000003,x\n"
        + "P4,C0000004,x\nP5,C0000005,x\nP6,C0000006,x\nP7,,x\n");
    Files.writeString(truth.resolve("use_cases.csv"), "dt,use_case,true_person_id,detail\n"
        + "2026-11-03,abandon_then_wifi,P5,\"sku=SKU-1;store=S1\"\n"
        + "2026-11-02,car_intender,P7,\"query=voiture;partners=a,b\"\n"
        + "2026-11-02,car_intender,P6,\"query=voiture;partners=a,b\"\n"
        + "2026-11-02,callcenter_browse,P3,appointment=A1\n"
        + "2026-11-02,callcenter_browse,P2,appointment=A2\n");
  }

  static String row(String crmId, String email) {
    return crmId + ";Ann;Lee;" + email + ";;1980-01-01;1 rue X;75011;Paris;;;2020-01-01;0;Y;Y;Y;Y;2026-11-01 10:00:00";
  }
}
