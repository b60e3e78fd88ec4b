package org.opendmp.jobs.generate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.opendmp.common.ids.Identifiers;

/**
 * A strict reader of a landing tree, written from docs/LANDING.md independently of the generator: it decides per
 * line whether a record parses, and extracts the identifiers of the ones that do, normalised by Identifiers. The
 * tests compare it with the generator's truth.
 */
final class LandingReader {
  /** One landing record. ids are "type|value"; fields are the parsed columns (null when malformed). */
  record Rec(String source, String dt, String file, String[] fields, List<String> ids, boolean malformed) {}

  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Pattern ACCESS = Pattern.compile(
      "^(\\S+) - - \\[([^\\]]+)\\] \"GET (\\S+) HTTP/1\\.1\" (\\d{3}) (\\d+|-) \"([^\"]*)\" \"([^\"]*)\"(?: \"([^\"]*)\" \"([^\"]*)\")?$");
  private static final DateTimeFormatter LOG_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/uuuu:HH:mm:ss Z", Locale.ENGLISH).withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter SQL_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);
  private static final Pattern EH = Pattern.compile("[?&]eh=([^&]*)");

  private LandingReader() {}

  /** Every file under landing/, in path order: (source, dt, file name, path). */
  static List<String[]> files(Path landing) throws IOException {
    List<String[]> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(landing)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        Path rel = landing.relativize(p);
        String dt = rel.getParent().getFileName().toString().substring(3);
        String source = rel.getParent().getParent().toString().replace('\\', '/');
        out.add(new String[] {source, dt, p.getFileName().toString(), p.toString()});
      }
    }
    return out;
  }

  static byte[] bytes(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return file.toString().endsWith(".gz") ? new GZIPInputStream(in).readAllBytes() : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lines of a file (each ends with \n, so no trailing empty line). */
  static List<byte[]> lines(Path file) {
    byte[] b = bytes(file);
    List<byte[]> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        out.add(Arrays.copyOfRange(b, from, i));
        from = i + 1;
      }
    }
    if (from < b.length) {
      out.add(Arrays.copyOfRange(b, from, b.length));
    }
    return out;
  }

  static boolean hasHeader(String file) {
    return file.endsWith(".csv") || file.endsWith(".csv.gz");
  }

  /** Reads every record of the tree. */
  static void read(Path landing, Consumer<Rec> sink) throws IOException {
    for (String[] f : files(landing)) {
      List<byte[]> lines = lines(Path.of(f[3]));
      int first = hasHeader(f[2]) ? 1 : 0;
      String[] header = first == 1 ? new String(lines.get(0), StandardCharsets.UTF_8).split(f[0].equals("crm") ? ";" : ",") : null;
      for (int i = first; i < lines.size(); i++) {
        String text = utf8(lines.get(i));
        String[] fields = text == null ? null : parse(f[0], f[2], header, text);
        List<String> ids = fields == null ? List.of() : ids(f[0], f[2], fields);
        sink.accept(new Rec(f[0], f[1], f[2], fields, ids, fields == null));
      }
    }
  }

  private static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** The fields of a parseable record, or null. */
  static String[] parse(String source, String file, String[] header, String line) {
    try {
      if (file.startsWith("access-")) {
        Matcher m = ACCESS.matcher(line);
        if (!m.matches()) {
          return null;
        }
        OffsetDateTime.parse(m.group(2), LOG_TIME);
        String[] g = new String[9];
        for (int i = 0; i < 9; i++) {
          g[i] = m.group(i + 1);
        }
        return g;
      }
      if (file.contains(".ndjson")) {
        JsonNode n = JSON.readTree(line);
        if (!n.isObject() || !n.path("event").isTextual() || !n.path("url").isTextual()) {
          return null;
        }
        Instant.parse(n.path("ts").asText());
        return new String[] {
          n.path("ts").asText(), n.path("event").asText(), n.path("url").asText(), text(n, "cookie"), text(n, "maid"),
          text(n, "login"), text(n, "ip"), text(n, "ua")
        };
      }
      if (file.startsWith("segments.tsv")) {
        String[] p = line.split("\t", -1);
        return p.length == 2 && !p[0].isBlank() && p[1].matches("[a-z0-9_]+(,[a-z0-9_]+)*") ? p : null;
      }
      String[] cols = splitCsv(line, source.equals("crm") ? ';' : ',');
      if (cols == null || cols.length != header.length) {
        return null;
      }
      for (int i = 0; i < cols.length; i++) {
        String h = header[i];
        if (h.equals("updated_at")) {
          LocalDateTime.parse(cols[i], SQL_TIME);
        } else if (h.endsWith("_time")) {
          Instant.parse(cols[i]);
        } else if (h.endsWith("_date") && !h.equals("birth_date")) {
          LocalDate.parse(cols[i]);
        } else if (h.equals("quantity")) {
          Integer.parseInt(cols[i]);
        } else if (h.equals("amount")) {
          if (!cols[i].matches("\\d+\\.\\d{2}")) {
            return null;
          }
        }
      }
      return cols;
    } catch (Exception e) {
      return null;
    }
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** RFC 4180 on one line; null on an unclosed or misplaced quote. */
  static String[] splitCsv(String line, char sep) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int i = 0;
    while (true) {
      if (i < line.length() && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= line.length()) {
            return null;
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              cur.append('"');
              i++;
            } else {
              break;
            }
          } else {
            cur.append(c);
          }
        }
        if (i < line.length() && line.charAt(i) != sep) {
          return null;
        }
      } else {
        while (i < line.length() && line.charAt(i) != sep) {
          if (line.charAt(i) == '"') {
            return null;
          }
          cur.append(line.charAt(i++));
        }
      }
      out.add(cur.toString());
      cur.setLength(0);
      if (i >= line.length()) {
        return out.toArray(String[]::new);
      }
      i++; // separator
    }
  }

  /** The identifiers of a parseable record, as "type|normalised value". */
  static List<String> ids(String source, String file, String[] f) {
    List<String> ids = new ArrayList<>();
    switch (source) {
      case "weblogs" -> {
        String url = f[2];
        if (file.startsWith("access-")) {
          add(ids, "cookie", Identifiers.plain(f[7]));
          add(ids, "login", Identifiers.login(f[8]));
        } else {
          add(ids, "cookie", Identifiers.plain(f[3]));
          add(ids, "maid", Identifiers.plain(f[4]));
          add(ids, "login", Identifiers.login(f[5]));
        }
        Matcher m = EH.matcher(url);
        if (m.find()) {
          add(ids, "email_sha256", Identifiers.sha256HexOrNull(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8)));
        }
      }
      case "adserver" -> add(ids, "ad_cookie", Identifiers.plain(f[1]));
      case "idsync" -> {
        add(ids, f[1].equals("adserver") ? "ad_cookie" : "partner_uid:" + f[1], Identifiers.plain(f[2]));
        add(ids, "cookie", Identifiers.plain(f[3]));
      }
      case "crm" -> {
        int o = file.contains("_delta_") ? 1 : 0;
        add(ids, "crm_id", Identifiers.plain(f[o]));
        add(ids, "email_sha256", Identifiers.emailSha256(f[o + 3]));
        add(ids, "phone_sha256", Identifiers.phoneSha256(f[o + 4], "FR"));
        add(ids, "loyalty_card", Identifiers.plain(f[o + 9]));
        add(ids, "login", Identifiers.login(f[o + 10]));
      }
      case "store" -> {
        if (file.startsWith("pos_")) {
          add(ids, "loyalty_card", Identifiers.plain(f[3]));
        } else {
          add(ids, "email_sha256", Identifiers.emailSha256(f[2]));
          add(ids, "phone_sha256", Identifiers.phoneSha256(f[3], "FR"));
          add(ids, "maid", Identifiers.plain(f[4]));
        }
      }
      case "callcenter", "catalog" -> add(ids, "crm_id", Identifiers.plain(f[1]));
      default -> {
        if (file.startsWith("segments")) {
          add(ids, "partner_uid:" + source.substring(source.indexOf('/') + 1), Identifiers.plain(f[0]));
        }
      }
    }
    return ids;
  }

  private static void add(List<String> ids, String type, String value) {
    if (value != null) {
      ids.add(type + "|" + value);
    }
  }

  /** A CSV truth file as rows of columns (header included). */
  static List<String[]> csv(Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      rows.add(splitCsv(line, ','));
    }
    return rows;
  }
}
