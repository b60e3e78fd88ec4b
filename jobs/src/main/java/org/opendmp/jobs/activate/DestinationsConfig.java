package org.opendmp.jobs.activate;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.config.Yaml;
import org.opendmp.jobs.activate.delivery.DeliverySpec;
import org.opendmp.jobs.profile.YamlPositions;

/**
 * conf/destinations.yaml: to whom the activate job sends which segments, how (README.md, "The activate job and
 * conf/destinations.yaml"). Checked at load against conf/segments.yaml: a destination naming a segment that file
 * does not define is refused, naming both files.
 *
 * @param destinations the partners' audiences, in delivery order; ids unique
 * @param pressure the marketing-pressure cap across destinations; null = no cap
 * @param sourceLabels data-export labels of the sources segments read ({@link SegmentSources#SOURCES}), e.g.
 *     {@code partner: [no_offsite_targeting]}; a destination refusing one of them may not map a segment they feed
 */
public record DestinationsConfig(List<Destination> destinations, Pressure pressure, Map<String, List<String>> sourceLabels) {
  static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
  static final Pattern CODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");
  static final Pattern COLUMN_VALUE = Pattern.compile("profile\\.[a-z_0-9]+|trait\\.[a-z][a-z0-9_]*_\\d+d|'[^',\"\\r\\n]*'");
  /** The columns of a csv file before a destination's extra columns. */
  public static final List<String> BASE_COLUMNS = List.of("id_type", "id", "codes", "removed_codes");
  /** The columns of a crm file before its extra columns. */
  public static final List<String> CRM_BASE_COLUMNS = List.of("crm_id", "segments", "removed_segments");
  /**
   * Clear contact data: an extra column named or reading one of these is refused unless the destination says
   * {@code pii: true}. gold.profiles holds none of them today (silver.customers_pii is the only table with contact
   * data, encrypted); the guard keeps it so if one is added, and stops a column promising one to a partner.
   */
  static final List<String> CONTACT_COLUMNS =
      List.of("first_name", "last_name", "name", "full_name", "email", "phone", "mobile", "street", "address");
  static final List<String> PROFILE_COLUMNS =
      List.of(org.opendmp.common.table.Tables.PROFILES.schema().fieldNames());

  /** The consent purposes of gold.profiles: consent_<purpose> and contactable_<purpose>. */
  public static final List<String> PURPOSES = List.of("email", "sms", "postal", "ads");

  /** The identifier types a partner can take, besides partner_uid:&lt;partner&gt;. */
  public static final List<String> ID_TYPES =
      List.of("email_sha256", "phone_sha256", "maid", "crm_id", "cookie", "ad_cookie");

