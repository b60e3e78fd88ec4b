package org.opendmp.jobs.privacy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.opendmp.jobs.activate.DestinationsConfig;
import org.opendmp.jobs.activate.delivery.DataFile;
import org.opendmp.jobs.activate.delivery.DeliveryFiles;
import org.opendmp.jobs.activate.delivery.Manifest;
import org.opendmp.jobs.activate.delivery.Publisher;

/**
 * Rewrites one published delivery folder ({@code <root>/<destination>/dt=D/}) without the data lines whose identifier
 * is one of a set of values (for {@link DeliveryScrub}).
 *
 * <p>Which field is the identifier is read from each file, so that files written under an older conf are read right:
 * a csv file starts with its header ({@code id_type,id,...}: the second field; {@code crm_id,...}: the first), an aam
 * file has none (the first tab-separated field). Only that field is compared: a short crm id could equal a partner code
 * or an extra column's value on another person's line. The header is always kept. A quoted csv field may hold a line
 * break, so a csv record runs on while its quotes are unbalanced.
 *
 * <p>A rewritten file keeps its name and compression and gets the bytes a delivery of its remaining lines would have
 * had ({@link DeliveryFiles#write}: gzip without time or name). {@code manifest.json} is rebuilt from the files as they
 * are (rows, sha256, bytes, totals) with {@code erased_rows}, the lines removed since delivery; {@code _SUCCESS} stays.
 * Each file is written under a temporary name, then renamed: a crash leaves the old file or the new one, never half
 * of one; and since the manifest is rebuilt from the files, the rerun after such a crash completes it.
 */
final class DeliveryRewrite {
  private DeliveryRewrite() {}

  /** What the rewrite of a folder did: whether it wrote anything, and the data lines it removed. */
  record Outcome(boolean rewritten, long linesRemoved) {}

  /** One data file as read: its header (null: none), data lines, lines holding a value, and its bytes' digest. */
  private record Scan(String header, long rows, long matches, boolean gzip, long bytes, String sha256) {}

  static Outcome scrub(FileSystem fs, Path folder, Set<String> values) throws IOException {
    Map<String, Scan> scans = new LinkedHashMap<>();
    for (FileStatus f : fs.listStatus(folder)) {
      String name = f.getPath().getName();
      if (f.isFile() && !name.equals(Publisher.MANIFEST) && !name.equals(Publisher.SUCCESS) && !name.startsWith("_")
          && !name.startsWith(".")) {
        scans.put(name, scan(fs, f, values));
      }
    }
    Map<String, DataFile> now = new LinkedHashMap<>();
    long removed = 0;
    for (Map.Entry<String, Scan> e : scans.entrySet()) {
      Scan s = e.getValue();
      if (s.matches() > 0) {
        now.put(e.getKey(), rewrite(fs, new Path(folder, e.getKey()), s, values));
        removed += s.matches();
      } else {
        now.put(e.getKey(), new DataFile(e.getKey(), s.rows(), s.bytes(), s.sha256()));
      }
    }
    boolean manifestWritten = rewriteManifest(fs, folder, now);
    return new Outcome(removed > 0 || manifestWritten, removed);
  }

