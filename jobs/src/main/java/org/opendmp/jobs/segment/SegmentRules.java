package org.opendmp.jobs.segment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.segment.Ast.Ref;
import org.opendmp.jobs.segment.CompiledSegments.CompiledSegment;
import org.opendmp.jobs.segment.RuleCompiler.CompiledRule;
import org.opendmp.jobs.segment.SegmentsConfig.Segment;

/**
 * Loads segments.yaml: the file's shape ({@link SegmentsConfig}), then every rule parsed ({@link RuleParser}),
 * checked against the catalog and compiled ({@link RuleCompiler}), then segment references ordered. Any
 * problem is one line: {@code Cannot load segments: <problem> (file F, segment S, column C)}.
 */
public final class SegmentRules {
  private SegmentRules() {}

  /** Loads and compiles a segments file; nothing runs on Spark. */
  public static CompiledSegments load(Path file, Catalog catalog) {
    return compile(SegmentsConfig.load(file), catalog, file.toString());
  }

  /**
   * Compiles loaded definitions.
   *
   * @param file how errors name the file
   */
  public static CompiledSegments compile(SegmentsConfig config, Catalog catalog, String file) {
    Set<String> ids = new LinkedHashSet<>();
    config.segments().forEach(s -> ids.add(s.id()));
    Map<String, Ast.Expr> parsed = new HashMap<>();
    Map<String, CompiledRule> compiled = new LinkedHashMap<>();
    for (Segment s : config.segments()) {
      try {
        Ast.Expr rule = RuleParser.parse(s.rule());
        parsed.put(s.id(), rule);
        compiled.put(s.id(), RuleCompiler.compile(rule, catalog, ids, s.id(), config.eventHistoryDays()));
      } catch (RuleError e) {
        throw error(e.problem(), file, s, e.where(s.rule()));
      }
    }
    List<Segment> order = order(config.segments(), compiled, file);
    List<CompiledSegment> ordered = new ArrayList<>();
    Map<String, EventAggregate> aggregates = new LinkedHashMap<>();
    Map<String, ValueType> columns = new TreeMap<>();
    for (Segment s : order) {
      CompiledRule r = compiled.get(s.id());
      List<String> deps = r.segmentRefs().stream().map(Ref::name).distinct().toList();
      ordered.add(new CompiledSegment(s, parsed.get(s.id()), r.sql(), deps));
      r.aggregates().forEach(a -> aggregates.putIfAbsent(a.column(), a));
      columns.putAll(r.columns());
    }
    return new CompiledSegments(ordered, List.copyOf(aggregates.values()), columns, config.eventHistoryDays());
  }

  /** Dependencies first, file order otherwise; a cycle is refused at the reference that closes it. */
  private static List<Segment> order(List<Segment> segments, Map<String, CompiledRule> compiled, String file) {
    Map<String, Segment> byId = new LinkedHashMap<>();
    segments.forEach(s -> byId.put(s.id(), s));
    List<Segment> out = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    for (Segment s : segments) {
      visit(s.id(), new ArrayList<>(), byId, compiled, done, out, file);
    }
    return out;
  }

  private static void visit(
      String id, List<String> path, Map<String, Segment> byId, Map<String, CompiledRule> compiled, Set<String> done,
      List<Segment> out, String file) {
    if (done.contains(id)) {
      return;
    }
    path.add(id);
    for (Ref ref : compiled.get(id).segmentRefs()) {
      int at = path.indexOf(ref.name());
      if (at >= 0) {
        List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
        cycle.add(ref.name());
        Segment s = byId.get(id);
        throw error("segment references form a cycle: " + String.join(" -> ", cycle), file, s,
            new RuleError("", ref.pos()).where(s.rule()));
      }
      visit(ref.name(), path, byId, compiled, done, out, file);
    }
    path.remove(path.size() - 1);
    done.add(id);
    out.add(byId.get(id));
  }

  private static DmpException error(String problem, String file, Segment s, String where) {
    return new DmpException("Cannot load segments: " + problem + " (file " + file + ", segment " + s.id() + ", " + where + ")");
  }
}
