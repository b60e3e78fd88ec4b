package org.opendmp.jobs.score;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.opendmp.jobs.segment.Catalog;
import org.opendmp.jobs.segment.KnownNames;
import org.opendmp.jobs.segment.RuleCompiler;
import org.opendmp.jobs.segment.RuleCompiler.CompiledRule;
import org.opendmp.jobs.segment.RuleError;
import org.opendmp.jobs.segment.RuleParser;
import org.opendmp.jobs.segment.ValueType;

/**
 * conf/scores.yaml: the scores computed per person every night into gold.scores (README "Scores"). Every value is
 * read from gold.traits of the night (keys {@code <trait>_<N>d} of conf/traits.yaml), so {@link #load} checks
 * the names against the traits config too; plan conditions are rules of the segment language.
 *
 * @param rfm the three RFM quintiles
 * @param plans additive rule plans (condition -> points), each published as a score of its name
 * @param pressure marketing pressure: contacts per person over 7 and 30 nights
 * @param propensity the propensity-to-purchase model
 */
public record ScoresConfig(Rfm rfm, List<Plan> plans, Pressure pressure, Propensity propensity) {
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

  /** The scores the job publishes itself: a plan may not take one of these names. */
  public static final List<String> BUILT_IN = List.of("rfm_recency", "rfm_frequency", "rfm_monetary", "propensity",
      "propensity_percentile", "pressure_7d", "pressure_30d");

  /** The windows of pressure_7d and pressure_30d (the names segment rules and activation's caps use). */
  public static final List<Integer> PRESSURE_WINDOWS = List.of(7, 30);

  public ScoresConfig {
    ConfigError.required(rfm, "rfm");
    ConfigError.required(pressure, "pressure");
    ConfigError.required(propensity, "propensity");
    plans = List.copyOf(ConfigError.orDefault(plans, List.of()));
    Map<String, Integer> first = new LinkedHashMap<>();
    for (int i = 0; i < plans.size(); i++) {
      String name = plans.get(i).name();
      if (BUILT_IN.contains(name)) {
        throw new ConfigError("plans[" + i + "].name", "'" + name + "' is a score the job computes itself (" + String.join(", ", BUILT_IN) + ")");
      }
      Integer before = first.putIfAbsent(name, i);
      if (before != null) {
        throw new ConfigError("plans[" + i + "].name", "'" + name + "' is declared twice (first as plans[" + before + "])");
      }
    }
  }

  /**
   * RFM: quintiles 1..5 (5 = best) among the persons with a purchase in the window (frequency above 0); persons
   * without one get no RFM rows.
   *
   * @param recency a number trait: days since the last purchase (fewer is better)
   * @param frequency number traits summed: purchases (more is better)
   * @param monetary number traits summed: spend (more is better)
   */
  public record Rfm(String recency, List<String> frequency, List<String> monetary) {
    public Rfm {
      ConfigError.required(recency, "recency");
      frequency = keys(frequency, "frequency");
      monetary = keys(monetary, "monetary");
    }
  }

  /**
   * An additive plan: a person's score is the sum of the points of the rules that hold for them (0 when none).
   *
   * @param name lower snake_case, unique, not a built-in score: {@code score.<name>} in segment rules
   * @param description what it measures (optional)
   * @param rules at least one
   */
  public record Plan(String name, String description, List<Rule> rules) {
    public Plan {
      ConfigError.required(name, "name");
      if (!NAME.matcher(name).matches() || name.length() > 60) {
        throw new ConfigError("name", "must be lower snake_case (a-z, 0-9, single _, at most 60 characters), got '" + name + "'");
      }
      rules = List.copyOf(ConfigError.required(rules, "rules"));
      if (rules.isEmpty()) {
        throw new ConfigError("rules", "must list at least one rule ({when: <condition>, points: N})");
      }
    }
  }

  /**
   * One rule of a plan.
   *
   * @param when a condition of the segment language over {@code trait.<key>} and {@code profile.<attribute>}
   * @param points added when it holds (may be negative)
   */
  public record Rule(String when, Double points) {
    public Rule {
      ConfigError.required(when, "when");
      if (when.isBlank()) {
        throw new ConfigError("when", "is empty");
      }
      ConfigError.required(points, "points");
      if (points.isNaN() || points.isInfinite()) {
        throw new ConfigError("points", "must be a finite number, got " + points);
      }
    }
  }

