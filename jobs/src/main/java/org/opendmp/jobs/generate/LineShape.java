package org.opendmp.jobs.generate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How the records of one landing file are laid out, and how to break one on purpose. Every broken line must
 * be detectably unparseable by a strict reader (wrong column count, bad time, bad number, not UTF-8, invalid
 * JSON, truncated), because the truth counts it as malformed and drops its identifiers.
 */
abstract class LineShape {
  /** The format of a record's time column, to write an impossible value in it. */
  enum TimeStyle {
    ISO,
    SQL,
    DATE
  }

  private static final String[] BAD_NUMBERS = {"deux", "1.2.3", "12€", "x7", "--1"};

  abstract String format(String[] f);

  abstract byte[] broken(String[] f, SplittableRandom r);

  static LineShape csv(char sep, int columns, int timeCol, TimeStyle style, int... numberCols) {
    return new Delimited(sep, columns, timeCol, style, numberCols);
  }

  /** partner segments: {@code uid<TAB>seg1,seg2}. */
  static LineShape segments() {
    return new Delimited('\t', 2, -1, TimeStyle.ISO);
  }

  /** Fields: ip, time, request, status, bytes, referrer, user agent[, cookie, login]. */
  static LineShape accessLog(boolean trailing) {
    return new AccessLog(trailing);
  }

