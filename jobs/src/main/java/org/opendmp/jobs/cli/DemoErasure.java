package org.opendmp.jobs.cli;

import static org.apache.spark.sql.functions.col;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Row;
import org.opendmp.common.DmpException;
import org.opendmp.common.ids.Identifiers;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.privacy.FileScan;
import org.opendmp.jobs.privacy.Privacy;
import org.opendmp.jobs.privacy.PrivacyRequests;

/**
 * The demo's erase story (issue 8's "done when"): one live CRM customer of the first night's landing asks to be erased
 * on the second night; after the nights, the request's status and a scan of every file under the lake and the exports
 * for their clear email and its SHA-256. The person is chosen from the generated files alone, so the same seed picks
 * the same person.
 */
final class DemoErasure {
  static final String REQUEST_ID = "demo-erase-1";
  /** Hit paths printed; the count says how many there are. */
  private static final int SHOWN_HITS = 5;

  private DemoErasure() {}

  /**
   * The person to erase.
   *
   * @param email the email as the CRM file has it (the request carries it so; the privacy job normalises it)
   * @param why why this one, for the demo's line
   */
  record Subject(String crmId, String email, String why) {
    String normalisedEmail() {
      return Identifiers.normalizeEmail(email);
    }

    String emailSha256() {
      return Identifiers.emailSha256(email);
    }

    /** First letter and domain: enough to recognise, not enough to copy. */
    String maskedEmail() {
      String e = normalisedEmail();
      return e.charAt(0) + "***" + e.substring(e.indexOf('@'));
    }

    @Override
    public String toString() { // never the clear email in a log line
      return "Subject[" + crmId + ", " + maskedEmail() + "]";
    }
  }

  /** The night the request lands: the second one, or the only one of a one-night demo. */
  static LocalDate night(LocalDate start, int days) {
    return days >= 2 ? start.plusDays(1) : start;
  }

  /**
   * A live customer with a valid email in the CRM files landed for {@code start} ({@code world/landing/crm/dt=start/}).
   * Preferred: a person of the truth's use cases whose story completes before {@code night} (delivered, then erased:
   * the erase night sends a removal), then any use-case person (by night, use case, person id), then the landing's
   * first such customer by crm_id.
   */
  static Subject pick(Path world, LocalDate start, LocalDate night) {
    Map<String, String> emails = crmEmails(world.resolve("landing/crm/dt=" + start));
    if (emails.isEmpty()) {
      throw new DmpException("Cannot pick a customer to erase: no live customer with a valid email in " + world.resolve("landing/crm/dt=" + start));
    }
    Map<String, String> crmOf = column(world.resolve("truth/persons.csv"), "true_person_id", "crm_id");
    List<String[]> cases = rows(world.resolve("truth/use_cases.csv"), "dt", "use_case", "true_person_id");
    cases.sort(Comparator.<String[], Boolean>comparing(c -> c[0].compareTo(night.toString()) >= 0)
        .thenComparing(c -> c[0]).thenComparing(c -> c[1]).thenComparing(c -> c[2]));
    for (String[] c : cases) {
      String crmId = crmOf.get(c[2]);
      if (crmId != null && emails.containsKey(crmId)) {
        return new Subject(crmId, emails.get(crmId), "truth person " + c[2] + ", use case " + c[1] + " of " + c[0]);
      }
    }
    String first = new TreeMap<>(emails).firstKey();
    return new Subject(first, emails.get(first), "the first live customer with an email (no use-case person is in this CRM file)");
  }

