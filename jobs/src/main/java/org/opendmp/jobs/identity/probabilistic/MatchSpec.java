package org.opendmp.jobs.identity.probabilistic;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.Yaml;

/**
 * What the Fellegi-Sunter engine compares and how: the columns with their kind and comparison levels, the
 * blocking rules (a pair is compared when any rule's keys are equal), the columns whose exact matches are
 * weighted by term frequency, the first-name/surname pair compared in both orders, the acceptance threshold,
 * and the estimation settings. Loaded from YAML with unknown keys refused ({@link #load}), written back with
 * {@link #toYaml} (what {@code dmp dedupe} saves to {@code DIR/spec.yaml}).
 *
 * @param columns the compared columns, in order
 * @param nameSwap two name columns (first name, surname) compared in both orders; empty for none
 * @param blocking the rules, each a list of keys that must all be equal ({@link BlockingKey}); the union of the
 *     rules is compared. Empty: every pair (only sensible for small inputs)
 * @param tfAdjusted columns whose {@code exact} level is weighted by how common the value is
 * @param threshold match probability at or above which a pair is linked (default 0.9)
 * @param maxEmIterations iterations of expectation-maximisation for m and the prior (default 25)
 * @param randomPairs random record pairs drawn to estimate u (default 200000)
 * @param seed seed of the random pairs (default 42)
 * @param linkType {@code dedupe_only}, {@code link_only} or {@code link_and_dedupe}; absent: dedupe_only with one
 *     input, link_only with two
 * @param maxPairs refuse to run when the blocking rules would compare more pairs than this (default 50000000)
 */
