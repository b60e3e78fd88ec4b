package org.opendmp.jobs.ingest;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Field-level parsing shared by the parsers: delimited splitting with quotes, and typed values that throw
 * {@link BadField} with a reason naming the column. Pure functions.
 */
final class Fields {
  private static final DateTimeFormatter SPACE_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private Fields() {}

  /** A field that cannot be read; its message is the reject reason. */
  static final class BadField extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadField(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Splits a delimited line. Values may be quoted with {@code "} (doubled inside); quotes are removed. Returns
   * null when a quote is not closed (a truncated line).
   */
  static List<String> split(String line, char sep) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(c);
        }
      } else if (c == '"' && cur.length() == 0) {
        quoted = true;
      } else if (c == sep) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      return null;
    }
    out.add(cur.toString());
    return out;
  }

  /** Splits and checks the column count: rejects say how many columns were expected and found. */
  static List<String> columns(String line, char sep, int expected) {
    List<String> cols = split(line, sep);
    if (cols == null) {
      throw new BadField("unclosed quote (truncated line?)");
    }
    if (cols.size() != expected) {
      throw new BadField("wrong column count: expected " + expected + ", found " + cols.size());
    }
    return cols;
  }

  /** A value that is null when empty. */
  static String text(String v) {
    if (v == null) {
      return null;
    }
    String t = v.trim();
    return t.isEmpty() ? null : t;
  }

  /** A required non-empty value. */
  static String required(String v, String column) {
    String t = text(v);
    if (t == null) {
      throw new BadField("missing " + column);
    }
    return t;
  }

  /** A typed value read from trimmed, non-empty text; throws {@link DateTimeParseException} or a number error. */
  @FunctionalInterface
  private interface Reader<T> {
    T read(String text);
  }

  /**
   * The value of a field: null when empty (or "-") and optional, "missing column" when empty and required,
   * "bad KIND in column: 'text'" when it cannot be read.
   */
  private static <T> T value(String v, String column, boolean required, String kind, Reader<T> reader) {
    String t = text(v);
    if (t == null || t.equals("-")) {
      if (required) {
        throw new BadField("missing " + column);
      }
      return null;
    }
    try {
      return reader.read(t);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new BadField("bad " + kind + " in " + column + ": '" + abbreviate(t) + "'");
    }
  }

  /**
   * A timestamp in UTC: ISO-8601 with offset or Z ({@code 2026-11-01T10:00:00Z}), or local ISO / "yyyy-MM-dd
   * HH:mm:ss", read as UTC.
   */
  static Instant timestamp(String v, String column, boolean required) {
    return value(v, column, required, "timestamp", t -> {
      if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:?\\d\\d$")) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(t, Instant::from);
      }
      if (t.indexOf('T') > 0) {
        return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
      }
      return LocalDateTime.parse(t, SPACE_DATETIME).toInstant(ZoneOffset.UTC);
    });
  }

  /** A date yyyy-MM-dd. */
  static LocalDate date(String v, String column, boolean required) {
    return value(v, column, required, "date", LocalDate::parse);
  }

  /** A money amount with two decimals ('.' as decimal separator). */
  static BigDecimal amount(String v, String column, boolean required) {
    BigDecimal d = value(v, column, required, "number", t -> new BigDecimal(t).setScale(2, RoundingMode.HALF_UP));
    if (d != null && d.abs().compareTo(new BigDecimal("9999999999")) > 0) {
      throw new BadField("amount out of range in " + column + ": '" + abbreviate(d.toPlainString()) + "'");
    }
    return d;
  }

  /** An integer. */
  static Integer integer(String v, String column, boolean required) {
    return value(v, column, required, "number", Integer::parseInt);
  }

  /** A flag among the given true and false spellings (case-insensitive); empty is null. */
  static Boolean flag(String v, String column, String yes, String no) {
    String t = text(v);
    if (t == null) {
      return null;
    }
    if (t.equalsIgnoreCase(yes)) {
      return true;
    }
    if (t.equalsIgnoreCase(no)) {
      return false;
    }
    throw new BadField("bad flag in " + column + ": '" + abbreviate(t) + "' (expected " + yes + " or " + no + ")");
  }

  static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
