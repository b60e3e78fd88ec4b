package org.opendmp.jobs.profile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.Yaml;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.segment.KnownNames;

/**
 * conf/traits.yaml: the traits computed per person every night into gold.traits. Each trait is published once
 * per window as {@code <name>_<N>d} (the name segment rules use: {@code trait.product_views_30d}), in the
 * {@code numbers}, {@code texts} or {@code times} map of gold.traits according to its {@link Output}.
 *
 * @param traits the definitions, names unique
 */
public record TraitsConfig(List<Trait> traits) {
  /** Lower snake_case, not ending in a window suffix such as {@code _7d} (the suffix is added per window). */
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

  static final Pattern WINDOW_SUFFIX = Pattern.compile(".*_[0-9]+d");

  /** The longest window a trait may declare (days). */
  public static final int MAX_WINDOW = 366;

  /** A field that is not a column: the UTC date of event_time. */
  public static final String EVENT_DATE = "event_date";

  /** Prefix of the fields read from silver.events' attributes map: {@code attributes.reason}. */
  public static final String ATTRIBUTES = "attributes.";

  /**
   * The fields filters and aggregations may read: every scalar column of silver.events (bots never reach the
   * traits, so is_bot is not one), {@code event_date}, and {@code attributes.<key>}.
   */
  public static final Map<String, DataType> FIELDS = fields();