  /** Fields are the values of the keys, in order; the first key is the ISO time. null is JSON null. */
  static LineShape ndjson(String... keys) {
    return new NdJson(keys);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A line of bytes that is not UTF-8 text and holds no separator, quote or line break. */
  static byte[] binary(SplittableRandom r) {
    byte[] b = new byte[16 + r.nextInt(100)];
    for (int i = 0; i < b.length; i++) {
      int v;
      do {
        v = r.nextInt(256);
      } while ((v >= 0x09 && v <= 0x0D) || (v >= 0x1C && v <= 0x7F) || v == 0x85 || v == 0xE2);
      b[i] = (byte) v;
    }
    b[r.nextInt(b.length)] = (byte) 0xFF; // never valid in UTF-8
    return b;
  }

  /** An impossible value for a time column: month 13, hour 25, or text. */
  static String badTime(String valid, TimeStyle style, SplittableRandom r) {
    int kind = r.nextInt(3);
    if (kind == 0 && valid.length() >= 7) {
      return valid.substring(0, 5) + "13" + valid.substring(7);
    }
    if (kind == 1 && style != TimeStyle.DATE && valid.length() >= 13) {
      return valid.substring(0, 11) + "25" + valid.substring(13);
    }
    return Seeds.pick(r, new String[] {"hier", "not a date", "??/??/????"});
  }

  static String badNumber(SplittableRandom r) {
    return Seeds.pick(r, BAD_NUMBERS);
  }

  /** CSV, semicolon files and the TSV of segments. */
  private static final class Delimited extends LineShape {
    private final char sep;
    private final int columns;
    private final int timeCol;
    private final TimeStyle style;
    private final int[] numberCols;

    Delimited(char sep, int columns, int timeCol, TimeStyle style, int... numberCols) {
      this.sep = sep;
      this.columns = columns;
      this.timeCol = timeCol;
      this.style = style;
      this.numberCols = numberCols;
    }

    @Override
    String format(String[] f) {
      return Csv.join(sep, f);
    }

    @Override
    byte[] broken(String[] f, SplittableRandom r) {
      List<Integer> kinds = new ArrayList<>(List.of(0, 1, 2, 5));
      if (timeCol >= 0) {
        kinds.add(3);
      }
      if (numberCols.length > 0) {
        kinds.add(4);
      }
      String[] g = f.clone();
      switch (kinds.get(r.nextInt(kinds.size()))) {
        case 0 -> {
          // cut inside the first columns-1 fields: at most columns-1 fields remain
          String head = Csv.join(sep, Arrays.copyOf(g, columns - 1));
          return utf8(head.isEmpty() ? "\"" : head.substring(0, 1 + r.nextInt(Math.max(1, head.length()))));
        }
        case 1 -> {
          String[] more = Arrays.copyOf(g, columns + 1);
          more[columns] = "x";
          return utf8(Csv.join(sep, more));
        }
        case 2 -> {
          List<String> fewer = new ArrayList<>(Arrays.asList(g));
          fewer.remove(r.nextInt(fewer.size()));
          String line = Csv.join(sep, fewer.toArray(String[]::new));
          return utf8(line.isEmpty() ? "\"" : line);
        }
        case 3 -> g[timeCol] = badTime(g[timeCol], style, r);
        case 4 -> g[numberCols[r.nextInt(numberCols.length)]] = badNumber(r);
        default -> {
          return binary(r);
        }
      }
      return utf8(Csv.join(sep, g));
    }
  }

  private static final class AccessLog extends LineShape {
    private final boolean trailing;

    AccessLog(boolean trailing) {
      this.trailing = trailing;
    }

    @Override
    String format(String[] f) {
      StringBuilder b = new StringBuilder(220);
      b.append(f[0]).append(" - - [").append(f[1]).append("] \"").append(f[2]).append("\" ");
      b.append(f[3]).append(' ').append(f[4]).append(" \"").append(f[5]).append("\" \"").append(f[6]).append('"');
      if (trailing) {
        b.append(" \"").append(f[7]).append("\" \"").append(f[8]).append('"');
      }
      return b.toString();
    }

    @Override
    byte[] broken(String[] f, SplittableRandom r) {
      String[] g = f.clone();
      switch (r.nextInt(5)) {
        case 0 -> {
          // ends inside the quoted request
          String line = format(g);
          int open = line.indexOf('"');
          return utf8(line.substring(0, open + 2 + r.nextInt(Math.max(1, g[2].length() - 2))));
        }
        case 1 -> g[1] = badLogTime(g[1], r);
        case 2 -> g[3] = Seeds.pick(r, new String[] {"2OO", "20x", "OK"});
        case 3 -> {
          // status and bytes missing: the quoted request is followed by the referrer
          String line = format(g);
          String cut = "\" " + g[3] + " " + g[4] + " \"";
          return utf8(line.replaceFirst(java.util.regex.Pattern.quote(cut), "\" \""));
        }
        default -> {
          return binary(r);
        }
      }
      return utf8(format(g));
    }

    private static String badLogTime(String valid, SplittableRandom r) {
      // 02/Nov/2026:10:00:00 +0000
      return switch (r.nextInt(3)) {
        case 0 -> valid.substring(0, 12) + "27" + valid.substring(14);
        case 1 -> "32" + valid.substring(2);
        default -> valid.substring(0, 3) + "Nvb" + valid.substring(6);
      };
    }
  }

  private static final class NdJson extends LineShape {
    private final String[] keys;

    NdJson(String[] keys) {
      this.keys = keys;
    }

    @Override
    String format(String[] f) {
      StringBuilder b = new StringBuilder(260).append('{');
      for (int i = 0; i < keys.length; i++) {
        if (i > 0) {
          b.append(',');
        }
        b.append('"').append(keys[i]).append("\":");
        if (f[i] == null) {
          b.append("null");
        } else {
          quote(b, f[i]);
        }
      }
      return b.append('}').toString();
    }

    @Override
    byte[] broken(String[] f, SplittableRandom r) {
      String[] g = f.clone();
      String line = format(g);
      return switch (r.nextInt(4)) {
        case 0 -> utf8(line.substring(0, 2 + r.nextInt(line.length() * 3 / 4)));
        case 1 -> {
          // invalid JSON: no closing brace, an unquoted string, or a missing comma
          int k = r.nextInt(3);
          String bad =
              k == 0
                  ? line.substring(0, line.length() - 1)
                  : k == 1 ? line.replaceFirst("\"" + keys[1] + "\":\"([^\"]*)\"", "\"" + keys[1] + "\":$1") : line.replaceFirst("\",\"", "\" \"");
          yield utf8(bad);
        }
        case 2 -> {
          g[0] = badTime(g[0], TimeStyle.ISO, r);
          yield utf8(format(g));
        }
        default -> binary(r);
      };
    }

    private static void quote(StringBuilder b, String s) {
      b.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') {
          b.append('\\').append(c);
        } else if (c < 0x20) {
          b.append(String.format("\\u%04x", (int) c));
        } else {
          b.append(c);
        }
      }
      b.append('"');
    }
  }
}
