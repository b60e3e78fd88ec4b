package org.opendmp.jobs.lookalike;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.Yaml;
import org.opendmp.jobs.profile.TraitsConfig;
import org.opendmp.jobs.profile.TraitsConfig.Output;
import org.opendmp.jobs.profile.YamlPositions;
import org.opendmp.jobs.segment.Ast;
import org.opendmp.jobs.segment.KnownNames;
import org.opendmp.jobs.segment.RuleCompiler;
import org.opendmp.jobs.segment.RuleError;
import org.opendmp.jobs.segment.RuleParser;
import org.opendmp.jobs.segment.SegmentsConfig;
import org.opendmp.jobs.segment.ValueType;

/**
 * conf/lookalike.yaml: the look-alike models trained and scored every night into gold.lookalike_scores (README
 * "Look-alike models"). Checked when loaded against conf/traits.yaml (trait features) and conf/segments.yaml (seed
 * segments), with the governance rules: a source labelled {@code no_modelling} cannot feed a model, and a model
 * cannot be seeded on a segment that is itself (directly or through other segments) a look-alike audience.
 *
 * @param sources the labels of each feature source
 * @param models the models, ids unique
 */
public record LookalikeConfig(Sources sources, List<Model> models) {
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

  /** The feature sources a model may read, in the order their features are assembled. */
  public static final List<String> SOURCES = List.of("traits", "scores", "profile", "partner_segments");

  /** The labels a source may carry; {@code no_modelling}: its data may not feed a model (consent, contract). */
  public static final Set<String> LABELS = Set.of("no_modelling");

