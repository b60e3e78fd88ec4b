package org.opendmp.jobs.segment;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.opendmp.jobs.segment.Ast.BoolRef;
import org.opendmp.jobs.segment.Ast.Compare;
import org.opendmp.jobs.segment.Ast.Direction;
import org.opendmp.jobs.segment.Ast.EventCount;
import org.opendmp.jobs.segment.Ast.EventFilter;
import org.opendmp.jobs.segment.Ast.Expr;
import org.opendmp.jobs.segment.Ast.FieldTest;
import org.opendmp.jobs.segment.Ast.InList;
import org.opendmp.jobs.segment.Ast.IsNull;
import org.opendmp.jobs.segment.Ast.Literal;
import org.opendmp.jobs.segment.Ast.Op;
import org.opendmp.jobs.segment.Ast.PartnerCode;
import org.opendmp.jobs.segment.Ast.Ref;
import org.opendmp.jobs.segment.Ast.Window;
import org.opendmp.jobs.segment.EventAggregate.Condition;

/**
 * Checks a rule's names and types against a {@link Catalog} and compiles it to one Spark SQL boolean expression
 * over the per-person input frame (columns in README.md, "Segments"). Every condition is two-valued: a
 * comparison whose value is missing is false (not null), so {@code not} is plain negation and a rule is never
 * null. Pure Java: no Spark session is needed to compile.
 */
public final class RuleCompiler {
  /** Partner codes of every category, for has_partner_segment(). */
  public static final String PARTNER_CODES = "partner__codes";

  private final Catalog catalog;
  private final Set<String> segmentIds;
  private final String self;
  private final int historyDays;
  private final Map<String, ValueType> columns = new LinkedHashMap<>();
  private final Map<String, EventAggregate> aggregates = new LinkedHashMap<>();
  private final List<Ref> segmentRefs = new ArrayList<>();

  /**
   * The result for one rule.
   *
   * @param sql a non-null boolean Spark SQL expression
   * @param columns the input-frame columns it reads (refs; event aggregates are in {@code aggregates})
   * @param aggregates the event aggregates it reads, each an input column too
   * @param segmentRefs the {@code segment.<id>} refs, in order of appearance, with their positions
   */
  public record CompiledRule(
      String sql, Map<String, ValueType> columns, List<EventAggregate> aggregates, List<Ref> segmentRefs) {}

  private RuleCompiler(Catalog catalog, Set<String> segmentIds, String self, int historyDays) {
    this.catalog = catalog;
    this.segmentIds = segmentIds;
    this.self = self;
    this.historyDays = historyDays;
  }

  /**
   * Compiles one parsed rule.
   *
   * @param segmentIds every segment id of the file ({@code segment.<id>} must name one of them)
   * @param self the id of the segment being compiled (a rule cannot refer to itself)
   * @param historyDays nights of daily event counts available; every window must fit
   * @throws RuleError at the first unknown name or type mismatch
   */
  public static CompiledRule compile(Expr rule, Catalog catalog, Set<String> segmentIds, String self, int historyDays) {
    RuleCompiler c = new RuleCompiler(catalog, segmentIds, self, historyDays);
    String sql = c.expr(rule);
    return new CompiledRule(sql, Map.copyOf(c.columns), List.copyOf(c.aggregates.values()), List.copyOf(c.segmentRefs));
  }

  /** The input-frame column of a ref: {@code trait__product_views_30d}, {@code segment__vip}. */
  public static String column(Ref ref) {
    return ref.kind().word() + "__" + ref.name().replace(".", "__");
  }

