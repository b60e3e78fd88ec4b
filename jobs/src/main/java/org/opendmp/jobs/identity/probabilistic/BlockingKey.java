package org.opendmp.jobs.identity.probabilistic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opendmp.common.config.ConfigError;

/**
 * One part of a blocking rule, written in a spec as {@code column}, {@code soundex(column)},
 * {@code prefix(column, N)}, {@code year(column)} (date columns) or {@code sorted(first, second)} (the two values
 * in alphabetical order, so that swapped first name and surname fall in the same block). Values are the
 * normalised ones the comparisons see (trimmed, lower-cased, accents removed, ...).
 *
 * @param function {@code column}, {@code soundex}, {@code prefix}, {@code year} or {@code sorted}
 * @param columns the column (two for {@code sorted})
 * @param length the prefix length ({@code prefix} only, else 0)
 */
public record BlockingKey(String function, List<String> columns, int length) {
  private static final Pattern CALL = Pattern.compile("\\s*([a-z_]+)\\s*\\((.*)\\)\\s*");
  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}_]+");
  private static final String FORMS = "a key is column, soundex(column), prefix(column, N), year(column) or sorted(a, b)";

  public BlockingKey {
    columns = List.copyOf(columns);
  }

  /** Parses the text form; the ConfigError names {@code key}. */
  public static BlockingKey parse(String text, String key) {
    String t = text == null ? "" : text.trim();
    if (NAME.matcher(t).matches()) {
      return new BlockingKey("column", List.of(t), 0);
    }
    Matcher m = CALL.matcher(t);
    if (!m.matches()) {
      throw new ConfigError(key, "is not a blocking key: '" + text + "' (" + FORMS + ")");
    }
    String fn = m.group(1).toLowerCase(Locale.ROOT);
    List<String> args = new ArrayList<>();
    for (String a : m.group(2).split(",", -1)) {
      args.add(a.trim());
    }
    boolean names = args.stream().allMatch(a -> NAME.matcher(a).matches());
    return switch (fn) {
      case "soundex", "year" -> {
        if (args.size() != 1 || !names) {
          throw new ConfigError(key, "is not a blocking key: '" + text + "' (expected " + fn + "(column))");
        }
        yield new BlockingKey(fn, args, 0);
      }
      case "sorted" -> {
        if (args.size() != 2 || !names || args.get(0).equals(args.get(1))) {
          throw new ConfigError(key, "is not a blocking key: '" + text + "' (expected sorted(a, b) of two columns)");
        }
        yield new BlockingKey(fn, args, 0);
      }
      case "prefix" -> {
        if (args.size() != 2 || !NAME.matcher(args.get(0)).matches() || !args.get(1).matches("[1-9][0-9]?")) {
          throw new ConfigError(key, "is not a blocking key: '" + text + "' (expected prefix(column, N), N from 1 to 99)");
        }
        yield new BlockingKey(fn, List.of(args.get(0)), Integer.parseInt(args.get(1)));
      }
      default -> throw new ConfigError(key, "has an unknown function '" + fn + "' (" + FORMS + ")");
    };
  }

  public static BlockingKey column(String name) {
    return new BlockingKey("column", List.of(name), 0);
  }

  public static BlockingKey sorted(String a, String b) {
    return new BlockingKey("sorted", List.of(a, b), 0);
  }

  @Override
  public String toString() {
    return switch (function) {
      case "column" -> columns.get(0);
      case "prefix" -> "prefix(" + columns.get(0) + ", " + length + ")";
      default -> function + "(" + String.join(", ", columns) + ")";
    };
  }
}