  public LookalikeConfig {
    sources = ConfigError.orDefault(sources, new Sources(null, null, null, null));
    models = List.copyOf(ConfigError.orDefault(models, List.of()));
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < models.size(); i++) {
      if (!ids.add(models.get(i).id())) {
        throw new ConfigError("models[" + i + "].id", "'" + models.get(i).id() + "' is declared twice");
      }
    }
  }

  /**
   * Labels per feature source (lists of {@link #LABELS}, empty by default).
   *
   * @param traits gold.traits numbers of the night
   * @param scores gold.scores of the night
   * @param profile numeric and boolean gold.profiles attributes
   * @param partnerSegments gold.profiles partner_segments codes (2nd/3rd-party data)
   */
  public record Sources(List<String> traits, List<String> scores, List<String> profile, List<String> partnerSegments) {
    public Sources {
      traits = labels(traits, "traits");
      scores = labels(scores, "scores");
      profile = labels(profile, "profile");
      partnerSegments = labels(partnerSegments, "partner_segments");
    }

    /** The labels of a source of {@link #SOURCES}. */
    public List<String> of(String source) {
      return switch (source) {
        case "traits" -> traits;
        case "scores" -> scores;
        case "profile" -> profile;
        default -> partnerSegments;
      };
    }

    private static List<String> labels(List<String> labels, String key) {
      List<String> out = List.copyOf(ConfigError.orDefault(labels, List.of()));
      for (int i = 0; i < out.size(); i++) {
        if (!LABELS.contains(out.get(i))) {
          throw new ConfigError(key + "[" + i + "]", "is not a known label: '" + out.get(i) + "' (known: " + new TreeSet<>(LABELS) + ")");
        }
      }
      return out;
    }
  }

  /** Who is scored (and sampled as the seed's counterpart). */
  public enum Population {
    /** persons of the night's gold.profiles active within the lookback and not CRM customers */
    PROSPECTS,
    /** every person of the night's gold.profiles active within the lookback */
    ACTIVE
  }

  /** The MLlib classifier. */
  public enum Algorithm {
    LOGISTIC_REGRESSION,
    GBT
  }

  /**
   * One look-alike model.
   *
   * @param id lower snake_case, unique: model_id of gold.lookalike_scores, {@code lookalike.<id>} in segment rules
   * @param description what it is for
   * @param seedSegment a segment of conf/segments.yaml: its members on the latest night of gold.segment_membership
   *     before the run date are the seed (segments run after lookalike)
   * @param population {@code prospects} or {@code active}
   * @param lookbackDays a person is eligible when their last activity is within this many nights (1..366, 90)
   * @param features feature sources of {@link #SOURCES} (at least one)
   * @param excludeFeatures features left out: {@code trait.<key>}, {@code score.<name>}, {@code profile.<attribute>},
   *     {@code partner.<code>}
   * @param algorithm {@code logistic_regression} (default) or {@code gbt}
   * @param minSeedSize below this many seed members the model is skipped for the night (default 100)
   * @param excludeSeed seed members get no score (default true)
   * @param reachTargets audience sizes whose percentile cut and recall the report gives (e.g. 10000)
   * @param holdoutShare share of the seed held out of training to measure the model (0.05..0.5, default 0.2)
   * @param negativesPerSeed population persons sampled per training seed member (0.5..100, default 5)
   * @param randomSeed the seed of every sampling and of the classifier (default 42)
   * @param maxIter solver iterations or trees (1..1000, default 50)
   * @param regParam L2 regularisation of the logistic regression (0..100, default 0.01)
   */
  public record Model(
      String id,
      String description,
      String seedSegment,
      String population,
      Integer lookbackDays,
      List<String> features,
      List<String> excludeFeatures,
      String algorithm,
      Integer minSeedSize,
      Boolean excludeSeed,
      List<Long> reachTargets,
      Double holdoutShare,
      Double negativesPerSeed,
      Long randomSeed,
      Integer maxIter,
      Double regParam) {
    public Model {
      ConfigError.required(id, "id");
      if (!NAME.matcher(id).matches() || id.length() > 60) {
        throw new ConfigError("id", "must be lower snake_case (a-z, 0-9, single _, at most 60 characters), got '" + id + "'");
      }
      description = ConfigError.orDefault(description, "");
      ConfigError.required(seedSegment, "seed_segment");
      population = ConfigError.orDefault(population, "prospects");
      choice(population, Population.values(), "population");
      lookbackDays = ConfigError.inRange(ConfigError.orDefault(lookbackDays, 90), 1, 366, "lookback_days");
      features = List.copyOf(ConfigError.required(features, "features"));
      if (features.isEmpty()) {
        throw new ConfigError("features", "must list at least one source (" + String.join(", ", SOURCES) + ")");
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < features.size(); i++) {
        if (!SOURCES.contains(features.get(i))) {
          throw new ConfigError("features[" + i + "]", "is not a feature source: '" + features.get(i) + "' (known: " + String.join(", ", SOURCES) + ")");
        }
        if (!seen.add(features.get(i))) {
          throw new ConfigError("features[" + i + "]", "repeats '" + features.get(i) + "'");
        }
      }
      excludeFeatures = List.copyOf(ConfigError.orDefault(excludeFeatures, List.of()));
      algorithm = ConfigError.orDefault(algorithm, "logistic_regression");
      choice(algorithm, Algorithm.values(), "algorithm");
      minSeedSize = ConfigError.inRange(ConfigError.orDefault(minSeedSize, 100), 2, Integer.MAX_VALUE, "min_seed_size");
      excludeSeed = ConfigError.orDefault(excludeSeed, true);
      reachTargets = List.copyOf(ConfigError.orDefault(reachTargets, List.of()));
      for (int i = 0; i < reachTargets.size(); i++) {
        if (reachTargets.get(i) == null || reachTargets.get(i) < 1) {
          throw new ConfigError("reach_targets[" + i + "]", "must be a number of persons of at least 1, got " + reachTargets.get(i));
        }
      }
      holdoutShare = ConfigError.inRange(ConfigError.orDefault(holdoutShare, 0.2), 0.05, 0.5, "holdout_share");
      negativesPerSeed = ConfigError.inRange(ConfigError.orDefault(negativesPerSeed, 5.0), 0.5, 100.0, "negatives_per_seed");
      randomSeed = ConfigError.orDefault(randomSeed, 42L);
      maxIter = ConfigError.inRange(ConfigError.orDefault(maxIter, 50), 1, 1000, "max_iter");
      regParam = ConfigError.inRange(ConfigError.orDefault(regParam, 0.01), 0.0, 100.0, "reg_param");
    }

    public Population populationKind() {
      return Population.valueOf(population.toUpperCase(Locale.ROOT));
    }

    public Algorithm algorithmKind() {
      return Algorithm.valueOf(algorithm.toUpperCase(Locale.ROOT));
    }

    /** The name of the model in gold.model_reports. */
    public String reportName() {
      return "lookalike." + id;
    }

    private static void choice(String value, Enum<?>[] values, String key) {
      List<String> names = java.util.Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
      if (!names.contains(value)) {
        throw new ConfigError(key, "must be one of " + String.join(", ", names) + ", got '" + value + "'");
      }
    }
  }

  // ---- features ----

  /**
   * The features of a model known at load, in assembly order: {@code trait.<key>} (number traits of
   * conf/traits.yaml), {@code score.<name>}, {@code profile.<attribute>} (number and boolean attributes), minus the
   * excluded ones. Partner codes ({@code partner.<code>}) are added by the job from the night's data.
   */
  public static List<String> knownFeatures(Model m, TraitsConfig traits) {
    List<String> out = new ArrayList<>();
    for (String source : m.features()) {
      out.addAll(featuresOf(source, traits));
    }
    out.removeIf(f -> m.excludeFeatures().stream().anyMatch(x -> excludes(x, f)));
    return out;
  }

  /** Whether an exclusion leaves the feature out: the feature itself, or {@code trait.<name>} for its windows. */
  static boolean excludes(String exclusion, String feature) {
    return feature.equals(exclusion) || exclusion.startsWith("trait.") && feature.matches(Pattern.quote(exclusion) + "_[0-9]+d");
  }

  /** Every feature a source offers at load (none for partner_segments: codes come with the data). */
  static List<String> featuresOf(String source, TraitsConfig traits) {
    return switch (source) {
      case "traits" -> new TreeMap<>(traits.keys()).entrySet().stream().filter(e -> e.getValue() == Output.NUMBER)
          .map(e -> "trait." + e.getKey()).toList();
      case "scores" -> KnownNames.scores().keySet().stream().sorted().map(s -> "score." + s).toList();
      case "profile" -> KnownNames.profile().entrySet().stream()
          .filter(e -> e.getValue() == ValueType.NUMBER || e.getValue() == ValueType.BOOLEAN).map(e -> "profile." + e.getKey()).sorted().toList();
      default -> List.of();
    };
  }

  // ---- loading ----

  /**
   * Loads and checks the file. Any problem is one line naming the file, the line and column and the key: {@code
   * Cannot load config: key 'models[0].seed_segment' names 'x', which is not a segment of conf/segments.yaml (file
   * conf/lookalike.yaml, line 12, column 19)}.
   */
  public static LookalikeConfig load(Path file, TraitsConfig traits, SegmentsConfig segments) {
    JsonNode tree = Yaml.readTree(file);
    YamlPositions positions = YamlPositions.of(file);
    positions.refuseUnknownKeys(tree, LookalikeConfig.class, "", file);
    String marker = "\u0001where\u0001";
    LookalikeConfig conf;
    try {
      conf = Yaml.convert(tree, LookalikeConfig.class, marker);
    } catch (DmpException e) {
      throw new DmpException(e.getMessage().replace(marker, positions.location(file, YamlPositions.pathOf(e.getCause()))), e.getCause());
    }
    conf.check(traits, segments, file, positions);
    return conf;
  }

  private void check(TraitsConfig traits, SegmentsConfig segments, Path file, YamlPositions positions) {
    Map<String, String> rules = new TreeMap<>();
    segments.segments().forEach(s -> rules.put(s.id(), s.rule()));
    for (int i = 0; i < models.size(); i++) {
      Model m = models.get(i);
      String at = "models[" + i + "]";
      if (!rules.containsKey(m.seedSegment())) {
        throw error(at + ".seed_segment", "names '" + m.seedSegment() + "', which is not a segment of conf/segments.yaml"
            + RuleCompiler.suggest(m.seedSegment(), rules.keySet()), file, positions);
      }
      String lookalike = lookalikeRef(m.seedSegment(), rules, new HashSet<>());
      if (lookalike != null) {
        throw error(at + ".seed_segment", "names '" + m.seedSegment() + "', a look-alike audience (its rule reads " + lookalike
            + ", directly or through the segments it names): a model may not be seeded on another model's output (governance)", file, positions);
      }
      for (int j = 0; j < m.features().size(); j++) {
        String source = m.features().get(j);
        if (sources.of(source).contains("no_modelling")) {
          throw error(at + ".features[" + j + "]", "names source '" + source + "', labelled no_modelling in sources." + source
              + ": its data may not feed a model (governance)", file, positions);
        }
      }
      for (int j = 0; j < m.excludeFeatures().size(); j++) {
        String f = m.excludeFeatures().get(j);
        boolean partner = f.startsWith("partner.") && f.length() > "partner.".length();
        Set<String> offered = new TreeSet<>();
        m.features().forEach(s -> offered.addAll(featuresOf(s, traits)));
        if (partner ? !m.features().contains("partner_segments") : offered.stream().noneMatch(o -> excludes(f, o))) {
          throw error(at + ".exclude_features[" + j + "]", "names '" + f + "', which is not a feature of the sources " + m.features()
              + RuleCompiler.suggest(f, offered) + " (features are trait.<key>, score.<name>, profile.<attribute>, partner.<code>)",
              file, positions);
        }
      }
      if (knownFeatures(m, traits).isEmpty() && !m.features().contains("partner_segments")) {
        throw error(at + ".exclude_features", "leaves model '" + m.id() + "' without any feature", file, positions);
      }
    }
  }

  /**
   * The first {@code lookalike.<id>...} reference of the segment's rule, or of a segment it refers to, else null.
   * Rules that do not parse are left to the segments job's own check.
   */
  static String lookalikeRef(String segment, Map<String, String> rules, Set<String> visited) {
    if (!visited.add(segment) || !rules.containsKey(segment)) {
      return null;
    }
    List<Ast.Ref> refs = new ArrayList<>();
    try {
      refs(RuleParser.parse(rules.get(segment)), refs);
    } catch (RuleError e) {
      return null;
    }
    for (Ast.Ref r : refs) {
      if (r.kind() == Ast.RefKind.LOOKALIKE) {
        return r.text();
      }
    }
    for (Ast.Ref r : refs) {
      if (r.kind() == Ast.RefKind.SEGMENT) {
        String found = lookalikeRef(r.name(), rules, visited);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static void refs(Ast.Expr e, List<Ast.Ref> out) {
    if (e instanceof Ast.And a) {
      a.terms().forEach(t -> refs(t, out));
    } else if (e instanceof Ast.Or o) {
      o.terms().forEach(t -> refs(t, out));
    } else if (e instanceof Ast.Not n) {
      refs(n.term(), out);
    } else if (e instanceof Ast.Compare c) {
      out.add(c.ref());
    } else if (e instanceof Ast.InList in) {
      out.add(in.ref());
    } else if (e instanceof Ast.IsNull n) {
      out.add(n.ref());
    } else if (e instanceof Ast.BoolRef b) {
      out.add(b.ref());
    }
  }

  private static DmpException error(String path, String problem, Path file, YamlPositions positions) {
    return new DmpException("Cannot load config: key '" + path + "' " + problem + " (" + positions.location(file, path) + ")");
  }

}
