package org.opendmp.jobs.profile;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.Yaml;

/**
 * conf/profiles.yaml: how the profiles job builds gold.profiles (README.md, "Profiles").
 *
 * @param ttlDays a person inactive longer than this (run date - last activity, or - first seen when never active)
 *     drops out of gold.profiles, except live CRM customers; 1 to 3660
 * @param partnerMaxAgeDays a partner uid's latest delivery counts while it is at most this old (1 = the run date's
 *     delivery only); 1 to 366
 * @param maxValues per person, field and source, how many stated values the survivorship state keeps (the first
 *     seen one and the latest ones); 2 to 100, default 10
 * @param departments the reference file (in conf_dir) of French departments: region and point
 * @param agencies the reference file (in conf_dir) of agencies: id, name, postcode, point
 * @param contactability the rules that are choices rather than facts (ads)
 * @param attributes the attributes published in {@code attributes}, each with its survivorship rule
 */
public record ProfilesConfig(
    Integer ttlDays,
    Integer partnerMaxAgeDays,
    Integer maxValues,
    String departments,
    String agencies,
    Contactability contactability,
    List<Attribute> attributes) {
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

  /** The sources each field can come from: the CRM's current state, the postcode a store buyer gives. */
  public static final Map<String, List<String>> FIELD_SOURCES =
      Map.of("postcode", List.of("crm", "store"), "city", List.of("crm"), "birth_date", List.of("crm"));

  /** Attributes that also fill a column of gold.profiles (postcode, city, age): one value each, never a union. */
  public static final Set<String> COLUMN_ATTRIBUTES = Set.of("postcode", "city", "birth_date");

  /** The identifier types of DESIGN.md §3. */
  static final Set<String> ID_TYPES =
      Set.of("cookie", "login", "crm_id", "email_sha256", "phone_sha256", "loyalty_card", "maid", "ad_cookie");

  public ProfilesConfig {
    ConfigError.inRange(ConfigError.required(ttlDays, "ttl_days"), 1, 3660, "ttl_days");
    ConfigError.inRange(ConfigError.required(partnerMaxAgeDays, "partner_max_age_days"), 1, 366, "partner_max_age_days");
    maxValues = ConfigError.inRange(ConfigError.orDefault(maxValues, 10), 2, 100, "max_values");
    departments = referenceFile(departments, "departments");
    agencies = referenceFile(agencies, "agencies");
    contactability = contactability == null ? new Contactability(null, null) : contactability;
    attributes = List.copyOf(ConfigError.required(attributes, "attributes"));
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < attributes.size(); i++) {
      Integer before = first.putIfAbsent(attributes.get(i).name(), i);
      if (before != null) {
        throw new ConfigError("attributes[" + i + "].name",
            "'" + attributes.get(i).name() + "' is declared twice (first as attributes[" + before + "])");
      }
    }
  }

  private static String referenceFile(String name, String key) {
    ConfigError.required(name, key);
    if (name.isBlank() || name.contains("/") || name.contains("\\") || !name.endsWith(".csv")) {
      throw new ConfigError(key, "must be the name of a .csv file in conf_dir, got '" + name + "'");
    }
    return name;
  }

  /** Survivorship rules. */
  public enum Rule {
    /** the value stated last (latest last_seen), ties by source order */
    MOST_RECENT,
    /** the value of the first source in {@code sources} that states one (its latest) */
    SOURCE_PRIORITY,
    /** the value stated first (earliest first_seen), ties by source order */
    FIRST_SEEN,
    /** every value ever stated, sorted, joined with {@code |} */
    UNION;

    static Rule parse(String s) {
      for (Rule r : values()) {
        if (r.name().toLowerCase(java.util.Locale.ROOT).equals(s)) {
          return r;
        }
      }
      throw new ConfigError("rule", "must be one of most_recent, source_priority, first_seen, union, got '" + s + "'");
    }
  }

  /**
   * One published attribute.
   *
   * @param name lower snake_case, unique: the key in {@code attributes} and {@code attribute_sources}
   * @param description what it means (optional)
   * @param field the stated field it is chosen from: postcode (crm, store), city (crm), birth_date (crm)
   * @param rule most_recent | source_priority | first_seen | union
   * @param sources the sources considered, in priority order (source_priority follows it; the other rules break
   *     ties with it)
   */
  public record Attribute(String name, String description, String field, String rule, List<String> sources) {
    public Attribute {
      ConfigError.required(name, "name");
      if (!NAME.matcher(name).matches() || name.length() > 60) {
        throw new ConfigError("name", "must be lower snake_case (a-z, 0-9, single _, at most 60 characters), got '" + name + "'");
      }
      ConfigError.required(field, "field");
      if (!FIELD_SOURCES.containsKey(field)) {
        throw new ConfigError("field", "must be one of " + new TreeSet<>(FIELD_SOURCES.keySet()) + ", got '" + field + "'");
      }
      Rule r = Rule.parse(ConfigError.required(rule, "rule"));
      if (r == Rule.UNION && COLUMN_ATTRIBUTES.contains(name)) {
        throw new ConfigError("rule", "cannot be union for '" + name + "': it fills a one-value column of gold.profiles");
      }
      ConfigError.required(sources, "sources");
      if (sources.isEmpty()) {
        throw new ConfigError("sources", "must list at least one source of " + FIELD_SOURCES.get(field));
      }
      for (int i = 0; i < sources.size(); i++) {
        String s = sources.get(i);
        if (!FIELD_SOURCES.get(field).contains(s)) {
          throw new ConfigError("sources[" + i + "]", "is not a source of " + field + ": '" + s + "' (expected one of "
              + FIELD_SOURCES.get(field) + ")");
        }
        if (sources.indexOf(s) != i) {
          throw new ConfigError("sources[" + i + "]", "repeats the source '" + s + "'");
        }
      }
      sources = List.copyOf(sources);
    }

    public Rule kind() {
      return Rule.parse(rule);
    }
  }

  /**
   * @param adsWithoutCrmConsent whether a person without CRM consent data (a prospect, or a customer whose
   *     consent_ads is empty) may be reached on ad platforms (site cookie consent covers them); default false
   * @param adsIdTypes the identifier types an ad platform can reach (at least one needed); default ad_cookie,
   *     maid, email_sha256, phone_sha256 (the last two: customer-match audiences)
   */
  public record Contactability(Boolean adsWithoutCrmConsent, List<String> adsIdTypes) {
    public Contactability {
      adsWithoutCrmConsent = ConfigError.orDefault(adsWithoutCrmConsent, false);
      adsIdTypes = List.copyOf(ConfigError.orDefault(adsIdTypes, List.of("ad_cookie", "maid", "email_sha256", "phone_sha256")));
      if (adsIdTypes.isEmpty()) {
        throw new ConfigError("ads_id_types", "must list at least one identifier type");
      }
      for (int i = 0; i < adsIdTypes.size(); i++) {
        String t = adsIdTypes.get(i);
        if (t == null || !(ID_TYPES.contains(t) || t.startsWith("partner_uid:") && t.length() > "partner_uid:".length())) {
          throw new ConfigError("ads_id_types[" + i + "]", "is not an identifier type: '" + t + "' (expected one of "
              + new TreeSet<>(ID_TYPES) + " or partner_uid:<partner>)");
        }
      }
    }
  }

  /** The attribute of that name, or null. */
  public Attribute attribute(String name) {
    return attributes.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
  }

  /** Every (field, source) pair some attribute reads: the statements worth keeping in the state. */
  public Set<String> fieldSources() {
    Set<String> out = new TreeSet<>();
    attributes.forEach(a -> a.sources().forEach(s -> out.add(a.field() + "|" + s)));
    return out;
  }

  /** Whether some attribute reads the field from the source. */
  public boolean reads(String field, String source) {
    return fieldSources().contains(field + "|" + source);
  }

  // ---- loading ----

  static final List<String> TOP_KEYS =
      List.of("agencies", "attributes", "contactability", "departments", "max_values", "partner_max_age_days", "ttl_days");
  static final List<String> ATTRIBUTE_KEYS = List.of("description", "field", "name", "rule", "sources");
  static final List<String> CONTACTABILITY_KEYS = List.of("ads_id_types", "ads_without_crm_consent");

  /**
   * Loads and checks the file. Any problem is one line naming the file, the line and column, and the key:
   * {@code Cannot load config: key 'attributes[1].rule' must be one of ... (file conf/profiles.yaml, line 9,
   * column 5)}. The reference files it names are loaded by {@link GeoReference#load}.
   */
  public static ProfilesConfig load(Path file) {
    JsonNode tree = Yaml.readTree(file);
    YamlPositions positions = YamlPositions.of(file);
    unknownKeys(tree, "", TOP_KEYS, file, positions);
    JsonNode c = tree.get("contactability");
    if (c != null && c.isObject()) {
      unknownKeys(c, "contactability.", CONTACTABILITY_KEYS, file, positions);
    }
    JsonNode list = tree.get("attributes");
    if (list != null && list.isArray()) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).isObject()) {
          unknownKeys(list.get(i), "attributes[" + i + "].", ATTRIBUTE_KEYS, file, positions);
        }
      }
    }
    String marker = "\u0001where\u0001";
    try {
      return Yaml.convert(tree, ProfilesConfig.class, marker);
    } catch (DmpException e) {
      YamlPositions.Position p = positions.of(YamlPositions.pathOf(e.getCause()));
      String where = "file " + file + (p == null ? "" : ", " + p);
      throw new DmpException(e.getMessage().replace(marker, where), e.getCause());
    }
  }

  /**
   * Unknown keys are refused before the record is built: Jackson would first complain that a required key is
   * missing ({@code rule}) when the real problem is its misspelling ({@code rul}).
   */
  private static void unknownKeys(JsonNode node, String prefix, List<String> known, Path file, YamlPositions positions) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        String path = prefix + key;
        YamlPositions.Position p = positions.of(path);
        throw new DmpException("Cannot load config: unknown key '" + path + "' (file " + file + (p == null ? "" : ", " + p)
            + "; expected one of: " + String.join(", ", known) + ")");
      }
    }
  }
}