  /** The manifest rebuilt from the files; written only when that changes it. */
  private static boolean rewriteManifest(FileSystem fs, Path folder, Map<String, DataFile> now) throws IOException {
    Path file = new Path(folder, Publisher.MANIFEST);
    if (!fs.exists(file)) {
      return false; // an unfinished delivery: nothing describes its files
    }
    byte[] before;
    try (InputStream in = fs.open(file)) {
      before = in.readAllBytes();
    }
    Manifest delivered = Manifest.parse(new String(before, StandardCharsets.UTF_8), file.toString(),
        name -> now.containsKey(name) ? now.get(name).bytes() : 0);
    List<DataFile> files = new ArrayList<>();
    long erased = delivered.erasedRows();
    for (DataFile f : delivered.files()) {
      DataFile current = now.getOrDefault(f.name(), f);
      erased += f.rows() - current.rows();
      files.add(current);
    }
    byte[] after = new Manifest(delivered.destination(), delivered.date(), delivered.mode(), files, delivered.segments(),
        erased).toJsonBytes();
    if (Arrays.equals(before, after)) {
      return false;
    }
    Path tmp = temporary(file);
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(after);
    }
    replace(fs, tmp, file);
    return true;
  }

  private static Scan scan(FileSystem fs, FileStatus f, Set<String> values) throws IOException {
    MessageDigest sha = sha256();
    try (InputStream raw = new BufferedInputStream(new DigestInputStream(fs.open(f.getPath()), sha), 64 * 1024)) {
      boolean gzip = gzip(raw);
      Records records = new Records(reader(raw, gzip));
      long rows = 0;
      long matches = 0;
      while (records.hasNext()) {
        rows++;
        if (values.contains(records.identifier(records.next()))) {
          matches++;
        }
      }
      raw.transferTo(OutputStream.nullOutputStream()); // the digest covers every byte
      return new Scan(records.header, rows, matches, gzip, f.getLen(), HexFormat.of().formatHex(sha.digest()));
    }
  }

  private static DataFile rewrite(FileSystem fs, Path file, Scan s, Set<String> values) throws IOException {
    Path tmp = temporary(file);
    DataFile written;
    try (InputStream in = new BufferedInputStream(fs.open(file), 64 * 1024); OutputStream out = fs.create(tmp, true)) {
      Records records = new Records(reader(in, s.gzip()));
      Iterator<String> kept = new Iterator<>() {
        private String next = advance();

        private String advance() {
          while (records.hasNext()) {
            String line = records.next();
            if (!values.contains(records.identifier(line))) {
              return line;
            }
          }
          return null;
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public String next() {
          String line = next;
          next = advance();
          return line;
        }
      };
      written = DeliveryFiles.write(out, file.getName(), s.gzip(), records.header, kept, Long.MAX_VALUE, file.toString());
    }
    replace(fs, tmp, file);
    return written;
  }

  /** Hidden from readers of the folder (and from this class: names starting with _ are not data). */
  private static Path temporary(Path file) {
    return new Path(file.getParent(), "_" + file.getName() + ".scrub");
  }

  private static void replace(FileSystem fs, Path tmp, Path file) throws IOException {
    if (fs instanceof LocalFileSystem local) {
      // Hadoop's rename refuses an existing name; a POSIX rename replaces it atomically
      Files.move(local.pathToFile(tmp).toPath(), local.pathToFile(file).toPath(), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    fs.delete(file, false); // an object store has no atomic replace: the old object goes first
    if (!fs.rename(tmp, file)) {
      throw new IOException("rename of " + tmp + " to " + file + " returned false");
    }
  }

  private static boolean gzip(InputStream in) throws IOException {
    in.mark(2);
    int a = in.read();
    int b = in.read();
    in.reset();
    return a == 0x1f && b == 0x8b;
  }

  private static Reader reader(InputStream in, boolean gzip) throws IOException {
    return new InputStreamReader(gzip ? new GZIPInputStream(in, 64 * 1024) : in, StandardCharsets.UTF_8);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  /**
   * The data records of a delivery file (lines ended by {@code \n} only: a csv field may hold a {@code \r}), after
   * its header when it has one.
   */
  static final class Records implements Iterator<String> {
    private final Reader in;
    private final char[] buffer = new char[64 * 1024];
    private int pos;
    private int end;
    private final String header;
    /** csv: the identifier's field index; -1: aam (tab-separated, first field). */
    private final int idField;
    private String next;

    Records(Reader in) throws IOException {
      this.in = in;
      String first = line();
      List<String> columns = first == null ? List.of() : Arrays.asList(first.split(",", -1));
      if (startsWith(columns, DestinationsConfig.BASE_COLUMNS)) {
        idField = DestinationsConfig.BASE_COLUMNS.indexOf("id");
      } else if (startsWith(columns, DestinationsConfig.CRM_BASE_COLUMNS)) {
        idField = DestinationsConfig.CRM_BASE_COLUMNS.indexOf("crm_id");
      } else {
        idField = -1;
      }
      header = idField >= 0 ? first : null;
      next = idField >= 0 ? record() : first;
    }

    private static boolean startsWith(List<String> columns, List<String> base) {
      return columns.size() >= base.size() && columns.subList(0, base.size()).equals(base);
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public String next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      String out = next;
      try {
        next = idField >= 0 ? record() : line();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return out;
    }

    /** The identifier of a data record. */
    String identifier(String record) {
      if (idField < 0) {
        int tab = record.indexOf('\t');
        return tab < 0 ? record : record.substring(0, tab);
      }
      return csvField(record, idField);
    }

    /** A csv record: physical lines joined while its quotes are unbalanced. */
    private String record() throws IOException {
      String line = line();
      if (line == null) {
        return null;
      }
      StringBuilder record = new StringBuilder(line);
      long quotes = line.chars().filter(c -> c == '"').count();
      while (quotes % 2 == 1) {
        String more = line();
        if (more == null) {
          break;
        }
        record.append('\n').append(more);
        quotes += more.chars().filter(c -> c == '"').count();
      }
      return record.toString();
    }

    /** The next line without its {@code \n}; null at the end (a last line without {@code \n} still counts). */
    private String line() throws IOException {
      StringBuilder line = null;
      while (true) {
        if (pos == end) {
          end = in.read(buffer);
          pos = 0;
          if (end <= 0) {
            end = 0;
            return line == null ? null : line.toString();
          }
        }
        if (line == null) {
          line = new StringBuilder();
        }
        int start = pos;
        while (pos < end && buffer[pos] != '\n') {
          pos++;
        }
        line.append(buffer, start, pos - start);
        if (pos < end) {
          pos++; // the \n
          return line.toString();
        }
      }
    }
  }

  /** Field {@code index} (0-based) of an RFC 4180 record, unquoted; null when the record has fewer fields. */
  static String csvField(String record, int index) {
    int i = 0;
    for (int field = 0; ; field++) {
      StringBuilder value = new StringBuilder();
      if (i < record.length() && record.charAt(i) == '"') {
        i++;
        while (i < record.length()) {
          char c = record.charAt(i++);
          if (c != '"') {
            value.append(c);
          } else if (i < record.length() && record.charAt(i) == '"') {
            value.append('"');
            i++;
          } else {
            break;
          }
        }
        while (i < record.length() && record.charAt(i) != ',') {
          value.append(record.charAt(i++)); // not RFC 4180, kept as written
        }
      } else {
        int comma = record.indexOf(',', i);
        int stop = comma < 0 ? record.length() : comma;
        value.append(record, i, stop);
        i = stop;
      }
      if (field == index) {
        return value.toString();
      }
      if (i >= record.length()) {
        return null;
      }
      i++; // the comma
    }
  }
}