  private String expr(Expr e) {
    if (e instanceof Ast.And a) {
      return a.terms().stream().map(this::expr).collect(Collectors.joining(" AND ", "(", ")"));
    }
    if (e instanceof Ast.Or o) {
      return o.terms().stream().map(this::expr).collect(Collectors.joining(" OR ", "(", ")"));
    }
    if (e instanceof Ast.Not n) {
      return "(NOT " + expr(n.term()) + ")";
    }
    if (e instanceof Compare c) {
      return compare(c);
    }
    if (e instanceof InList in) {
      return inList(in);
    }
    if (e instanceof IsNull n) {
      return isNull(n);
    }
    if (e instanceof BoolRef b) {
      return boolRef(b);
    }
    if (e instanceof PartnerCode p) {
      return partnerCode(p);
    }
    return eventCount((EventCount) e);
  }

  // ---- refs ----

  private ValueType type(Ref ref) {
    ValueType t = switch (ref.kind()) {
      case TRAIT -> known(ref, catalog.traits(), "trait");
      case SCORE -> known(ref, catalog.scores(), "score");
      case PROFILE -> known(ref, catalog.profile(), "profile attribute");
      case PARTNER -> {
        if (!catalog.partnerCategories().contains(ref.name())) {
          throw unknown(ref, "partner category", catalog.partnerCategories());
        }
        yield ValueType.TEXT_LIST;
      }
      case LOOKALIKE -> {
        String model = ref.name().substring(0, ref.name().indexOf('.'));
        if (!catalog.lookalikeModels().contains(model)) {
          throw new RuleError("unknown look-alike model '" + model + "'" + suggest(model, catalog.lookalikeModels())
              + " (models of conf/lookalike.yaml)", ref.pos());
        }
        yield ValueType.NUMBER;
      }
      case SEGMENT -> {
        if (!segmentIds.contains(ref.name())) {
          throw unknown(ref, "segment", segmentIds);
        }
        if (ref.name().equals(self)) {
          throw new RuleError("segment '" + self + "' refers to itself", ref.pos());
        }
        segmentRefs.add(ref);
        yield ValueType.BOOLEAN;
      }
    };
    if (ref.kind() != Ast.RefKind.SEGMENT) {
      columns.put(column(ref), t);
    }
    return t;
  }

  private static ValueType known(Ref ref, Map<String, ValueType> names, String what) {
    ValueType t = names.get(ref.name());
    if (t == null) {
      throw unknown(ref, what, names.keySet());
    }
    return t;
  }

  private static RuleError unknown(Ref ref, String what, Set<String> names) {
    return new RuleError("unknown " + what + " '" + ref.name() + "'" + suggest(ref.name(), names), ref.pos());
  }

  private static String col(Ref ref) {
    return "`" + column(ref) + "`";
  }

  /** The ref's value for comparisons; a partner list that is null is the empty list. */
  private static String value(Ref ref, ValueType t) {
    return t == ValueType.TEXT_LIST ? "coalesce(" + col(ref) + ", CAST(array() AS ARRAY<STRING>))" : col(ref);
  }

  // ---- conditions on refs ----

  private String compare(Compare c) {
    ValueType t = type(c.ref());
    String lit = literal(c.ref(), t, c.value());
    if (c.op().isOrdering() && (t == ValueType.BOOLEAN || t == ValueType.TEXT_LIST)) {
      throw new RuleError(
          c.ref().text() + " is " + t.described() + ": only " + (t == ValueType.TEXT_LIST ? "=, != and in" : "= and !=")
              + " apply, not " + c.op().sql(),
          c.pos());
    }
    if (t == ValueType.TEXT_LIST) {
      String contains = "array_contains(" + value(c.ref(), t) + ", " + lit + ")";
      return c.op() == Op.EQ ? twoValued(contains) : "(NOT " + twoValued(contains) + ")";
    }
    return twoValued(col(c.ref()) + " " + c.op().sql() + " " + lit);
  }

