package org.opendmp.jobs.segment;

import java.math.BigDecimal;
import java.util.List;

/**
 * The syntax tree of a segment rule, as {@link RuleParser} builds it. Every node keeps the position (0-based
 * offset in the rule text) that errors found later (unknown names, types, cycles) point at.
 */
public final class Ast {
  private Ast() {}

  /**
   * Canonical text with every and/or/not group in parentheses: {@code (a and (b or c))}. Parsing it again gives
   * the same tree (positions aside); tests and logs use it to show how a rule was read.
   */
  public static String text(Expr e) {
    if (e instanceof And a) {
      return a.terms().stream().map(Ast::text).collect(java.util.stream.Collectors.joining(" and ", "(", ")"));
    }
    if (e instanceof Or o) {
      return o.terms().stream().map(Ast::text).collect(java.util.stream.Collectors.joining(" or ", "(", ")"));
    }
    if (e instanceof Not n) {
      return "(not " + text(n.term()) + ")";
    }
    if (e instanceof Compare c) {
      return c.ref().text() + " " + c.op().sql() + " " + c.value().text();
    }
    if (e instanceof InList in) {
      return in.ref().text() + (in.negated() ? " not in (" : " in (")
          + in.values().stream().map(Literal::text).collect(java.util.stream.Collectors.joining(", ")) + ")";
    }
    if (e instanceof IsNull n) {
      return n.ref().text() + (n.negated() ? " is not null" : " is null");
    }
    if (e instanceof BoolRef b) {
      return b.ref().text();
    }
    if (e instanceof PartnerCode p) {
      return "has_partner_segment('" + p.code().replace("'", "''") + "')";
    }
    EventCount c = (EventCount) e;
    Window w = c.window();
    String window = w.fromAgo() == 0 ? "within " + (w.toAgo() + 1) + "d" : "between " + w.fromAgo() + "d and " + w.toAgo() + "d ago";
    Sequence s = c.sequence();
    String sequence = s == null ? ""
        : ", " + s.direction().name().toLowerCase(java.util.Locale.ROOT) + " " + text(s.filter()) + " within " + s.maxGapDays() + "d";
    return "count(" + text(c.filter()) + ", " + window + sequence + ") " + c.op().sql() + " " + c.value();
  }

  private static String text(EventFilter f) {
    return f.tests().stream()
        .map(t -> t.field() + (t.values().size() == 1 && !t.negated() ? " = " + quote(t.values().get(0))
            : t.values().size() == 1 ? " != " + quote(t.values().get(0))
            : (t.negated() ? " not in (" : " in (")
                + t.values().stream().map(Ast::quote).collect(java.util.stream.Collectors.joining(", ")) + ")"))
        .collect(java.util.stream.Collectors.joining(" and "));
  }

  private static String quote(String v) {
    return v.matches("[a-z_][a-z0-9_]*") ? v : "'" + v.replace("'", "''") + "'";
  }

  /** A boolean expression. */
  public sealed interface Expr permits And, Or, Not, Compare, InList, IsNull, BoolRef, PartnerCode, EventCount {
    int pos();
  }

  public record And(List<Expr> terms, int pos) implements Expr {
    public And {
      terms = List.copyOf(terms);
    }
  }

  public record Or(List<Expr> terms, int pos) implements Expr {
    public Or {
      terms = List.copyOf(terms);
    }
  }

  public record Not(Expr term, int pos) implements Expr {}

  /** {@code ref op literal}. */
  public record Compare(Ref ref, Op op, Literal value, int pos) implements Expr {}

  /** {@code ref [not] in (literal, ...)}. */
  public record InList(Ref ref, List<Literal> values, boolean negated, int pos) implements Expr {
    public InList {
      values = List.copyOf(values);
    }
  }

  /** {@code ref is [not] null}. */
  public record IsNull(Ref ref, boolean negated, int pos) implements Expr {}

  /** A boolean ref on its own: {@code profile.vip}, {@code segment.vip}. */
  public record BoolRef(Ref ref, int pos) implements Expr {}

  /** {@code has_partner_segment('code')}: the code in any partner category. */
  public record PartnerCode(String code, int pos) implements Expr {}

  /**
   * {@code count(filter, window [, after|before filter within Nd]) op n}: the number of matching events in the
   * window (with a sequence: only those on a day that follows, or precedes, a day of the other filter within N
   * days).
   */
  public record EventCount(EventFilter filter, Window window, Sequence sequence, Op op, long value, int pos)
      implements Expr {}

  /** {@code kind.name}; for look-alike refs the name is {@code <model_id>.<field>}. */
  public record Ref(RefKind kind, String name, int pos) {
    /** As written: {@code trait.product_views_30d}. */
    public String text() {
      return kind.word() + "." + name;
    }
  }

  public enum RefKind {
    TRAIT("trait"),
    SCORE("score"),
    PROFILE("profile"),
    PARTNER("partner"),
    SEGMENT("segment"),
    /** {@code lookalike.<model_id>.<score|percentile|rank>}: gold.lookalike_scores of the night */
    LOOKALIKE("lookalike");

    private final String word;

    RefKind(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }
  }

  public enum Op {
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String sql;

    Op(String sql) {
      this.sql = sql;
    }

    public String sql() {
      return sql;
    }

    public boolean isOrdering() {
      return this != EQ && this != NE;
    }
  }

  /** A number (BigDecimal), a text (String) or a boolean (Boolean). */
  public record Literal(Object value, int pos) {
    public String text() {
      return value instanceof String s ? "'" + s.replace("'", "''") + "'" : value instanceof BigDecimal d ? d.toPlainString() : String.valueOf(value);
    }
  }

  /** Conjunction of field tests: {@code event = cart_add and category in ('cars', 'tech')}. */
  public record EventFilter(List<FieldTest> tests, int pos) {
    public EventFilter {
      tests = List.copyOf(tests);
    }
  }

  /** {@code field = v}, {@code field != v}, {@code field [not] in (v, ...)}; values are text. */
  public record FieldTest(String field, boolean negated, List<String> values, int pos, int valuesPos) {
    public FieldTest {
      values = List.copyOf(values);
    }
  }

  /**
   * Days ago, inclusive, 0 being the run date: {@code within 7d} is 0..6, {@code between 8d and 30d ago} is
   * 8..30.
   */
  public record Window(int fromAgo, int toAgo, int pos) {}

  public enum Direction {
    AFTER,
    BEFORE
  }

  /**
   * {@code after filter within Nd}: the counted event's day is 0..N days after a day of the filter; {@code before}:
   * 0..N days before.
   */
  public record Sequence(Direction direction, EventFilter filter, int maxGapDays, int pos) {}
}
