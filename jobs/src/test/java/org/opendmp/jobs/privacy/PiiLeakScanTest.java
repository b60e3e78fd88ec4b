package org.opendmp.jobs.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.run.JobRunner;

/**
 * No clear email or phone of any customer of the landing files appears in any file under lake_root: data files
 * (parquet decoded, every value), the Delta logs (commit info, column statistics), checkpoints, checksums, the
 * rejects tables. Runs the jobs that touch contact data (ingest_crm, ingest_store, conform) on two nights of the
 * repo's sample-data, plus rejected lines full of contact data.
 */
class PiiLeakScanTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02");
  static final LocalDate D2 = LocalDate.parse("2026-11-03");
  static final Pattern EMAIL = Pattern.compile("[\\p{L}\\p{N}._%+\\-]+@[\\p{L}\\p{N}\\-]+(\\.[\\p{L}\\p{N}\\-]+)+");
  /** A phone as typed or normalised: digits with separators, not inside a longer word (a hash, a ciphertext). */
  static final Pattern PHONE = Pattern.compile("(?<![\\w+/=])\\+?\\d[\\d .\\-()]{7,}\\d(?![\\w/=])");
  static Lake lake;
  static Set<String> emails;
  static Set<String> phones;

  @BeforeAll
  static void ingestTwoNightsOfSampleDataWithRejects() throws IOException {
    lake = SharedSpark.freshLake();
    Path landing = Path.of(lake.env().landingRoot());
    for (String source : List.of("crm", "store")) {
      for (LocalDate d : List.of(D1, D2)) {
        copy(Path.of("../sample-data/landing", source, "dt=" + d), landing.resolve(source).resolve("dt=" + d));
      }
    }
    // Rejected lines carrying contact data: a bad birth date, a short line, a bad login time.
    Files.writeString(landing.resolve("crm/dt=" + D2 + "/customers_delta_20261103.csv"),
        "U;C9999998;Probe;Leak;probe.leak@free.fr;06 11 22 33 44;1980-31-31;1 rue X;75011;Paris;;;2020-01-01;0;Y;Y;Y;Y;2026-11-03 10:00:00\n"
            + "U;C9999997;Short;probe.short@free.fr;+33611223355\n",
        StandardOpenOption.APPEND);
    Files.writeString(landing.resolve("store/dt=" + D1 + "/wifi_logins.csv"), "not-a-time,S001,probe.wifi@free.fr,0611223366,M1\n",
        StandardOpenOption.APPEND);
    emails = new TreeSet<>();
    phones = new TreeSet<>();
    try (Stream<Path> files = Files.walk(landing)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        collectContacts(landingText(f));
      }
    }
    for (LocalDate d : List.of(D1, D2)) {
      for (String job : List.of("ingest_crm", "ingest_store", "conform")) {
        JobRunner.Outcome o = JobRunner.run(JobRegistry.byName(job), lake, d);
        assertThat(o.ok()).as(job + " " + d + ": " + o.message()).isTrue();
      }
    }
  }

  /** The emails and phones of the landing files: every value the email and phone columns hold. */
  static void collectContacts(String file) {
    List<String> lines = file.lines().toList();
    String sep = lines.get(0).contains(";") ? ";" : ",";
    List<String> header = List.of(lines.get(0).split(sep, -1));
    int email = header.indexOf("email");
    int phone = header.indexOf("phone");
    if (email < 0 && phone < 0) {
      return;
    }
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(sep, -1);
      // The probe lines are short or shifted: take what looks like contact data anywhere on the line.
      Matcher m = EMAIL.matcher(line);
      while (m.find()) {
        emails.add(m.group().trim().toLowerCase(Locale.ROOT));
      }
      if (phone >= 0 && phone < f.length && !f[phone].isBlank()) {
        phones.add(phoneKey(f[phone]));
      }
      Matcher p = PHONE.matcher(line);
      while (p.find()) {
        if (p.group().replaceAll("\\D", "").length() >= 9 && !p.group().contains("-11-0")) { // not a date
          phones.add(phoneKey(p.group()));
        }
      }
    }
  }

  /** A phone's last 9 digits: the same for 06 12 34 56 78, 06-12-34-56-78, 0612345678 and +33612345678. */
  static String phoneKey(String phone) {
    String digits = phone.replaceAll("\\D", "");
    return digits.length() > 9 ? digits.substring(digits.length() - 9) : digits;
  }

  /** Every email or phone of the landing found in the text. */
  static List<String> leaks(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = EMAIL.matcher(text);
    while (m.find()) {
      if (emails.contains(m.group().toLowerCase(Locale.ROOT))) {
        out.add(m.group());
      }
    }
    Matcher p = PHONE.matcher(text);
    while (p.find()) {
      String digits = p.group().replaceAll("\\D", "");
      if (digits.length() >= 9 && phones.contains(phoneKey(p.group()))) {
        out.add(p.group());
      }
    }
    return out;
  }

  /** A landing file's text (gz opened). */
  static String landingText(Path f) throws IOException {
    try (InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  @Test
  void noFileUnderTheLakeHoldsAClearEmailOrPhone() throws IOException {
    assertThat(emails).as("the landing's emails").hasSizeGreaterThan(100).contains("probe.leak@free.fr", "probe.wifi@free.fr");
    assertThat(phones).as("the landing's phones").hasSizeGreaterThan(50).contains("611223344", "611223366");
    assertThat(leaks("x,Probe.Leak@free.fr,+33 6 11 22 33 44,ab0611223344cd")).as("the scanner finds them")
        .containsExactly("Probe.Leak@free.fr", "+33 6 11 22 33 44");
    assertThat(lake.read(Tables.rejectsOf(Tables.CRM_CUSTOMERS)).count()).as("the probe lines were rejected").isGreaterThanOrEqualTo(2);
    assertThat(lake.read(Tables.rejectsOf(Tables.STORE_WIFI_LOGINS)).count()).isGreaterThanOrEqualTo(1);

    FileScan.Result scan = FileScan.scan(List.of(Path.of(lake.env().lakeRoot())), PiiLeakScanTest::leaks);
    int parquet = scan.parquetDecoded();
    int logs = scan.scanned(FileScan.Kind.DELTA_LOG);
    assertThat(parquet).as("data files scanned").isGreaterThan(10);
    assertThat(logs).as("delta log commits and checksums scanned").isGreaterThan(10);
    assertThat(scan.hits()).as("files holding a clear email or phone of the landing").isEmpty();
  }
}