  private String inList(InList in) {
    ValueType t = type(in.ref());
    if (t == ValueType.BOOLEAN) {
      throw new RuleError(in.ref().text() + " is a boolean: write " + in.ref().text() + " or not " + in.ref().text(), in.pos());
    }
    String list = in.values().stream().map(v -> literal(in.ref(), t, v)).collect(Collectors.joining(", "));
    if (t == ValueType.TEXT_LIST) {
      String overlap = twoValued("arrays_overlap(" + value(in.ref(), t) + ", array(" + list + "))");
      return in.negated() ? "(NOT " + overlap + ")" : overlap;
    }
    return twoValued(col(in.ref()) + (in.negated() ? " NOT IN (" : " IN (") + list + ")");
  }

  private String isNull(IsNull n) {
    ValueType t = type(n.ref());
    if (n.ref().kind() == Ast.RefKind.SEGMENT) {
      throw new RuleError("a segment is never null: write " + n.ref().text() + " or not " + n.ref().text(), n.pos());
    }
    if (t == ValueType.TEXT_LIST) {
      return "(coalesce(size(" + col(n.ref()) + "), 0) " + (n.negated() ? "> 0)" : "= 0)");
    }
    return "(" + col(n.ref()) + (n.negated() ? " IS NOT NULL)" : " IS NULL)");
  }

  private String boolRef(BoolRef b) {
    ValueType t = type(b.ref());
    if (t != ValueType.BOOLEAN) {
      throw new RuleError(
          b.ref().text() + " is " + t.described() + ", not a condition: compare it (e.g. " + b.ref().text()
              + (t == ValueType.NUMBER ? " >= 1" : t == ValueType.TEXT_LIST ? " in ('code')" : " is not null") + ")",
          b.pos());
    }
    return twoValued(col(b.ref()));
  }

  private String partnerCode(PartnerCode p) {
    checkPartnerCode(p.code(), p.pos());
    columns.put(PARTNER_CODES, ValueType.TEXT_LIST);
    return twoValued("array_contains(`" + PARTNER_CODES + "`, " + textSql(p.code()) + ")");
  }

  private void checkPartnerCode(String code, int pos) {
    if (!catalog.partnerCodes().isEmpty() && !catalog.partnerCodes().contains(code)) {
      throw new RuleError("unknown partner segment code '" + code + "'" + suggest(code, catalog.partnerCodes()), pos);
    }
  }

  /** The literal as SQL, checked against the ref's type. */
  private String literal(Ref ref, ValueType t, Literal l) {
    Object v = l.value();
    boolean ok = switch (t) {
      case NUMBER -> v instanceof BigDecimal;
      case BOOLEAN -> v instanceof Boolean;
      case TEXT, TEXT_LIST, DATE, TIMESTAMP -> v instanceof String;
    };
    if (!ok) {
      throw new RuleError(
          ref.text() + " is " + t.described() + ", it cannot be compared with " + l.text()
              + (t == ValueType.DATE || t == ValueType.TIMESTAMP ? " (dates are quoted: '2026-11-02')" : ""),
          l.pos());
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Boolean b) {
      return b ? "true" : "false";
    }
    String s = (String) v;
    if (t == ValueType.DATE || t == ValueType.TIMESTAMP) {
      try {
        if (s.length() == 10) {
          LocalDate.parse(s);
        } else {
          LocalDateTime.parse(s);
        }
      } catch (DateTimeParseException e) {
        throw new RuleError(
            ref.text() + " is " + t.described() + ": expected 'YYYY-MM-DD'" + (t == ValueType.TIMESTAMP ? " or 'YYYY-MM-DDTHH:MM:SS'" : "")
                + ", got " + l.text(),
            l.pos());
      }
      return (t == ValueType.DATE && s.length() == 10 ? "DATE " : "TIMESTAMP ") + textSql(s);
    }
    if (t == ValueType.TEXT_LIST) {
      checkPartnerCode(s, l.pos());
    }
    return textSql(s);
  }

  // ---- events ----