  public TraitsConfig {
    traits = List.copyOf(ConfigError.required(traits, "traits"));
    if (traits.isEmpty()) {
      throw new ConfigError("traits", "must declare at least one trait");
    }
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < traits.size(); i++) {
      Integer before = first.putIfAbsent(traits.get(i).name(), i);
      if (before != null) {
        throw new ConfigError("traits[" + i + "].name", "'" + traits.get(i).name() + "' is declared twice (first as traits[" + before + "])");
      }
    }
  }

  /** Where a trait's values go in gold.traits. */
  public enum Output {
    /** {@code numbers MAP<STRING,DOUBLE>} */
    NUMBER,
    /** {@code texts MAP<STRING,STRING>} */
    TEXT,
    /** {@code times MAP<STRING,TIMESTAMP>} */
    TIME
  }

  /**
   * One trait.
   *
   * @param name lower snake_case, unique; published as {@code <name>_<N>d} per window
   * @param description what it means (optional, for the README and analysts)
   * @param aggregation one of {@link Aggregation}, in lower case: count, sum, min, max, first_value, last_value,
   *     first_time, last_time, days_since_last, distinct_count, most_frequent
   * @param field the event field aggregated (required by sum, min, max, first/last_value, distinct_count,
   *     most_frequent; optional for count and the times: then only events where it is not null count)
   * @param where filters that must all hold: field -> a value or a list of values (any of them)
   * @param whereNot filters that must all fail: field -> a value or a list of values (none of them)
   * @param windows nights counted back from the run date (1 = the run date only; 7 = it and the 6 before), by
   *     the night the event was loaded (silver.events run_date); 1 to 366, no repeats
   */
  public record Trait(
      String name,
      String description,
      String aggregation,
      String field,
      Map<String, Object> where,
      Map<String, Object> whereNot,
      List<Integer> windows) {
    public Trait {
      ConfigError.required(name, "name");
      if (!NAME.matcher(name).matches() || name.length() > 60) {
        throw new ConfigError("name", "must be lower snake_case (a-z, 0-9, single _, at most 60 characters), got '" + name + "'");
      }
      if (WINDOW_SUFFIX.matcher(name).matches()) {
        throw new ConfigError("name", "must not end with a window such as _7d (it is added per window), got '" + name + "'");
      }
      ConfigError.required(aggregation, "aggregation");
      Aggregation agg = Aggregation.parse(aggregation)
          .orElseThrow(() -> new ConfigError("aggregation", "must be one of " + Aggregation.allYaml() + ", got '" + aggregation + "'"));
      if (field != null) {
        checkField(field, "field");
      }
      switch (agg.fieldUse()) {
        case REQUIRED -> ConfigError.required(field, "field");
        case NUMERIC -> {
          ConfigError.required(field, "field");
          if (!(fieldType(field) instanceof NumericType)) {
            throw new ConfigError("field", "must be a numeric field for " + aggregation + " (e.g. amount), got '" + field + "'");
          }
        }
        default -> { }
      }
      where = filters(where, "where");
      whereNot = filters(whereNot, "where_not");
      ConfigError.required(windows, "windows");
      if (windows.isEmpty()) {
        throw new ConfigError("windows", "must list at least one window in days, e.g. [7, 30]");
      }
      Set<Integer> seen = new TreeSet<>();
      for (int i = 0; i < windows.size(); i++) {
        Integer w = windows.get(i);
        if (w == null || w < 1 || w > MAX_WINDOW) {
          throw new ConfigError("windows[" + i + "]", "must be a number of days between 1 and " + MAX_WINDOW + ", got " + w);
        }
        if (!seen.add(w)) {
          throw new ConfigError("windows[" + i + "]", "repeats the window " + w);
        }
      }
      windows = List.copyOf(seen);
    }

    /** The aggregation as an enum. */
    public Aggregation kind() {
      return Aggregation.parse(aggregation).orElseThrow();
    }

    /** The published keys, one per window: {@code product_views_7d}. */
    public List<String> keys() {
      return windows.stream().map(this::key).toList();
    }

    public String key(int window) {
      return name + "_" + window + "d";
    }

    /** The map of gold.traits its values go to. */
    public Output output() {
      return switch (kind()) {
        case FIRST_TIME, LAST_TIME -> Output.TIME;
        case FIRST_VALUE, LAST_VALUE, MOST_FREQUENT -> fieldType(field) instanceof NumericType ? Output.NUMBER : Output.TEXT;
        default -> Output.NUMBER;
      };
    }

    /**
     * A fingerprint of what the daily partial means (aggregation, field, filters; not the windows): daily
     * partials written under another definition are ignored, so editing a trait never mixes old and new meaning.
     */
    public String definition() {
      return sha(kind() + "|" + field + "|" + new TreeMap<>(where) + "|" + new TreeMap<>(whereNot));
    }

    /** The filters as field -> accepted values. */
    @SuppressWarnings("unchecked")
    public Map<String, List<String>> whereValues() {
      return (Map<String, List<String>>) (Map<String, ?>) where;
    }

    /** The exclusions as field -> refused values. */
    @SuppressWarnings("unchecked")
    public Map<String, List<String>> whereNotValues() {
      return (Map<String, List<String>>) (Map<String, ?>) whereNot;
    }
  }

  /** The longest window of all traits: how many nights of gold.person_daily a recomputation reads. */
  public int maxWindow() {
    return traits.stream().flatMap(t -> t.windows().stream()).mapToInt(Integer::intValue).max().orElse(1);
  }

  /** Every window some trait declares, ascending. */
  public List<Integer> allWindows() {
    return traits.stream().flatMap(t -> t.windows().stream()).distinct().sorted().toList();
  }

  /** The trait of that name. */
  public Trait trait(String name) {
    return traits.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  /** A fingerprint of the whole file's meaning (definitions and windows), stored on every gold.traits row. */
  public String version() {
    StringBuilder sb = new StringBuilder();
    traits.stream().sorted(java.util.Comparator.comparing(Trait::name))
        .forEach(t -> sb.append(t.name()).append('=').append(t.definition()).append(t.windows()).append(';'));
    return sha(sb.toString());
  }

  /** Every published key with the map it lives in. */
  public Map<String, Output> keys() {
    Map<String, Output> out = new LinkedHashMap<>();
    traits.forEach(t -> t.keys().forEach(k -> out.put(k, t.output())));
    return out;
  }

  /**
   * Loads and checks the file. Any problem is one line naming the file, the line and column, and the key as a
   * path: {@code Cannot load config: key 'traits[3].where.chanel' is not a field of silver.events ... (file
   * conf/traits.yaml, line 31, column 7)}.
   */
  public static TraitsConfig load(Path file) {
    com.fasterxml.jackson.databind.JsonNode tree = Yaml.readTree(file);
    YamlPositions positions = YamlPositions.of(file);
    unknownKeys(tree, file, positions);
    String marker = "\u0001where\u0001";
    try {
      return Yaml.convert(tree, TraitsConfig.class, marker);
    } catch (DmpException e) {
      YamlPositions.Position p = positions.of(YamlPositions.pathOf(e.getCause()));
      String where = "file " + file + (p == null ? "" : ", " + p);
      throw new DmpException(e.getMessage().replace(marker, where), e.getCause());
    }
  }

  /** The keys of a trait, as written in YAML. */
  static final List<String> TRAIT_KEYS = List.of("aggregation", "description", "field", "name", "where", "where_not", "windows");

  /**
   * Unknown keys of a trait are refused before the record is built: Jackson would first complain that a
   * required key is missing ({@code aggregation}) when the real problem is its misspelling ({@code aggregaton}).
   */
  private static void unknownKeys(com.fasterxml.jackson.databind.JsonNode tree, Path file, YamlPositions positions) {
    for (java.util.Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("traits")) {
        YamlPositions.Position p = positions.of(key);
        throw new DmpException("Cannot load config: unknown key '" + key + "' (file " + file + (p == null ? "" : ", " + p)
            + "; expected one of: traits)");
      }
    }
    com.fasterxml.jackson.databind.JsonNode list = tree.get("traits");
    if (list == null || !list.isArray()) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      if (!list.get(i).isObject()) {
        continue;
      }
      for (java.util.Iterator<String> it = list.get(i).fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!TRAIT_KEYS.contains(key)) {
          String path = "traits[" + i + "]." + key;
          YamlPositions.Position p = positions.of(path);
          throw new DmpException("Cannot load config: unknown key '" + path + "' (file " + file + (p == null ? "" : ", " + p)
              + "; expected one of: " + String.join(", ", TRAIT_KEYS) + ")");
        }
      }
    }
  }

  // ---- fields and filters ----

  private static Map<String, DataType> fields() {
    Map<String, DataType> out = new TreeMap<>();
    for (StructField f : Tables.EVENTS.schema().fields()) {
      if (!f.name().equals("attributes") && !f.name().equals("is_bot")) {
        out.put(f.name(), f.dataType());
      }
    }
    out.put(EVENT_DATE, DataTypes.DateType);
    return java.util.Collections.unmodifiableMap(out);
  }

  /** The type of a field: a column's, DATE for event_date, STRING for attributes. */
  public static DataType fieldType(String field) {
    return field.startsWith(ATTRIBUTES) ? DataTypes.StringType : FIELDS.get(field);
  }

  private static void checkField(String field, String key) {
    if (field.startsWith(ATTRIBUTES) ? field.length() == ATTRIBUTES.length() : !FIELDS.containsKey(field)) {
      throw new ConfigError(key, "is not a field of silver.events: '" + field + "' (expected one of: "
          + String.join(", ", FIELDS.keySet()) + ", or attributes.<key>)");
    }
  }

  private static Map<String, Object> filters(Map<String, Object> raw, String key) {
    Map<String, Object> out = new TreeMap<>();
    if (raw == null) {
      return java.util.Collections.unmodifiableMap(out);
    }
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      String k = key + "." + e.getKey();
      checkField(e.getKey(), k);
      List<String> values = new ArrayList<>();
      if (e.getValue() instanceof List<?> list) {
        if (list.isEmpty()) {
          throw new ConfigError(k, "must list at least one value");
        }
        for (int i = 0; i < list.size(); i++) {
          values.add(scalar(list.get(i), k + "[" + i + "]"));
        }
      } else {
        values.add(scalar(e.getValue(), k));
      }
      for (int i = 0; i < values.size(); i++) {
        String where = e.getValue() instanceof List<?> ? k + "[" + i + "]" : k;
        known(e.getKey(), values.get(i), where);
      }
      out.put(e.getKey(), List.copyOf(values));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private static String scalar(Object v, String key) {
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    throw new ConfigError(key, "must be a value or a list of values, got " + (v == null ? "nothing" : v.getClass().getSimpleName()));
  }

  /** Event types and channels are closed lists: a typo there would silently count nothing. */
  private static void known(String field, String value, String key) {
    Set<String> allowed = switch (field) {
      case "event_type" -> KnownNames.eventTypes();
      case "channel" -> KnownNames.eventFields().get("channel");
      default -> null;
    };
    if (allowed != null && !allowed.contains(value)) {
      throw new ConfigError(key, "has an unknown " + field + " '" + value + "' (expected one of: " + String.join(", ", new TreeSet<>(allowed)) + ")");
    }
  }

  static String sha(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
