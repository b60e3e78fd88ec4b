package org.opendmp.jobs.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.Yaml;
import org.opendmp.common.ids.IdNormalizer;

/**
 * conf/ingest.yaml: how the ingest jobs treat their feeds.
 *
 * @param defaultCountry country of national phone numbers (E.164 normalisation)
 * @param maxRejectRatio default share of a feed's records that may be rejected before the job fails
 * @param minRejects the ratio is enforced only from this many rejects on (default 5): one bad line in a 15-line
 *     call-center file is 6.7% and must not stop the night; the rejects are kept either way
 * @param junkValues identifier values that mean "none" on top of the built-in list
 * @param junkRegex a regex of identifier values that mean "none" (matched on the trimmed value)
 * @param feeds per landing source: whether it must arrive every night, and its own reject ratio
 */
public record IngestConfig(
    String defaultCountry,
    Double maxRejectRatio,
    Integer minRejects,
    List<String> junkValues,
    String junkRegex,
    Map<String, Feed> feeds) {

  /** The landing sources the ingest jobs know. */
  public static final List<String> SOURCES =
      List.of("weblogs", "adserver", "idsync", "crm", "store", "callcenter", "catalog", "partner_data");

  public IngestConfig {
    defaultCountry = ConfigError.orDefault(defaultCountry, "FR");
    maxRejectRatio = ConfigError.inRange(ConfigError.orDefault(maxRejectRatio, 0.05), 0.0, 1.0, "max_reject_ratio");
    minRejects = ConfigError.inRange(ConfigError.orDefault(minRejects, 5), 1, 1_000_000, "min_rejects");
    junkValues = List.copyOf(ConfigError.orDefault(junkValues, List.of()));
    feeds = Map.copyOf(ConfigError.orDefault(feeds, Map.of()));
    for (String source : feeds.keySet()) {
      if (!SOURCES.contains(source)) {
        throw new ConfigError("feeds." + source, "is not a landing source (expected one of: " + new TreeSet<>(SOURCES) + ")");
      }
    }
    if (junkRegex != null) {
      try {
        java.util.regex.Pattern.compile(junkRegex);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new ConfigError("junk_regex", "is not a valid regex: " + e.getDescription());
      }
    }
    try {
      new IdNormalizer(junkValues, junkRegex, defaultCountry);
    } catch (IllegalArgumentException e) {
      throw new ConfigError("default_country", "is not a supported country: " + defaultCountry);
    }
  }

  /** One feed's settings. */
  public record Feed(Boolean required, Double maxRejectRatio) {
    public Feed {
      required = ConfigError.orDefault(required, false);
      if (maxRejectRatio != null) {
        ConfigError.inRange(maxRejectRatio, 0.0, 1.0, "max_reject_ratio");
      }
    }
  }

  public static IngestConfig load(Path file) {
    return Yaml.load(file, IngestConfig.class);
  }

  public boolean required(String source) {
    Feed f = feeds.get(source);
    return f != null && f.required();
  }

  public double maxRejectRatio(String source) {
    Feed f = feeds.get(source);
    return f != null && f.maxRejectRatio() != null ? f.maxRejectRatio() : maxRejectRatio;
  }

  public IdNormalizer ids() {
    return new IdNormalizer(junkValues, junkRegex, defaultCountry);
  }
}