  private String eventCount(EventCount c) {
    List<Condition> filter = filter(c.filter());
    Window w = c.window();
    checkWindow(w.toAgo(), w.pos(), "the window");
    String cmp = " " + c.op().sql() + " " + c.value();
    if (c.sequence() == null) {
      EventAggregate count = aggregate(new EventAggregate(EventAggregate.Kind.COUNT, filter, w.fromAgo(), w.toAgo()));
      return "(coalesce(`" + count.column() + "`, 0)" + cmp + ")";
    }
    Ast.Sequence s = c.sequence();
    List<Condition> other = filter(s.filter());
    int gap = s.maxGapDays();
    boolean after = s.direction() == Direction.AFTER;
    // The other event's days that can pair with a counted day of the window.
    int from = after ? w.fromAgo() : Math.max(0, w.fromAgo() - gap);
    int to = after ? w.toAgo() + gap : w.toAgo();
    checkWindow(to, s.pos(), "the window with the " + gap + "-day gap");
    EventAggregate counted = aggregate(new EventAggregate(EventAggregate.Kind.DAYS, filter, w.fromAgo(), w.toAgo()));
    EventAggregate paired = aggregate(new EventAggregate(EventAggregate.Kind.DAYS, other, from, to));
    String gapTest = after ? "o.ago - c.ago BETWEEN 0 AND " + gap : "c.ago - o.ago BETWEEN 0 AND " + gap;
    return "(coalesce(aggregate(filter(`" + counted.column() + "`, c -> exists(`" + paired.column() + "`, o -> "
        + gapTest + ")), CAST(0 AS BIGINT), (acc, c) -> acc + c.n), 0)" + cmp + ")";
  }

  private void checkWindow(int toAgo, int pos, String what) {
    if (toAgo >= historyDays) {
      throw new RuleError(
          what + " reaches " + (toAgo + 1) + " days back, beyond event_history_days (" + historyDays + ")", pos);
    }
  }

  private EventAggregate aggregate(EventAggregate a) {
    return aggregates.computeIfAbsent(a.column(), k -> a);
  }

  /** The filter's conditions, checked and in a canonical order (so that equal filters share an aggregate). */
  private List<Condition> filter(EventFilter f) {
    List<Condition> out = new ArrayList<>();
    for (FieldTest t : f.tests()) {
      String column;
      Set<String> known;
      String what;
      if (t.field().equals(Catalog.EVENT_FIELD)) {
        column = "event_type";
        known = catalog.eventTypes();
        what = "event type";
      } else if (catalog.eventFields().containsKey(t.field())) {
        column = t.field();
        known = catalog.eventFields().get(t.field());
        what = t.field();
      } else {
        Set<String> fields = new TreeSet<>(catalog.eventFields().keySet());
        fields.add(Catalog.EVENT_FIELD);
        throw new RuleError("unknown event field '" + t.field() + "'" + suggest(t.field(), fields) + " (fields: "
            + String.join(", ", fields) + ")", t.pos());
      }
      for (String v : t.values()) {
        if (!known.isEmpty() && !known.contains(v)) {
          throw new RuleError("unknown " + what + " '" + v + "'" + suggest(v, known), t.valuesPos());
        }
      }
      out.add(new Condition(column, t.negated(), List.copyOf(new TreeSet<>(t.values()))));
    }
    out.sort(Comparator.comparing(Condition::column).thenComparing(Condition::negated)
        .thenComparing(c -> String.join("\u0000", c.values())));
    return out;
  }

  // ---- SQL text ----

  private static String twoValued(String sql) {
    return "coalesce(" + sql + ", false)";
  }

  /** A Spark SQL string literal (backslash escapes, the parser's default). */
  static String textSql(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** ", did you mean 'x'?" for the closest known name within a small edit distance, else "". */
  public static String suggest(String name, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(name, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, name.length() / 4) ? ", did you mean '" + best + "'?" : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] tmp = prev;
      prev = cur;
      cur = tmp;
    }
    return prev[b.length()];
  }
}