  /**
   * Marketing pressure: {@code pressure_<N>d} is the sum over the contact traits of {@code <trait>_<N>d}, N in
   * {@link #PRESSURE_WINDOWS}.
   *
   * @param contacts count traits of conf/traits.yaml, each with 7- and 30-night windows (catalog mailings,
   *     call-center appointments; activation exports once they are logged)
   */
  public record Pressure(List<String> contacts) {
    public Pressure {
      contacts = keys(contacts, "contacts");
    }
  }

  /**
   * The propensity-to-purchase model: a logistic regression of "a purchase within {@code horizon_days} nights"
   * on the traits of a night. Feature nights are the {@code history_days} nights ending {@code horizon_days}
   * before the run date (the last ones whose label is known); the last {@code test_days} are the test split,
   * the training split ends {@code horizon_days} nights before the test split starts (no label window is
   * shared).
   *
   * @param horizonDays H: the label is read on the night feature night + H (1..90, default 7)
   * @param label number traits of H-night windows ({@code <name>_<H>d}) summed on the night feature night + H;
   *     positive when above 0
   * @param features number traits, each entering as log(1 + max(value, 0)), absent = 0
   * @param historyDays feature nights read when training (default 60; at least test_days + horizon_days)
   * @param testDays most recent labelled feature nights held out to measure AUC and calibration (default 7)
   * @param minPositives training is refused below this many positive examples in the training split (default 100)
   * @param retrainEveryDays a model is trained when the latest one before the run date is at least this many
   *     nights old, or there is none (1 = every night; default 7)
   * @param maxIter iterations of the solver (default 100)
   * @param regParam L2 regularisation (default 0.01)
   */
  public record Propensity(
      Integer horizonDays,
      List<String> label,
      List<String> features,
      Integer historyDays,
      Integer testDays,
      Integer minPositives,
      Integer retrainEveryDays,
      Integer maxIter,
      Double regParam) {
    public Propensity {
      horizonDays = ConfigError.inRange(ConfigError.orDefault(horizonDays, 7), 1, 90, "horizon_days");
      label = keys(label, "label");
      for (int i = 0; i < label.size(); i++) {
        if (!label.get(i).endsWith("_" + horizonDays + "d")) {
          throw new ConfigError("label[" + i + "]", "must be a trait of the horizon's window (<name>_" + horizonDays
              + "d: purchases in the " + horizonDays + " nights after the feature night), got '" + label.get(i) + "'");
        }
      }
      features = keys(features, "features");
      historyDays = ConfigError.inRange(ConfigError.orDefault(historyDays, 60), 2, 366, "history_days");
      testDays = ConfigError.inRange(ConfigError.orDefault(testDays, 7), 1, 366, "test_days");
      if (historyDays < testDays + horizonDays) {
        throw new ConfigError("history_days", "must be at least test_days + horizon_days (" + (testDays + horizonDays)
            + ") so that a training night remains, got " + historyDays);
      }
      minPositives = ConfigError.inRange(ConfigError.orDefault(minPositives, 100), 1, Integer.MAX_VALUE, "min_positives");
      retrainEveryDays = ConfigError.inRange(ConfigError.orDefault(retrainEveryDays, 7), 1, 366, "retrain_every_days");
      maxIter = ConfigError.inRange(ConfigError.orDefault(maxIter, 100), 1, 10_000, "max_iter");
      regParam = ConfigError.inRange(ConfigError.orDefault(regParam, 0.01), 0.0, 100.0, "reg_param");
    }
  }

  /** A plan ready for Spark: each rule's condition as a boolean SQL expression over the input frame. */
  public record CompiledPlan(String name, List<String> conditions, List<Double> points, Set<String> columns) {}