public record MatchSpec(
    List<ColumnSpec> columns,
    List<String> nameSwap,
    List<List<String>> blocking,
    List<String> tfAdjusted,
    Double threshold,
    Integer maxEmIterations,
    Integer randomPairs,
    Long seed,
    LinkType linkType,
    Long maxPairs) {

  /** Which pairs are candidates: within one input, across two, or both. */
  public enum LinkType {
    @JsonProperty("dedupe_only")
    DEDUPE_ONLY,
    @JsonProperty("link_only")
    LINK_ONLY,
    @JsonProperty("link_and_dedupe")
    LINK_AND_DEDUPE;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a column's values are normalised and which levels it may use. */
  public enum Kind {
    /** Person names: Jaro-Winkler levels, accents and punctuation removed. */
    @JsonProperty("name")
    NAME,
    /** Short strings (city, street): edit-distance levels. */
    @JsonProperty("string")
    STRING,
    /** Codes and categories: equal or not. */
    @JsonProperty("exact")
    EXACT,
    /** Dates in {@code date_format}: equal, one typo, within a month, within a year. */
    @JsonProperty("date")
    DATE,
    /** Emails, lower-cased: equal, same local part, close. */
    @JsonProperty("email")
    EMAIL,
    /** Phones, digits only: equal, same last 8 digits, one typo. */
    @JsonProperty("phone")
    PHONE,
    /** Postcodes, upper-case without spaces: equal, same sector, district, area. */
    @JsonProperty("postcode")
    POSTCODE,
    /** Free text: equal, overlapping words. */
    @JsonProperty("text")
    TEXT;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The levels used when a spec gives none. */
    public List<Level> defaultLevels() {
      List<String> texts =
          switch (this) {
            case NAME -> List.of("exact", "jaro_winkler >= 0.92", "jaro_winkler >= 0.8");
            case STRING -> List.of("exact", "levenshtein <= 2");
            case EXACT -> List.of("exact");
            case DATE -> List.of("exact", "levenshtein <= 1", "days <= 31", "days <= 366");
            case EMAIL -> List.of("exact", "local_part", "jaro_winkler >= 0.88");
            case PHONE -> List.of("exact", "last_digits 8", "levenshtein <= 1");
            case POSTCODE -> List.of("exact", "sector", "district", "area");
            case TEXT -> List.of("exact", "jaccard >= 0.6", "jaccard >= 0.3");
          };
      return texts.stream().map(t -> Level.parse(t, "levels")).toList();
    }

    boolean allows(Level.Type t) {
      return switch (t) {
        case EXACT -> true;
        case JARO_WINKLER, LEVENSHTEIN, PREFIX -> this != EXACT;
        case JACCARD, SOUNDEX -> this == NAME || this == STRING || this == TEXT;
        case DAYS -> this == DATE;
        case LOCAL_PART -> this == EMAIL;
        case SECTOR, DISTRICT, AREA -> this == POSTCODE;
        case LAST_DIGITS -> this == PHONE;
      };
    }
  }

  /**
   * One compared column.
   *
   * @param name the input column
   * @param kind how values are normalised and which levels apply
   * @param levels the levels in order, best first (default: the kind's); {@code else} and {@code null} are implicit
   * @param dateFormat how dates are written (date columns only; default yyyy-MM-dd; ignored for DATE inputs)
   */
  public record ColumnSpec(String name, Kind kind, List<String> levels, String dateFormat) {
    public ColumnSpec {
      ConfigError.required(name, "name");
      ConfigError.required(kind, "kind");
      if (!COLUMN_NAME.matcher(name).matches() || RESERVED.contains(name)) {
        throw new ConfigError("name", "must be a column name other than source and record_id, got '" + name + "'");
      }
      if (levels == null || levels.isEmpty()) {
        levels = kind.defaultLevels().stream().map(Level::toString).toList();
      }
      List<String> canonical = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < levels.size(); i++) {
        Level l = Level.parse(levels.get(i), "levels[" + i + "]");
        if (!kind.allows(l.type())) {
          throw new ConfigError("levels[" + i + "]", "'" + l + "' does not apply to a " + kind.word() + " column");
        }
        if (l.type() == Level.Type.EXACT && i > 0) {
          throw new ConfigError("levels[" + i + "]", "'exact' must be the first level");
        }
        if (!seen.add(l.toString())) {
          throw new ConfigError("levels[" + i + "]", "repeats '" + l + "'");
        }
        canonical.add(l.toString());
      }
      levels = List.copyOf(canonical);
      if (kind == Kind.DATE) {
        dateFormat = ConfigError.orDefault(dateFormat, "yyyy-MM-dd");
        try {
          DateTimeFormatter.ofPattern(dateFormat);
        } catch (IllegalArgumentException e) {
          throw new ConfigError("date_format", "is not a date pattern: '" + dateFormat + "' (e.g. yyyy-MM-dd, dd/MM/yyyy)");
        }
      } else if (dateFormat != null) {
        throw new ConfigError("date_format", "applies to date columns only (this one is " + kind.word() + ")");
      }
    }

    public ColumnSpec(String name, Kind kind) {
      this(name, kind, null, null);
    }

    /** The parsed levels, best first. */
    public List<Level> comparisonLevels() {
      return levels.stream().map(t -> Level.parse(t, "levels")).toList();
    }

    /** The label of each level index: the levels, then {@code else}. */
    public List<String> labels() {
      List<String> labels = new ArrayList<>(levels);
      labels.add("else");
      return labels;
    }
  }

  static final Pattern COLUMN_NAME = Pattern.compile("[\\p{L}\\p{N}_]+");
  static final Set<String> RESERVED = Set.of("source", "record_id");

  public static final double DEFAULT_THRESHOLD = 0.9;

  public MatchSpec {
    ConfigError.required(columns, "columns");
    if (columns.isEmpty()) {
      throw new ConfigError("columns", "must list at least one column");
    }
    columns = List.copyOf(columns);
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < columns.size(); i++) {
      if (!names.add(columns.get(i).name())) {
        throw new ConfigError("columns[" + i + "].name", "repeats column '" + columns.get(i).name() + "'");
      }
    }
    nameSwap = List.copyOf(ConfigError.orDefault(nameSwap, List.of()));
    if (!nameSwap.isEmpty()) {
      if (nameSwap.size() != 2 || nameSwap.get(0).equals(nameSwap.get(1))) {
        throw new ConfigError("name_swap", "must name two different columns (first name, surname), got " + nameSwap);
      }
      for (String n : nameSwap) {
        ColumnSpec c = find(columns, n);
        if (c == null || (c.kind() != Kind.NAME && c.kind() != Kind.STRING)) {
          throw new ConfigError("name_swap", "must name two compared name columns; '" + n + "' is not one");
        }
      }
    }
    blocking = ConfigError.orDefault(blocking, List.of());
    List<List<String>> rules = new ArrayList<>();
    for (int r = 0; r < blocking.size(); r++) {
      List<String> rule = blocking.get(r);
      if (rule == null || rule.isEmpty()) {
        throw new ConfigError("blocking[" + r + "]", "must list at least one key");
      }
      List<String> keys = new ArrayList<>();
      for (int k = 0; k < rule.size(); k++) {
        BlockingKey key = BlockingKey.parse(rule.get(k), "blocking[" + r + "][" + k + "]");
        if (key.function().equals("year")) {
          ColumnSpec c = find(columns, key.columns().get(0));
          if (c == null || c.kind() != Kind.DATE) {
            throw new ConfigError("blocking[" + r + "][" + k + "]", "year() needs a compared date column, got '" + key + "'");
          }
        }
        keys.add(key.toString());
      }
      rules.add(List.copyOf(keys));
    }
    blocking = List.copyOf(rules);
    tfAdjusted = List.copyOf(ConfigError.orDefault(tfAdjusted, List.of()));
    for (String n : tfAdjusted) {
      ColumnSpec c = find(columns, n);
      if (c == null) {
        throw new ConfigError("tf_adjusted", "names '" + n + "', which is not a compared column");
      }
      if (!c.levels().get(0).equals("exact")) {
        throw new ConfigError("tf_adjusted", "names '" + n + "', which has no exact level to adjust");
      }
    }
    threshold = ConfigError.orDefault(threshold, DEFAULT_THRESHOLD);
    if (!(threshold > 0 && threshold < 1)) {
      throw new ConfigError("threshold", "must be a probability above 0 and below 1, got " + threshold);
    }
    maxEmIterations = ConfigError.inRange(ConfigError.orDefault(maxEmIterations, 25), 1, 1000, "max_em_iterations");
    randomPairs = ConfigError.inRange(ConfigError.orDefault(randomPairs, 200_000), 1000, 100_000_000, "random_pairs");
    seed = ConfigError.orDefault(seed, 42L);
    maxPairs = ConfigError.orDefault(maxPairs, 50_000_000L);
    if (maxPairs < 1000) {
      throw new ConfigError("max_pairs", "must be at least 1000, got " + maxPairs);
    }
  }

  /** A spec with the given columns and rules and every other setting at its default. */
  public static MatchSpec of(List<ColumnSpec> columns, List<String> nameSwap, List<List<String>> blocking, List<String> tfAdjusted) {
    return new MatchSpec(columns, nameSwap, blocking, tfAdjusted, null, null, null, null, null, null);
  }

  /** Loads a spec file, refusing unknown keys and invalid values with file, line and key. */
  public static MatchSpec load(Path file) {
    return Yaml.load(file, MatchSpec.class);
  }

  public MatchSpec withThreshold(double t) {
    return new MatchSpec(columns, nameSwap, blocking, tfAdjusted, t, maxEmIterations, randomPairs, seed, linkType, maxPairs);
  }

  public MatchSpec withLinkType(LinkType t) {
    return new MatchSpec(columns, nameSwap, blocking, tfAdjusted, threshold, maxEmIterations, randomPairs, seed, t, maxPairs);
  }

  public MatchSpec withEstimation(int emIterations, int pairs, long newSeed) {
    return new MatchSpec(columns, nameSwap, blocking, tfAdjusted, threshold, emIterations, pairs, newSeed, linkType, maxPairs);
  }

  /** The compared column of that name, or null. */
  public ColumnSpec column(String name) {
    return find(columns, name);
  }

  /** The blocking rules, parsed. */
  public List<List<BlockingKey>> blockingRules() {
    return blocking.stream().map(rule -> rule.stream().map(k -> BlockingKey.parse(k, "blocking")).toList()).toList();
  }

  /** Every input column the spec reads: the compared ones in order, then those only used for blocking. */
  public List<String> referencedColumns() {
    Set<String> all = new LinkedHashSet<>();
    columns.forEach(c -> all.add(c.name()));
    blockingRules().forEach(rule -> rule.forEach(k -> all.addAll(k.columns())));
    return List.copyOf(all);
  }

  private static ColumnSpec find(List<ColumnSpec> columns, String name) {
    for (ColumnSpec c : columns) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** The spec as YAML that {@link #load} reads back to an equal spec, with a comment per key. */
  public String toYaml() {
    StringBuilder y = new StringBuilder();
    y.append("# dmp dedupe match spec (Fellegi-Sunter). Edit it and pass it back with --spec FILE.\n");
    y.append("# Levels are tried in order, best first; a pair that passes none is 'else', a null value is neutral.\n");
    y.append("columns:\n");
    for (ColumnSpec c : columns) {
      y.append("  - name: ").append(scalar(c.name())).append('\n');
      y.append("    kind: ").append(c.kind().word()).append('\n');
      y.append("    levels: ").append(list(c.levels())).append('\n');
      if (c.dateFormat() != null) {
        y.append("    date_format: ").append(scalar(c.dateFormat())).append('\n');
      }
    }
    y.append("# Compared in both orders (first name and surname are often swapped):\n");
    y.append("name_swap: ").append(list(nameSwap)).append('\n');
    y.append("# A pair is compared when all keys of any rule are equal (union of the rules):\n");
    y.append("blocking:");
    if (blocking.isEmpty()) {
      y.append(" []\n");
    } else {
      y.append('\n');
      blocking.forEach(rule -> y.append("  - ").append(list(rule)).append('\n'));
    }
    y.append("# Exact matches on common values weigh less (term frequencies):\n");
    y.append("tf_adjusted: ").append(list(tfAdjusted)).append('\n');
    y.append("threshold: ").append(number(threshold)).append("          # link pairs with match probability >= this\n");
    y.append("max_em_iterations: ").append(maxEmIterations).append('\n');
    y.append("random_pairs: ").append(randomPairs).append("       # random pairs drawn to estimate u\n");
    y.append("seed: ").append(seed).append('\n');
    if (linkType != null) {
      y.append("link_type: ").append(linkType.word()).append('\n');
    }
    y.append("max_pairs: ").append(maxPairs).append("       # refuse blocking rules that compare more pairs\n");
    return y.toString();
  }

  /** Writes {@link #toYaml} to a file. */
  public void write(Path file) {
    try {
      Files.writeString(file, toYaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> YAML_WORDS =
      Set.of("true", "false", "null", "yes", "no", "on", "off", "y", "n", "~");

  private static String scalar(String s) {
    if (PLAIN.matcher(s).matches() && !YAML_WORDS.contains(s.toLowerCase(Locale.ROOT))) {
      return s;
    }
    StringBuilder q = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      if (ch == '"' || ch == '\\') {
        q.append('\\').append(ch);
      } else if (ch < 0x20) {
        q.append(String.format("\\u%04x", (int) ch));
      } else {
        q.append(ch);
      }
    }
    return q.append('"').toString();
  }

  private static String list(List<String> values) {
    return values.stream().map(MatchSpec::scalar).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String number(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }
}
