package org.opendmp.jobs.identity.probabilistic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.opendmp.common.DmpException;

/**
 * A delimited text file with a header, read the forgiving way that files from other teams need: the encoding is
 * detected (a byte-order mark, else UTF-8 when the bytes are valid UTF-8, else ISO-8859-1), the delimiter too
 * ({@code ,} {@code ;} tab or {@code |}, whichever splits the first lines most consistently), quoted fields may
 * hold delimiters, doubled quotes and line breaks, blank lines are skipped, and values are trimmed (an empty value
 * is null). Header names are trimmed and reduced to letters, digits and {@code _} ("  First Name" becomes
 * {@code First_Name}); an empty name becomes {@code column_N}, a repeated one gets {@code _2}. Rows with fewer
 * fields than the header are padded with nulls, extra fields are dropped; both are counted.
 *
 * <p>Each record keeps the line number where it starts (the header is line 1), the record id when the file has
 * no id column.
 *
 * @param file where it was read from
 * @param charset the encoding used
 * @param delimiter the field separator
 * @param header the cleaned column names
 * @param records the data rows
 * @param raggedRows rows whose field count differed from the header's
 * @param firstRaggedLine line of the first such row (0 when none)
 */
public record DelimitedFile(
    Path file, Charset charset, char delimiter, List<String> header, List<Line> records, int raggedRows, long firstRaggedLine) {

  /** One record: the line it starts on and its values (null for empty), as many as the header. */
  public record Line(long number, String[] values) {}

  private static final char[] DELIMITERS = {',', ';', '\t', '|'};
  private static final Pattern LOOKS_LIKE_DATA =
      Pattern.compile("-?[0-9]+([.,][0-9]+)?|[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}|[^@\\s]+@[^@\\s]+");

  /**
   * Reads a file; errors say "Cannot {@code verb}: why (file ...)".
   *
   * @param verb what the caller is doing, for messages, e.g. "dedupe"
   */
  public static DelimitedFile read(Path file, String verb) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DmpException("Cannot " + verb + ": file not found (" + file + ")");
    } catch (IOException e) {
      throw new DmpException("Cannot " + verb + ": " + e.getMessage() + " (file " + file + ")", e);
    }
    Charset[] charset = new Charset[1];
    String text = decode(bytes, charset);
    if (text.isBlank()) {
      throw new DmpException("Cannot " + verb + ": the file is empty (file " + file + ")");
    }
    char delimiter = detectDelimiter(text);
    List<Line> lines = parse(text, delimiter);
    Line first = lines.get(0);
    for (int i = 0; i < first.values().length; i++) {
      String v = first.values()[i];
      if (v != null && LOOKS_LIKE_DATA.matcher(v).matches()) {
        throw new DmpException(
            "Cannot " + verb + ": the first line is not a header: field " + (i + 1) + " is '" + v
                + "', a value rather than a column name (file " + file + ", line " + first.number()
                + "; the file needs a header line naming its columns)");
      }
    }
    List<String> header = cleanHeader(first.values());
    if (lines.size() == 1) {
      throw new DmpException("Cannot " + verb + ": the file has a header but no records (file " + file + ")");
    }
    List<Line> records = new ArrayList<>(lines.size() - 1);
    int ragged = 0;
    long firstRagged = 0;
    for (Line l : lines.subList(1, lines.size())) {
      String[] v = l.values();
      if (v.length != header.size()) {
        ragged++;
        firstRagged = firstRagged == 0 ? l.number() : firstRagged;
        v = java.util.Arrays.copyOf(v, header.size());
      }
      records.add(new Line(l.number(), v));
    }
    return new DelimitedFile(file, charset[0], delimiter, List.copyOf(header), records, ragged, firstRagged);
  }

  /** The delimiter as people write it. */
  public String delimiterName() {
    return delimiter == '\t' ? "tab" : "'" + delimiter + "'";
  }

  /** The header name matching {@code name} once cleaned like the header (case-insensitive), or null. */
  public String column(String name) {
    String wanted = clean(name);
    for (String h : header) {
      if (h.equalsIgnoreCase(wanted)) {
        return h;
      }
    }
    return null;
  }

  /**
   * The records as a frame: {@code record_id STRING} (the id column's value, or the line number when
   * {@code idColumn} is null), {@code source STRING}, then the {@code columns} as strings.
   */
  public Dataset<Row> toDataset(SparkSession spark, String source, String idColumn, List<String> columns, String verb) {
    int id = idColumn == null ? -1 : header.indexOf(column(idColumn));
    int[] idx = columns.stream().mapToInt(c -> header.indexOf(column(c))).toArray();
    Map<String, Long> seen = new HashMap<>();
    List<Row> rows = new ArrayList<>(records.size());
    for (Line l : records) {
      String rid;
      if (id < 0) {
        rid = Long.toString(l.number());
      } else {
        rid = l.values()[id];
        if (rid == null) {
          throw new DmpException(
              "Cannot " + verb + ": a record has no value in the id column '" + idColumn + "' (file " + file + ", line " + l.number() + ")");
        }
        Long before = seen.put(rid, l.number());
        if (before != null) {
          throw new DmpException(
              "Cannot " + verb + ": record id '" + rid + "' appears twice in column '" + idColumn + "' (file " + file + ", lines "
                  + before + " and " + l.number() + "; record ids must be unique per file)");
        }
      }
      Object[] values = new Object[idx.length + 2];
      values[0] = rid;
      values[1] = source;
      for (int i = 0; i < idx.length; i++) {
        values[i + 2] = l.values()[idx[i]];
      }
      rows.add(RowFactory.create(values));
    }
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField("record_id", DataTypes.StringType, false));
    fields.add(DataTypes.createStructField("source", DataTypes.StringType, false));
    columns.forEach(c -> fields.add(DataTypes.createStructField(c, DataTypes.StringType, true)));
    // An RDD, not a local relation: Spark's optimizer evaluates projections over local relations on the driver,
    // row by row and interpreted, every time a plan over them is optimized.
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices = Math.max(1, Math.min(jsc.defaultParallelism(), rows.size() / 1000 + 1));
    return spark.createDataFrame(jsc.parallelize(rows, slices), new StructType(fields.toArray(StructField[]::new)));
  }

  // ---- decoding and parsing ----

  static String decode(byte[] b, Charset[] used) {
    if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
      used[0] = StandardCharsets.UTF_8;
      return new String(b, 3, b.length - 3, StandardCharsets.UTF_8);
    }
    if (b.length >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE) {
      used[0] = StandardCharsets.UTF_16LE;
      return new String(b, 2, b.length - 2, StandardCharsets.UTF_16LE);
    }
    if (b.length >= 2 && (b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF) {
      used[0] = StandardCharsets.UTF_16BE;
      return new String(b, 2, b.length - 2, StandardCharsets.UTF_16BE);
    }
    try {
      String s =
          StandardCharsets.UTF_8.newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(b))
              .toString();
      used[0] = StandardCharsets.UTF_8;
      return s;
    } catch (CharacterCodingException e) {
      used[0] = StandardCharsets.ISO_8859_1; // every byte is a character: nothing is lost, accents come out right
      return new String(b, StandardCharsets.ISO_8859_1);
    }
  }

  /** The candidate that gives the header's field count on most of the first lines, then the most fields. */
  static char detectDelimiter(String text) {
    List<String> first = new ArrayList<>();
    for (String line : text.split("\r\n|\r|\n", 60)) {
      if (!line.isBlank()) {
        first.add(line);
      }
      if (first.size() == 50) {
        break;
      }
    }
    char best = ',';
    int bestAgree = -1;
    int bestFields = 0;
    for (char d : DELIMITERS) {
      int headerFields = fieldsOutsideQuotes(first.get(0), d);
      if (headerFields < 2) {
        continue;
      }
      int agree = 0;
      for (String l : first) {
        agree += fieldsOutsideQuotes(l, d) == headerFields ? 1 : 0;
      }
      if (agree > bestAgree || (agree == bestAgree && headerFields > bestFields)) {
        best = d;
        bestAgree = agree;
        bestFields = headerFields;
      }
    }
    return best;
  }

  private static int fieldsOutsideQuotes(String line, char d) {
    int fields = 1;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == d && !quoted) {
        fields++;
      }
    }
    return fields;
  }

  /** RFC 4180 and the usual deviations: spaces around quoted fields, text after a closing quote kept. */
  static List<Line> parse(String text, char d) {
    List<Line> lines = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    long line = 1;
    long start = 1;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n' || (c == '\r' && (i + 1 >= n || text.charAt(i + 1) != '\n'))) {
            line++;
          }
          field.append(c);
        }
      } else if (c == '"' && field.toString().isBlank() && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
        field.setLength(0);
      } else if (c == d) {
        fields.add(value(field, wasQuoted));
        field.setLength(0);
        wasQuoted = false;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
          i++;
        }
        fields.add(value(field, wasQuoted));
        addLine(lines, fields, start);
        fields = new ArrayList<>();
        field.setLength(0);
        wasQuoted = false;
        line++;
        start = line;
      } else {
        field.append(c);
      }
    }
    if (field.length() > 0 || !fields.isEmpty() || wasQuoted) {
      fields.add(value(field, wasQuoted));
      addLine(lines, fields, start);
    }
    return lines;
  }

  private static void addLine(List<Line> lines, List<String> fields, long start) {
    boolean blank = fields.stream().allMatch(f -> f == null);
    if (!blank) {
      lines.add(new Line(start, fields.toArray(String[]::new)));
    }
  }

  private static String value(StringBuilder field, boolean quoted) {
    String v = field.toString().strip();
    return v.isEmpty() ? null : v;
  }

  static String clean(String name) {
    String n = name == null ? "" : name.strip().replace("\uFEFF", "");
    return n.replaceAll("[^\\p{L}\\p{N}_]+", "_").replaceAll("^_+|_+$", "");
  }

  static List<String> cleanHeader(String[] raw) {
    List<String> out = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (int i = 0; i < raw.length; i++) {
      String n = clean(raw[i]);
      if (n.isEmpty()) {
        n = "column_" + (i + 1);
      }
      String base = n;
      for (int k = 2; used.contains(n.toLowerCase(Locale.ROOT)); k++) {
        n = base + "_" + k;
      }
      used.add(n.toLowerCase(Locale.ROOT));
      out.add(n);
    }
    return out;
  }
}
