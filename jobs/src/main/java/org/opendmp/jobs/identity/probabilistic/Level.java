package org.opendmp.jobs.identity.probabilistic;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opendmp.common.config.ConfigError;

/**
 * One comparison level of a column, written in a spec as a short text: {@code exact},
 * {@code jaro_winkler >= 0.92}, {@code levenshtein <= 2}, {@code jaccard >= 0.6}, {@code days <= 31},
 * {@code soundex}, {@code prefix 3}, {@code local_part}, {@code sector}, {@code district}, {@code area},
 * {@code last_digits 8}. A pair falls in the first level of its column whose test holds, else in the implicit
 * {@code else} level; a pair where either value is null is in the implicit {@code null} level (weight 0).
 *
 * @param type what is tested
 * @param param the threshold (similarity, distance, days, length), 0 when the type takes none
 */
public record Level(Type type, double param) {
  /** What a level tests, with the text form it is written in. */
  public enum Type {
    /** Normalised values are equal. */
    EXACT("exact", Arg.NONE),
    /** Jaro-Winkler similarity at least the threshold (0..1). */
    JARO_WINKLER("jaro_winkler", Arg.AT_LEAST),
    /** Levenshtein edit distance at most the threshold. */
    LEVENSHTEIN("levenshtein", Arg.AT_MOST),
    /** Jaccard similarity of the word sets at least the threshold (0..1). */
    JACCARD("jaccard", Arg.AT_LEAST),
    /** Dates at most this many days apart (date columns). */
    DAYS("days", Arg.AT_MOST),
    /** Same Soundex code (Spark's {@code soundex}). */
    SOUNDEX("soundex", Arg.NONE),
    /** Same first N characters. */
    PREFIX("prefix", Arg.COUNT),
    /** Same part before the '@' (email columns). */
    LOCAL_PART("local_part", Arg.NONE),
    /** Same postcode sector: UK "SW1A 1" (all but the last two characters), first 4 digits of a numeric code. */
    SECTOR("sector", Arg.NONE),
    /** Same postcode district: UK outward code "SW1A", first 3 digits of a numeric code. */
    DISTRICT("district", Arg.NONE),
    /** Same postcode area: UK leading letters "SW", first 2 digits of a numeric code (French département). */
    AREA("area", Arg.NONE),
    /** Same last N digits (phone columns: the subscriber number without country or trunk prefix). */
    LAST_DIGITS("last_digits", Arg.COUNT);

    final String word;
    final Arg arg;

    Type(String word, Arg arg) {
      this.word = word;
      this.arg = arg;
    }
  }

  enum Arg {
    NONE,
    AT_LEAST,
    AT_MOST,
    COUNT
  }

  private static final Pattern FORM = Pattern.compile("\\s*([a-z_]+)\\s*(>=|<=)?\\s*([0-9]+(?:\\.[0-9]+)?)?\\s*");

  public static Level exact() {
    return new Level(Type.EXACT, 0);
  }

  public static Level jaroWinkler(double atLeast) {
    return new Level(Type.JARO_WINKLER, atLeast);
  }

  public static Level levenshtein(int atMost) {
    return new Level(Type.LEVENSHTEIN, atMost);
  }

  public static Level days(int atMost) {
    return new Level(Type.DAYS, atMost);
  }

  /** Parses the text form; the ConfigError names {@code key} and what is expected. */
  public static Level parse(String text, String key) {
    Matcher m = FORM.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigError(key, "is not a level: '" + text + "' (" + FORMS + ")");
    }
    Type type = null;
    for (Type t : Type.values()) {
      if (t.word.equals(m.group(1))) {
        type = t;
      }
    }
    if (type == null) {
      throw new ConfigError(key, "has an unknown level '" + m.group(1) + "' (" + FORMS + ")");
    }
    String op = m.group(2);
    String num = m.group(3);
    String expected =
        switch (type.arg) {
          case NONE -> op == null && num == null ? null : "'" + type.word + "' takes no threshold";
          case AT_LEAST -> ">=".equals(op) && num != null ? null : "expected '" + type.word + " >= N'";
          case AT_MOST -> "<=".equals(op) && num != null ? null : "expected '" + type.word + " <= N'";
          case COUNT -> op == null && num != null ? null : "expected '" + type.word + " N'";
        };
    if (expected != null) {
      throw new ConfigError(key, "is not a level: '" + text + "' (" + expected + ")");
    }
    double param = num == null ? 0 : Double.parseDouble(num);
    if (type.arg == Arg.AT_LEAST && param > 1) {
      throw new ConfigError(key, "has a similarity above 1: '" + text + "' (similarities are between 0 and 1)");
    }
    if ((type.arg == Arg.AT_MOST || type.arg == Arg.COUNT) && param != Math.rint(param)) {
      throw new ConfigError(key, "needs a whole number: '" + text + "'");
    }
    if (type.arg == Arg.COUNT && param < 1) {
      throw new ConfigError(key, "needs a count of at least 1: '" + text + "'");
    }
    return new Level(type, param);
  }

  private static final String FORMS =
      "levels are: exact, jaro_winkler >= S, levenshtein <= N, jaccard >= S, days <= N, soundex, prefix N,"
          + " local_part, sector, district, area, last_digits N";

  /** The threshold as a whole number (distances, days, lengths). */
  public int count() {
    return (int) param;
  }

  /** The text form, as written in a spec and shown in pairs.csv. */
  @Override
  public String toString() {
    String p = BigDecimal.valueOf(param).stripTrailingZeros().toPlainString();
    return switch (type.arg) {
      case NONE -> type.word;
      case AT_LEAST -> type.word + " >= " + p;
      case AT_MOST -> type.word + " <= " + p;
      case COUNT -> type.word + " " + p;
    };
  }
}
