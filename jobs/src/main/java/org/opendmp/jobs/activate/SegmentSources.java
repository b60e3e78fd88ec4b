package org.opendmp.jobs.activate;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.opendmp.common.config.Yaml;
import org.opendmp.jobs.segment.Ast;
import org.opendmp.jobs.segment.Ast.Expr;
import org.opendmp.jobs.segment.RuleParser;

/**
 * Which data sources feed each segment, for the data-export labels: the reference kinds its rule reads
 * ({@code partner} for partner.* and has_partner_segment, {@code trait}, {@code score}, {@code profile}, {@code event}
 * for count(...)), through the segments it reads ({@code segment.<id>}), with the path that leads there.
 */
public final class SegmentSources {
  private SegmentSources() {}

  /** The sources a label can be declared on. */
  public static final List<String> SOURCES = List.of("partner", "trait", "score", "profile", "event");

  /** segment id -> rule text of a segments file (rules not compiled: the segments job reports their errors). */
  static Map<String, String> rules(Path segmentsFile) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode list = Yaml.readTree(segmentsFile).get("segments");
    if (list != null && list.isArray()) {
      list.forEach(s -> {
        if (s.hasNonNull("id") && s.hasNonNull("rule")) {
          out.put(s.get("id").asText(), s.get("rule").asText());
        }
      });
    }
    return out;
  }

  /**
   * source -> how the segment reaches it: the segment itself ({@code car_intenders}) or through others
   * ({@code retargeting_candidates -> segment.recent_purchasers}); the first path found, sources sorted.
   */
  public static Map<String, String> of(String segment, Map<String, String> rules) {
    Map<String, String> out = new TreeMap<>();
    walk(segment, segment, rules, new TreeSet<>(), out);
    return out;
  }

  private static void walk(String segment, String path, Map<String, String> rules, TreeSet<String> seen, Map<String, String> out) {
    if (!seen.add(segment) || !rules.containsKey(segment)) {
      return; // a cycle or an unknown segment is the segments job's error to report
    }
    List<String> read = new ArrayList<>();
    collect(RuleParser.parse(rules.get(segment)), read, out, path);
    for (String other : read) {
      walk(other, path + " -> segment." + other, rules, seen, out);
    }
  }

  private static void collect(Expr e, List<String> segments, Map<String, String> out, String path) {
    if (e instanceof Ast.And a) {
      a.terms().forEach(t -> collect(t, segments, out, path));
    } else if (e instanceof Ast.Or o) {
      o.terms().forEach(t -> collect(t, segments, out, path));
    } else if (e instanceof Ast.Not n) {
      collect(n.term(), segments, out, path);
    } else if (e instanceof Ast.Compare c) {
      ref(c.ref(), segments, out, path);
    } else if (e instanceof Ast.InList l) {
      ref(l.ref(), segments, out, path);
    } else if (e instanceof Ast.IsNull n) {
      ref(n.ref(), segments, out, path);
    } else if (e instanceof Ast.BoolRef b) {
      ref(b.ref(), segments, out, path);
    } else if (e instanceof Ast.PartnerCode) {
      out.putIfAbsent("partner", path);
    } else if (e instanceof Ast.EventCount) {
      out.putIfAbsent("event", path);
    } else {
      // a new kind of expression must say which source it reads, or labels would be silently ignored
      throw new IllegalStateException("Unknown rule expression " + e.getClass().getSimpleName());
    }
  }

  private static void ref(Ast.Ref r, List<String> segments, Map<String, String> out, String path) {
    if (r.kind() == Ast.RefKind.SEGMENT) {
      segments.add(r.name());
    } else {
      out.putIfAbsent(r.kind().word(), path);
    }
  }
}
