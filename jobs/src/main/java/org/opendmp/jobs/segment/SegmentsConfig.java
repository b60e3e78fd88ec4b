package org.opendmp.jobs.segment;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.Yaml;

/**
 * conf/segments.yaml: the segment definitions marketers write. Rules are checked by {@link SegmentRules#load}, which
 * parses and compiles them against a {@link Catalog}; this record only checks the shape of the file.
 *
 * @param eventHistoryDays how many nights of per-person daily event counts the segments job reads: every event
 *     window of every rule must fit in it (1..366, default 90)
 * @param segments the definitions, ids unique
 */
public record SegmentsConfig(Integer eventHistoryDays, List<Segment> segments) {
  static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

  public SegmentsConfig {
    eventHistoryDays = ConfigError.inRange(ConfigError.orDefault(eventHistoryDays, 90), 1, 366, "event_history_days");
    segments = List.copyOf(ConfigError.required(segments, "segments"));
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < segments.size(); i++) {
      if (!ids.add(segments.get(i).id())) {
        throw new ConfigError("segments[" + i + "].id", "'" + segments.get(i).id() + "' is declared twice");
      }
    }
  }

  /**
   * One segment.
   *
   * @param id lower snake_case, unique: the segment_id of gold.segment_membership and of {@code segment.<id>}
   * @param description what it is for, free text (required: exports and reports show it)
   * @param rule the expression of the segment language (README, "Segments")
   * @param ttlDays membership lasts this many nights after the last night the rule held (0..366, default 0)
   * @param controlShare share of members held out as a control group (0..0.5, default 0)
   * @param tags free labels (channel, team...), lower snake_case
   */
  public record Segment(
      String id, String description, String rule, Integer ttlDays, Double controlShare, List<String> tags) {
    public Segment {
      ConfigError.required(id, "id");
      if (!SNAKE_CASE.matcher(id).matches()) {
        throw new ConfigError("id", "must be lower snake_case (a-z, 0-9, single _), got '" + id + "'");
      }
      ConfigError.required(description, "description");
      ConfigError.required(rule, "rule");
      if (rule.isBlank()) {
        throw new ConfigError("rule", "is empty");
      }
      ttlDays = ConfigError.inRange(ConfigError.orDefault(ttlDays, 0), 0, 366, "ttl_days");
      controlShare = ConfigError.inRange(ConfigError.orDefault(controlShare, 0.0), 0.0, 0.5, "control_share");
      tags = List.copyOf(ConfigError.orDefault(tags, List.of()));
      for (String t : tags) {
        if (t == null || !SNAKE_CASE.matcher(t).matches()) {
          throw new ConfigError("tags", "must be lower snake_case words, got '" + t + "'");
        }
      }
    }
  }

  public static SegmentsConfig load(Path file) {
    return Yaml.load(file, SegmentsConfig.class);
  }
}