  public DestinationsConfig {
    destinations = List.copyOf(ConfigError.required(destinations, "destinations"));
    if (destinations.isEmpty()) {
      throw new ConfigError("destinations", "must list at least one destination");
    }
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < destinations.size(); i++) {
      Integer before = first.putIfAbsent(destinations.get(i).id(), i);
      if (before != null) {
        throw new ConfigError("destinations[" + i + "].id",
            "'" + destinations.get(i).id() + "' is declared twice (first as destinations[" + before + "])");
      }
    }
    sourceLabels = Map.copyOf(ConfigError.orDefault(sourceLabels, Map.of()));
    for (Map.Entry<String, List<String>> e : sourceLabels.entrySet()) {
      if (!SegmentSources.SOURCES.contains(e.getKey())) {
        throw new ConfigError("source_labels." + e.getKey(), "is not a source segments read (expected one of "
            + String.join(", ", SegmentSources.SOURCES) + ")");
      }
      labels(e.getValue(), "source_labels." + e.getKey());
    }
    for (int i = 0; i < destinations.size(); i++) {
      Destination d = destinations.get(i);
      if (d.fallbackFor() == null) {
        continue;
      }
      String key = "destinations[" + i + "].fallback_for";
      Integer primary = first.get(d.fallbackFor());
      if (primary == null || primary == i) {
        throw new ConfigError(key, "'" + d.fallbackFor() + "' is not another destination of this file");
      }
      Destination p = destinations.get(primary);
      if (p.fallbackFor() != null) {
        throw new ConfigError(key, "'" + p.id() + "' is itself a fallback (of '" + p.fallbackFor() + "'): chains are not supported");
      }
      for (String s : d.segments().keySet()) {
        if (!p.segments().containsKey(s)) {
          throw new ConfigError(key, "segment '" + s + "' of '" + d.id() + "' is not sent to '" + p.id()
              + "': a fallback only takes the people of segments its primary destination sends");
        }
      }
    }
    if (pressure != null) {
      for (int i = 0; i < pressure.priority().size(); i++) {
        if (!first.containsKey(pressure.priority().get(i))) {
          throw new ConfigError("pressure.priority[" + i + "]", "'" + pressure.priority().get(i)
              + "' is not a destination of this file (destinations: " + String.join(", ", first.keySet().stream().sorted().toList()) + ")");
        }
      }
    }
  }

  /** Without a pressure cap nor source labels. */
  public DestinationsConfig(List<Destination> destinations) {
    this(destinations, null, null);
  }

  static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

  private static List<String> labels(List<String> labels, String key) {
    List<String> out = List.copyOf(ConfigError.orDefault(labels, List.of()));
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i) == null || !LABEL.matcher(out.get(i)).matches()) {
        throw new ConfigError(key + "[" + i + "]", "must be a lower snake_case label, got '" + out.get(i) + "'");
      }
    }
    return out;
  }

  /**
   * The marketing-pressure cap: a person is entered into at most {@code maxContacts7d} audiences over 7 nights,
   * counting the contacts of gold.scores' pressure_7d and the entries of the 6 previous nights' deliveries; tonight's
   * entries are granted in priority order and the rest are held back.
   *
   * @param maxContacts7d contacts per person per 7 nights, 1 to 1000
   * @param priority destination ids, highest priority first; destinations not listed come after, in file order
   */
  public record Pressure(@com.fasterxml.jackson.annotation.JsonProperty("max_contacts_7d") Integer maxContacts7d,
      List<String> priority) {
    public Pressure {
      maxContacts7d = ConfigError.inRange(ConfigError.required(maxContacts7d, "max_contacts_7d"), 1, 1000, "max_contacts_7d");
      priority = List.copyOf(ConfigError.orDefault(priority, List.of()));
      for (int i = 0; i < priority.size(); i++) {
        if (priority.indexOf(priority.get(i)) != i) {
          throw new ConfigError("priority[" + i + "]", "repeats the destination '" + priority.get(i) + "'");
        }
      }
    }
  }

  /** Destination ids from the highest priority to the lowest: the pressure priority, then the others in file order. */
  public List<String> priorityOrder() {
    List<String> out = new ArrayList<>(pressure == null ? List.of() : pressure.priority());
    destinations.stream().map(Destination::id).filter(id -> !out.contains(id)).forEach(out::add);
    return out;
  }

  /** Output formats. */
  public enum Format {
    /** Adobe-Audience-Manager style: {@code <id>\t<code,code>\t<removed code,...>}, no header */
    AAM,
    /** {@code id_type,id,codes,removed_codes} header, codes joined with {@code |} */
    CSV,
    /**
     * CRM feedback: {@code crm_id,segments,removed_segments}, the extra columns, then {@code crm:}'s scores, vip,
     * pages_since_contact and recommended_product (CrmFeedbackFrames)
     */
    CRM
  }

  /**
   * What a {@code format: crm} destination adds per customer (CrmFeedbackFrames).
   *
   * @param scores score names of gold.scores of the night, one column each (e.g. engagement, propensity_percentile)
   * @param windowDays nights of silver.events (tonight included) the pages and the best sellers are read from, 1 to 90
   *     (default 30): the pages seen since the last contact are those after the latest call-center appointment or
   *     catalog mailing of that window loaded before tonight (the whole window when there is none)
   * @param maxPages product pages listed per customer, most recently viewed first, 1 to 100 (default 10)
   */
  public record Crm(List<String> scores, @com.fasterxml.jackson.annotation.JsonProperty("window_days") Integer windowDays,
      @com.fasterxml.jackson.annotation.JsonProperty("max_pages") Integer maxPages) {
    static final Pattern SCORE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

    public Crm {
      scores = List.copyOf(ConfigError.orDefault(scores, List.of()));
      for (int i = 0; i < scores.size(); i++) {
        if (scores.get(i) == null || !SCORE.matcher(scores.get(i)).matches()) {
          throw new ConfigError("scores[" + i + "]", "must be a score name of gold.scores (lower snake_case), got '"
              + scores.get(i) + "'");
        }
        if (scores.indexOf(scores.get(i)) != i) {
          throw new ConfigError("scores[" + i + "]", "repeats the score '" + scores.get(i) + "'");
        }
      }
      windowDays = ConfigError.inRange(ConfigError.orDefault(windowDays, 30), 1, 90, "window_days");
      maxPages = ConfigError.inRange(ConfigError.orDefault(maxPages, 10), 1, 100, "max_pages");
    }

    /** The columns a crm file adds after the destination's extra columns. */
    public List<String> columns() {
      List<String> out = new ArrayList<>(scores);
      out.addAll(List.of("vip", "pages_since_contact", "recommended_product"));
      return out;
    }
  }

  /** Identity strictness: which identifiers of a person a destination may receive. */
  public enum Identity {
    /** tied to the person by a deterministic link (a login, a CRM record, a hashed email click...) */
    DETERMINISTIC,
    /** any identifier of the person, probabilistic and device links included */
    PROBABILISTIC
  }

  /** Sync modes. */
  public enum Mode {
    /** tonight's whole audience */
    FULL,
    /** the identifiers whose codes changed since the previous delivery: adds, changes and removals */
    INCREMENTAL
  }

  /**
   * One destination.
   *
   * @param id lower snake_case, unique: the folder {@code <target>/<id>/dt=D/} and activation.* rows
   * @param partner who receives it (free text, for people)
   * @param idTypes accepted identifier types, in order of preference: each person is sent with the identifiers
   *     of the first type they have
   * @param segments segment id of conf/segments.yaml -> the partner's code for it
   * @param purpose consent purpose required: email, sms, postal or ads
   * @param suppress segment ids whose members are never sent (control members included)
   * @param format aam | csv
   * @param mode full | incremental (default full)
   * @param fileTemplate data file names (DeliverySpec placeholders); default {@code {destination}_{mode}_{date}_{split}}
   *     + {@code .txt} (aam) or {@code .csv}
   * @param splitRows lines per data file, 1 to 100,000,000 (default 1,000,000)
   * @param gzip compress data files (default false)
   * @param target root the delivery goes under: absent = export_root; a path without scheme = relative to
   *     export_root; a URI (file:, s3a://, sftp://) = as is
   * @param identity deterministic (default): only identifiers tied to the person by a deterministic link of
   *     silver.id_links (or that are the whole person) are sent; probabilistic: any identifier of the person
   * @param refuseLabels data-export labels of sources this destination may not receive data derived from
   * @param columns extra csv columns, name -> value: {@code profile.<column of gold.profiles>},
   *     {@code trait.<trait>_<N>d} (gold.traits of the night) or a quoted constant {@code 'TEXT'} (e.g. an offer)
   * @param fallbackFor another destination's id: this one only gets the people that one does not send tonight
   *     (e.g. postal mail for those SMS cannot reach); its segments must all be mapped by that destination
   * @param pii true: an explicit PII destination, which may receive clear contact data (an extra column
   *     reading or named as one of {@link #CONTACT_COLUMNS}); default false, and such a column is refused at load
   * @param alsoRequires further consent purposes a person must have granted to be sent (any of
   *     {@link org.opendmp.common.consent.Consents#PURPOSES}, e.g. data_sharing for a partner that keeps what it
   *     receives): consent_&lt;purpose&gt; of gold.profiles must be true; default none
   */
  public record Destination(
      String id,
      String partner,
      List<String> idTypes,
      Map<String, String> segments,
      String purpose,
      List<String> suppress,
      String format,
      String mode,
      String fileTemplate,
      Integer splitRows,
      Boolean gzip,
      String target,
      String identity,
      List<String> refuseLabels,
      Map<String, String> columns,
      String fallbackFor,
      Crm crm,
      Boolean pii,
      List<String> alsoRequires) {
    /** No further consent required. */
    public Destination(String id, String partner, List<String> idTypes, Map<String, String> segments, String purpose,
        List<String> suppress, String format, String mode, String fileTemplate, Integer splitRows, Boolean gzip,
        String target, String identity, List<String> refuseLabels, Map<String, String> columns, String fallbackFor, Crm crm,
        Boolean pii) {
      this(id, partner, idTypes, segments, purpose, suppress, format, mode, fileTemplate, splitRows, gzip, target, identity,
          refuseLabels, columns, fallbackFor, crm, pii, null);
    }

    /** Not a PII destination. */
    public Destination(String id, String partner, List<String> idTypes, Map<String, String> segments, String purpose,
        List<String> suppress, String format, String mode, String fileTemplate, Integer splitRows, Boolean gzip,
        String target, String identity, List<String> refuseLabels, Map<String, String> columns, String fallbackFor, Crm crm) {
      this(id, partner, idTypes, segments, purpose, suppress, format, mode, fileTemplate, splitRows, gzip, target, identity,
          refuseLabels, columns, fallbackFor, crm, null);
    }

    /** Not a CRM feedback. */
    public Destination(String id, String partner, List<String> idTypes, Map<String, String> segments, String purpose,
        List<String> suppress, String format, String mode, String fileTemplate, Integer splitRows, Boolean gzip,
        String target, String identity, List<String> refuseLabels, Map<String, String> columns, String fallbackFor) {
      this(id, partner, idTypes, segments, purpose, suppress, format, mode, fileTemplate, splitRows, gzip, target, identity,
          refuseLabels, columns, fallbackFor, null);
    }

    /** With the default identity strictness (deterministic) and no refused label. */
    public Destination(String id, String partner, List<String> idTypes, Map<String, String> segments, String purpose,
        List<String> suppress, String format, String mode, String fileTemplate, Integer splitRows, Boolean gzip,
        String target) {
      this(id, partner, idTypes, segments, purpose, suppress, format, mode, fileTemplate, splitRows, gzip, target, null, null, null, null,
          null);
    }

    public Destination {
      pii = ConfigError.orDefault(pii, false);
      ConfigError.required(id, "id");
      if (!ID.matcher(id).matches() || id.length() > 60) {
        throw new ConfigError("id", "must be lower snake_case (a-z, 0-9, single _, at most 60 characters), got '" + id + "'");
      }
      ConfigError.required(partner, "partner");
      if (partner.isBlank()) {
        throw new ConfigError("partner", "must not be blank");
      }
      idTypes = List.copyOf(ConfigError.required(idTypes, "id_types"));
      if (idTypes.isEmpty()) {
        throw new ConfigError("id_types", "must list at least one identifier type");
      }
      for (int i = 0; i < idTypes.size(); i++) {
        String t = idTypes.get(i);
        if (t == null || !(ID_TYPES.contains(t) || t.startsWith("partner_uid:") && ID.matcher(t.substring(12)).matches())) {
          throw new ConfigError("id_types[" + i + "]", "is not an identifier type: '" + t + "' (expected one of "
              + String.join(", ", ID_TYPES) + " or partner_uid:<partner>)");
        }
        if (idTypes.indexOf(t) != i) {
          throw new ConfigError("id_types[" + i + "]", "repeats the type '" + t + "'");
        }
      }
      ConfigError.required(segments, "segments");
      if (segments.isEmpty()) {
        throw new ConfigError("segments", "must map at least one segment to the partner's code");
      }
      for (Map.Entry<String, String> e : segments.entrySet()) {
        if (e.getValue() == null || !CODE.matcher(e.getValue()).matches()) {
          throw new ConfigError("segments." + e.getKey(), "must be the partner's code (letters, digits, '_', '.', ':', '-'),"
              + " got '" + e.getValue() + "'");
        }
      }
      segments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(segments));
      ConfigError.required(purpose, "purpose");
      if (!PURPOSES.contains(purpose)) {
        throw new ConfigError("purpose", "must be one of " + String.join(", ", PURPOSES) + ", got '" + purpose + "'");
      }
      alsoRequires = List.copyOf(ConfigError.orDefault(alsoRequires, List.of()));
      for (int i = 0; i < alsoRequires.size(); i++) {
        String p = alsoRequires.get(i);
        if (!org.opendmp.common.consent.Consents.PURPOSES.contains(p)) {
          throw new ConfigError("also_requires[" + i + "]", "must be one of " + String.join(", ", org.opendmp.common.consent.Consents.PURPOSES)
              + ", got '" + p + "'");
        }
        if (p.equals(purpose) || alsoRequires.indexOf(p) != i) {
          throw new ConfigError("also_requires[" + i + "]", "repeats the purpose '" + p + "'");
        }
      }
      suppress = List.copyOf(ConfigError.orDefault(suppress, List.of()));
      for (int i = 0; i < suppress.size(); i++) {
        if (segments.containsKey(suppress.get(i))) {
          throw new ConfigError("suppress[" + i + "]", "'" + suppress.get(i) + "' is also a segment sent to the destination");
        }
      }
      Format f = parse(Format.class, ConfigError.required(format, "format"), "format");
      parse(Mode.class, ConfigError.orDefault(mode, "full"), "mode");
      mode = ConfigError.orDefault(mode, "full");
      fileTemplate = ConfigError.orDefault(fileTemplate, "{destination}_{mode}_{date}_{split}" + (f == Format.AAM ? ".txt" : ".csv"));
      splitRows = ConfigError.inRange(ConfigError.orDefault(splitRows, 1_000_000), 1, 100_000_000, "split_rows");
      gzip = ConfigError.orDefault(gzip, false);
      refuseLabels = labels(refuseLabels, "refuse_labels");
      columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ConfigError.orDefault(columns, Map.of())));
      for (Map.Entry<String, String> c : columns.entrySet()) {
        String key = "columns." + c.getKey();
        if (!ID.matcher(c.getKey()).matches() || BASE_COLUMNS.contains(c.getKey()) || CRM_BASE_COLUMNS.contains(c.getKey())) {
          throw new ConfigError(key, "must be a lower snake_case column name other than " + String.join(", ", BASE_COLUMNS)
              + ", " + String.join(", ", CRM_BASE_COLUMNS));
        }
        if (c.getValue() == null || !COLUMN_VALUE.matcher(c.getValue()).matches()) {
          throw new ConfigError(key, "must be profile.<column>, trait.<trait>_<N>d or a quoted constant 'TEXT', got '"
              + c.getValue() + "'");
        }
        String read = c.getValue().startsWith("profile.") ? c.getValue().substring(8) : null;
        if (!pii && (CONTACT_COLUMNS.contains(c.getKey()) || read != null && CONTACT_COLUMNS.contains(read))) {
          throw new ConfigError(key, "would send clear contact data ('" + c.getKey() + ": " + c.getValue() + "'): only a"
              + " destination with pii: true may receive it");
        }
        if (read != null && !PROFILE_COLUMNS.contains(read)) {
          throw new ConfigError(key, "'" + c.getValue().substring(8) + "' is not a column of gold.profiles");
        }
      }
      if (!columns.isEmpty() && f == Format.AAM) {
        throw new ConfigError("columns", "extra columns need format csv or crm");
      }
      if (f == Format.CRM) {
        // the CRM matches its customers by CRM id only: any other identifier would be a record it cannot find
        if (!idTypes.equals(List.of("crm_id"))) {
          throw new ConfigError("id_types", "must be [crm_id] for format crm, got " + idTypes);
        }
        crm = ConfigError.orDefault(crm, new Crm(null, null, null));
        for (String c : crm.columns()) {
          if (columns.containsKey(c)) {
            throw new ConfigError("columns." + c, "is a column format crm already writes");
          }
        }
      } else if (crm != null) {
        throw new ConfigError("crm", "needs format crm");
      }
      identity = ConfigError.orDefault(identity, "deterministic");
      parse(Identity.class, identity, "identity");
      if (target != null && target.isBlank()) {
        throw new ConfigError("target", "must not be blank (leave it out for export_root)");
      }
      try {
        new DeliverySpec(id, mode, LocalDate.of(2000, 1, 1), fileTemplate, splitRows, gzip, null).fileName(1);
      } catch (DmpException e) {
        throw new ConfigError("file_template", e.getMessage().replaceFirst("^Cannot [^:]*: ", ""));
      }
    }

    public Format formatKind() {
      return Format.valueOf(format.toUpperCase(java.util.Locale.ROOT));
    }

    /** Whether only deterministically tied identifiers may be sent. */
    public boolean deterministicOnly() {
      return identity.equals("deterministic");
    }

    public Mode modeKind() {
      return Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
    }

    /** The values each line carries after its codes: the extra columns, then (format crm) the CRM's. */
    public List<String> extraColumns() {
      List<String> out = new ArrayList<>(columns.keySet());
      if (crm != null) {
        out.addAll(crm.columns());
      }
      return out;
    }

    /** The delivery's spec for a night. */
    public DeliverySpec spec(LocalDate date) {
      List<String> header = new ArrayList<>(formatKind() == Format.CRM ? CRM_BASE_COLUMNS : BASE_COLUMNS);
      header.addAll(extraColumns());
      return new DeliverySpec(id, mode, date, fileTemplate, splitRows, gzip,
          formatKind() == Format.AAM ? null : String.join(",", header));
    }

    /** The root the delivery goes under ({@code <root>/<id>/dt=D/}). */
    public String targetRoot(String exportRoot) {
      if (target == null) {
        return exportRoot;
      }
      if (target.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") || target.startsWith("/")) {
        return target;
      }
      return exportRoot.replaceAll("/+$", "") + "/" + target;
    }
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value, String key) {
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(java.util.Locale.ROOT).equals(value)) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(java.util.Locale.ROOT));
    }
    throw new ConfigError(key, "must be one of " + String.join(", ", names) + ", got '" + value + "'");
  }

  /** The destination of that id, or null. */
  public Destination destination(String id) {
    return destinations.stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
  }

  // ---- loading ----

  static final List<String> TOP_KEYS = List.of("destinations", "pressure", "source_labels");
  static final List<String> PRESSURE_KEYS = List.of("max_contacts_7d", "priority");
  static final List<String> CRM_KEYS = List.of("max_pages", "scores", "window_days");
  static final List<String> DESTINATION_KEYS = List.of("also_requires", "columns", "crm", "fallback_for", "file_template", "format", "gzip", "id",
      "id_types", "identity", "mode", "partner", "pii", "purpose", "refuse_labels", "segments", "split_rows", "suppress", "target");

  /** conf/destinations.yaml of the env, checked against the env's conf/segments.yaml. */
  public static DestinationsConfig load(EnvConfig env) {
    Path segmentsFile = env.conf("segments.yaml");
    Path file = env.conf("destinations.yaml");
    DestinationsConfig conf = load(file, segmentsFile, segmentIds(segmentsFile));
    requireTraits(conf, file, org.opendmp.jobs.profile.TraitsConfig.load(env.conf("traits.yaml")).keys().keySet());
    return conf;
  }

  /**
   * A {@code trait.<key>} extra column must name a key conf/traits.yaml publishes: an unknown one would send empty
   * fields to the partner every night.
   */
  static void requireTraits(DestinationsConfig conf, Path file, Set<String> traitKeys) {
    YamlPositions positions = YamlPositions.of(file);
    for (int i = 0; i < conf.destinations().size(); i++) {
      for (Map.Entry<String, String> c : conf.destinations().get(i).columns().entrySet()) {
        String trait = c.getValue().startsWith("trait.") ? c.getValue().substring(6) : null;
        if (trait != null && !traitKeys.contains(trait)) {
          String key = "destinations[" + i + "].columns." + c.getKey();
          YamlPositions.Position p = positions.of(key);
          throw new DmpException("Cannot load config: key '" + key + "' reads trait '" + trait
              + "', which conf/traits.yaml does not publish (file " + file + (p == null ? "" : ", " + p) + ")");
        }
      }
    }
  }

  /** As {@link #load(Path, Path, Set, Map)}, with the rules of {@code segmentsFile}. */
  public static DestinationsConfig load(Path file, Path segmentsFile, Set<String> knownSegments) {
    return load(file, segmentsFile, knownSegments, SegmentSources.rules(segmentsFile));
  }

  /** The segment ids a segments file defines ({@code segments[].id}), without compiling its rules. */
  static Set<String> segmentIds(Path segmentsFile) {
    Set<String> ids = new TreeSet<>();
    JsonNode list = Yaml.readTree(segmentsFile).get("segments");
    if (list != null && list.isArray()) {
      list.forEach(s -> {
        if (s.hasNonNull("id")) {
          ids.add(s.get("id").asText());
        }
      });
    }
    return ids;
  }

  /**
   * Loads and checks the file. Any problem is one line naming the file, line and column, and the key:
   * {@code Cannot load config: key 'destinations[1].purpose' must be one of ... (file conf/destinations.yaml, line 9,
   * column 5)}; a segment {@code segmentsFile} does not define names both files; a mapped segment fed by a source
   * whose label the destination refuses (following {@code rules}: segment id -> rule) names the destination, the
   * segment, the source and the label.
   */
  public static DestinationsConfig load(Path file, Path segmentsFile, Set<String> knownSegments, Map<String, String> rules) {
    JsonNode tree = Yaml.readTree(file);
    YamlPositions positions = YamlPositions.of(file);
    unknownKeys(tree, "", TOP_KEYS, file, positions);
    if (tree.get("pressure") != null && tree.get("pressure").isObject()) {
      unknownKeys(tree.get("pressure"), "pressure.", PRESSURE_KEYS, file, positions);
    }
    JsonNode list = tree.get("destinations");
    if (list != null && list.isArray()) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).isObject()) {
          unknownKeys(list.get(i), "destinations[" + i + "].", DESTINATION_KEYS, file, positions);
          if (list.get(i).get("crm") != null && list.get(i).get("crm").isObject()) {
            unknownKeys(list.get(i).get("crm"), "destinations[" + i + "].crm.", CRM_KEYS, file, positions);
          }
        }
      }
    }
    String marker = "\u0001where\u0001";
    DestinationsConfig conf;
    try {
      conf = Yaml.convert(tree, DestinationsConfig.class, marker);
    } catch (DmpException e) {
      YamlPositions.Position p = positions.of(YamlPositions.pathOf(e.getCause()));
      String where = "file " + file + (p == null ? "" : ", " + p);
      throw new DmpException(e.getMessage().replace(marker, where), e.getCause());
    }
    for (int i = 0; i < conf.destinations().size(); i++) {
      Destination d = conf.destinations().get(i);
      List<String> named = new ArrayList<>(d.segments().keySet());
      for (String s : named) {
        unknownSegment(s, "destinations[" + i + "].segments." + s, file, segmentsFile, knownSegments, positions);
      }
      for (int j = 0; j < d.suppress().size(); j++) {
        unknownSegment(d.suppress().get(j), "destinations[" + i + "].suppress[" + j + "]", file, segmentsFile, knownSegments,
            positions);
      }
      for (String s : named) {
        refusedLabel(conf, d, s, "destinations[" + i + "].segments." + s, file, segmentsFile, rules, positions);
      }
    }
    return conf;
  }

  /** A mapped segment fed by a source carrying a label the destination refuses is a load error. */
  private static void refusedLabel(DestinationsConfig conf, Destination d, String segment, String key, Path file,
      Path segmentsFile, Map<String, String> rules, YamlPositions positions) {
    if (d.refuseLabels().isEmpty()) {
      return;
    }
    for (Map.Entry<String, String> source : SegmentSources.of(segment, rules).entrySet()) {
      for (String label : conf.sourceLabels().getOrDefault(source.getKey(), List.of())) {
        if (d.refuseLabels().contains(label)) {
          YamlPositions.Position p = positions.of(key);
          throw new DmpException("Cannot load config: destination '" + d.id() + "' maps segment '" + segment
              + "', fed by source '" + source.getKey() + "' (read by " + source.getValue() + " in " + segmentsFile + ") labelled '"
              + label + "', a label the destination refuses (key '" + key + "', file " + file
              + (p == null ? "" : ", " + p) + ")");
        }
      }
    }
  }

  private static void unknownSegment(
      String segment, String key, Path file, Path segmentsFile, Set<String> known, YamlPositions positions) {
    if (!known.contains(segment)) {
      YamlPositions.Position p = positions.of(key);
      throw new DmpException("Cannot load config: key '" + key + "' names segment '" + segment + "', which "
          + segmentsFile + " does not define (file " + file + (p == null ? "" : ", " + p) + "; known segments: "
          + String.join(", ", new TreeSet<>(known)) + ")");
    }
  }

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