  /** Writes {@code landing/privacy/dt=night/requests.csv} with the one erase request; its path. */
  static Path land(Path landingRoot, LocalDate night, Subject s) {
    Path file = landingRoot.resolve(Privacy.SOURCE).resolve("dt=" + night).resolve(Privacy.FILE);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, PrivacyRequests.HEADER + "\n" + REQUEST_ID + ",erase,email," + s.email() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * The summary's "privacy" section: the request's status in ops.privacy_requests, the scan of every file under
   * {@code roots} for the clear email and its hash (paths relative to {@code home}), and the rows holding the hash in
   * silver.identifiers and identity.id_graph. Prints what it finds: the hits are not filtered.
   */
  static FileScan.Result report(PrintWriter out, Lake lake, Path home, List<Path> roots, Subject s) {
    out.println("   privacy: erase request " + REQUEST_ID + " for " + s.maskedEmail() + " (" + s.crmId() + ")");
    List<Row> status = lake.read(Tables.PRIVACY_REQUESTS).where(col("request_id").equalTo(REQUEST_ID)).orderBy("run_date").collectAsList();
    if (status.isEmpty()) {
      out.println("     ops.privacy_requests: no row (the request was not processed)");
    }
    for (Row r : status) {
      Map<String, Long> removed = r.isNullAt(r.fieldIndex("rows_removed")) ? Map.of() : new TreeMap<>(r.<String, Long>getJavaMap(r.fieldIndex("rows_removed")));
      String reason = r.getAs("reason");
      out.printf("     ops.privacy_requests %s: %s%s, %,d rows removed from %d tables%n", r.getAs("run_date"), r.<String>getAs("status"),
          reason == null ? "" : " (" + reason + ")", removed.values().stream().mapToLong(Long::longValue).sum(), removed.size());
      wrap(out, "       ", removed.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList());
    }
    long t0 = System.nanoTime();
    List<Path> existing = roots.stream().filter(Files::isDirectory).toList();
    FileScan.Result scan = FileScan.scan(existing, List.of(s.normalisedEmail(), s.emailSha256()));
    out.printf("     scanned %,d files (%,d parquet decoded, %,d gz opened, %,d log files) in %.1f s: %,d files hold the erased person's email or its hash%n",
        scan.files(), scan.parquetDecoded(), scan.scanned(FileScan.Kind.GZIP), scan.logFiles(), (System.nanoTime() - t0) / 1e9, scan.hits().size());
    scan.hits().entrySet().stream().limit(SHOWN_HITS).forEach(h -> out.printf("       %s (%s)%n", home.relativize(h.getKey()),
        h.getValue().contains(s.normalisedEmail()) ? h.getValue().size() == 2 ? "email and hash" : "email" : "hash"));
    if (scan.hits().size() > SHOWN_HITS) {
      out.printf("       ... and %,d more%n", scan.hits().size() - SHOWN_HITS);
    }
    long identifiers = lake.read(Tables.IDENTIFIERS).where(col("id_value").equalTo(s.emailSha256())).count();
    long graph = lake.read(Tables.ID_GRAPH).where(col("id_value").equalTo(s.emailSha256())).count();
    out.printf("     rows with the email hash (SELECT count(*) ... WHERE id_value = '<hash>'): silver.identifiers %,d, identity.id_graph %,d%n",
        identifiers, graph);
    return scan;
  }

  /** crm_id -> email of the live customers with a valid email in the folder's CRM files (full or delta, gz or not). */
  static Map<String, String> crmEmails(Path folder) {
    Map<String, String> out = new HashMap<>();
    if (!Files.isDirectory(folder)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path f : files) {
      List<String> lines = lines(f);
      if (lines.isEmpty()) {
        continue;
      }
      List<String> header = List.of(lines.get(0).split(";", -1));
      int crm = header.indexOf("crm_id");
      int email = header.indexOf("email");
      int op = header.indexOf("op"); // a delta extract: a deleted customer is not live
      for (String line : lines.subList(1, lines.size())) {
        String[] v = line.split(";", -1);
        // the generator's malformed lines (short, long, not UTF-8) are left out; their record also arrives intact
        if (crm < 0 || email < 0 || v.length != header.size() || Identifiers.isJunk(v[crm])) {
          continue;
        }
        if (op >= 0 && v[op].equals("D")) {
          out.remove(v[crm].trim());
        } else if (Identifiers.normalizeEmail(v[email]) != null) {
          out.put(v[crm].trim(), v[email].trim());
        }
      }
    }
    return out;
  }

  /** The value columns of a CSV with a header, keyed by the key column (fields after them may be quoted). */
  private static Map<String, String> column(Path csv, String key, String value) {
    Map<String, String> out = new HashMap<>();
    for (String[] r : rows(csv, key, value)) {
      out.put(r[0], r[1]);
    }
    return out;
  }

  /** The named columns of each row of a truth CSV; they must come before any quoted field. */
  private static List<String[]> rows(Path csv, String... columns) {
    List<String> lines = lines(csv);
    if (lines.isEmpty()) {
      throw new DmpException("Cannot pick a customer to erase: " + csv + " is empty or missing");
    }
    List<String> header = List.of(lines.get(0).split(",", -1));
    int[] at = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      at[i] = header.indexOf(columns[i]);
      if (at[i] < 0) {
        throw new DmpException("Cannot pick a customer to erase: no column " + columns[i] + " (file " + csv + ", line 1)");
      }
    }
    List<String[]> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split(",", -1);
      String[] r = new String[columns.length];
      for (int i = 0; i < columns.length; i++) {
        r[i] = at[i] < v.length ? v[at[i]] : "";
      }
      out.add(r);
    }
    return out;
  }

  private static List<String> lines(Path f) {
    if (!Files.isRegularFile(f)) {
      return List.of();
    }
    try (InputStream raw = Files.newInputStream(f);
        InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The items joined with ", " on lines of at most about 116 characters. */
  private static void wrap(PrintWriter out, String indent, List<String> items) {
    List<String> line = new ArrayList<>();
    int width = indent.length();
    for (String item : items) {
      if (!line.isEmpty() && width + item.length() > 116) {
        out.println(indent + String.join(", ", line));
        line.clear();
        width = indent.length();
      }
      line.add(item);
      width += item.length() + 2;
    }
    if (!line.isEmpty()) {
      out.println(indent + String.join(", ", line));
    }
  }
}