  private static List<String> keys(List<String> keys, String key) {
    ConfigError.required(keys, key);
    if (keys.isEmpty()) {
      throw new ConfigError(key, "must list at least one trait");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i) == null || keys.get(i).isBlank()) {
        throw new ConfigError(key + "[" + i + "]", "is empty");
      }
      if (!seen.add(keys.get(i))) {
        throw new ConfigError(key + "[" + i + "]", "repeats '" + keys.get(i) + "'");
      }
    }
    return List.copyOf(keys);
  }

  // ---- what the job reads ----

  /** The gold.traits keys the input frame needs (RFM, pressure, plan conditions) with the map each is in. */
  public Map<String, Output> inputKeys(Map<String, Output> traitKeys) {
    Set<String> wanted = new TreeSet<>();
    wanted.add(rfm.recency());
    wanted.addAll(rfm.frequency());
    wanted.addAll(rfm.monetary());
    pressure.contacts().forEach(c -> PRESSURE_WINDOWS.forEach(w -> wanted.add(c + "_" + w + "d")));
    for (CompiledPlan p : compiledPlans(traitKeys)) {
      p.columns().stream().filter(c -> c.startsWith(ScoreFrames.TRAIT)).forEach(c -> wanted.add(c.substring(ScoreFrames.TRAIT.length())));
    }
    Map<String, Output> out = new TreeMap<>();
    wanted.forEach(k -> out.put(k, traitKeys.get(k)));
    return out;
  }

  /** The gold.profiles attributes plan conditions read (none: gold.profiles is not read). */
  public Set<String> profileAttributes(Map<String, Output> traitKeys) {
    Set<String> out = new TreeSet<>();
    for (CompiledPlan p : compiledPlans(traitKeys)) {
      p.columns().stream().filter(c -> c.startsWith(ScoreFrames.PROFILE)).forEach(c -> out.add(c.substring(ScoreFrames.PROFILE.length())));
    }
    return out;
  }

  /** Every plan compiled; {@link #load} has checked that this succeeds. */
  public List<CompiledPlan> compiledPlans(Map<String, Output> traitKeys) {
    Catalog catalog = catalog(traitKeys);
    List<CompiledPlan> out = new ArrayList<>();
    for (Plan p : plans) {
      List<String> sql = new ArrayList<>();
      Set<String> columns = new TreeSet<>();
      for (Rule r : p.rules()) {
        CompiledRule c = compile(r.when(), catalog);
        sql.add(c.sql());
        columns.addAll(c.columns().keySet());
      }
      out.add(new CompiledPlan(p.name(), List.copyOf(sql), p.rules().stream().map(Rule::points).toList(), Set.copyOf(columns)));
    }
    return out;
  }

  /**
   * What plan conditions may name: every key of conf/traits.yaml with its type, the gold.profiles attributes of
   * {@link KnownNames#profile()}; no scores (plans run alongside them), partner data, segments or event counts.
   */
  public static Catalog catalog(Map<String, Output> traitKeys) {
    Map<String, ValueType> traits = new TreeMap<>();
    traitKeys.forEach((k, o) -> traits.put(k, switch (o) {
      case NUMBER -> ValueType.NUMBER;
      case TEXT -> ValueType.TEXT;
      case TIME -> ValueType.TIMESTAMP;
    }));
    return new Catalog(traits, Map.of(), KnownNames.profile(), Set.of(), Set.of(), KnownNames.eventTypes(), KnownNames.eventFields());
  }

  /** One condition parsed and compiled; what the scores job's input frame cannot hold is refused. */
  static CompiledRule compile(String when, Catalog catalog) {
    Ast.Expr rule = RuleParser.parse(when);
    refuseUnavailable(rule);
    return RuleCompiler.compile(rule, catalog, Set.of(), "", TraitsConfig.MAX_WINDOW);
  }

  /** Event counts and partner codes need inputs the scores job does not read: refused where they are written. */
  private static void refuseUnavailable(Ast.Expr e) {
    if (e instanceof Ast.And a) {
      a.terms().forEach(ScoresConfig::refuseUnavailable);
    } else if (e instanceof Ast.Or o) {
      o.terms().forEach(ScoresConfig::refuseUnavailable);
    } else if (e instanceof Ast.Not n) {
      refuseUnavailable(n.term());
    } else if (e instanceof Ast.EventCount c) {
      throw new RuleError("count(...) is not available in score plans (they read gold.traits, not daily event counts): use a"
          + " count trait such as trait.cart_adds_7d", c.pos());
    } else if (e instanceof Ast.PartnerCode p) {
      throw new RuleError("has_partner_segment(...) is not available in score plans (they read gold.traits and gold.profiles)", p.pos());
    }
  }

  // ---- loading ----

  /**
   * Loads and checks the file against the traits config. Any problem is one line naming the file, the line and
   * column, and the key as a path: {@code Cannot load config: key 'plans[0].rules[2].when' of plan 'engagement'
   * does not compile: unknown trait 'x' at column 7 of the condition (file conf/scores.yaml, line 31, column 9)}.
   */
  public static ScoresConfig load(Path file, TraitsConfig traits) {
    JsonNode tree = Yaml.readTree(file);
    YamlPositions positions = YamlPositions.of(file);
    positions.refuseUnknownKeys(tree, ScoresConfig.class, "", file);
    String marker = "\u0001where\u0001";
    ScoresConfig conf;
    try {
      conf = Yaml.convert(tree, ScoresConfig.class, marker);
    } catch (DmpException e) {
      throw new DmpException(e.getMessage().replace(marker, positions.location(file, YamlPositions.pathOf(e.getCause()))), e.getCause());
    }
    conf.check(traits.keys(), file, positions);
    return conf;
  }

  /** Every trait name resolved against conf/traits.yaml and every plan condition compiled. */
  private void check(Map<String, Output> traitKeys, Path file, YamlPositions positions) {
    numberTrait(rfm.recency(), "rfm.recency", traitKeys, file, positions);
    for (int i = 0; i < rfm.frequency().size(); i++) {
      numberTrait(rfm.frequency().get(i), "rfm.frequency[" + i + "]", traitKeys, file, positions);
    }
    for (int i = 0; i < rfm.monetary().size(); i++) {
      numberTrait(rfm.monetary().get(i), "rfm.monetary[" + i + "]", traitKeys, file, positions);
    }
    for (int i = 0; i < pressure.contacts().size(); i++) {
      for (int w : PRESSURE_WINDOWS) {
        String key = pressure.contacts().get(i) + "_" + w + "d";
        if (traitKeys.get(key) != Output.NUMBER) {
          throw error("pressure.contacts[" + i + "]", "names '" + pressure.contacts().get(i) + "', which has no " + w
              + "-night window in conf/traits.yaml (" + key + "; contacts need windows " + PRESSURE_WINDOWS + ")", file, positions);
        }
      }
    }
    for (int i = 0; i < propensity.label().size(); i++) {
      numberTrait(propensity.label().get(i), "propensity.label[" + i + "]", traitKeys, file, positions);
    }
    for (int i = 0; i < propensity.features().size(); i++) {
      numberTrait(propensity.features().get(i), "propensity.features[" + i + "]", traitKeys, file, positions);
    }
    Catalog catalog = catalog(traitKeys);
    for (int i = 0; i < plans.size(); i++) {
      Plan p = plans.get(i);
      for (int j = 0; j < p.rules().size(); j++) {
        String when = p.rules().get(j).when();
        try {
          compile(when, catalog);
        } catch (RuleError e) {
          throw error("plans[" + i + "].rules[" + j + "].when", "of plan '" + p.name() + "' does not compile: " + e.problem()
              + " at " + e.where(when) + " of the condition", file, positions);
        }
      }
    }
  }

  private static void numberTrait(String key, String path, Map<String, Output> traitKeys, Path file, YamlPositions positions) {
    Output o = traitKeys.get(key);
    if (o == null) {
      throw error(path, "is not a trait of conf/traits.yaml: '" + key + "'" + RuleCompiler.suggest(key, traitKeys.keySet())
          + " (keys are <name>_<N>d)", file, positions);
    }
    if (o != Output.NUMBER) {
      throw error(path, "must be a number trait, but '" + key + "' is a " + o.name().toLowerCase(java.util.Locale.ROOT) + " trait", file, positions);
    }
  }

  private static DmpException error(String path, String problem, Path file, YamlPositions positions) {
    return new DmpException("Cannot load config: key '" + path + "' " + problem + " (" + positions.location(file, path) + ")");
  }

}
