package org.opendmp.jobs.segment;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
import org.opendmp.jobs.segment.Ast.RefKind;
import org.opendmp.jobs.segment.Ast.Sequence;
import org.opendmp.jobs.segment.Ast.Window;

/**
 * The recursive-descent parser of the segment language (grammar in README.md, "Segments"). Keywords are
 * case-insensitive; names are not. Throws {@link RuleError} at the first problem, with its position.
 */
public final class RuleParser {
  /** The values a look-alike model publishes per person (gold.lookalike_scores columns). */
  public static final java.util.List<String> LOOKALIKE_FIELDS = java.util.List.of("score", "percentile", "rank");

  private static final String CONDITION =
      "a condition (trait.<name>, score.<name>, profile.<name>, partner.<category>, segment.<id>, count(...),"
          + " has_partner_segment(...), not, or '(')";

  private enum Kind {
    WORD,
    NUMBER,
    DAYS,
    TEXT,
    OP,
    LPAREN,
    RPAREN,
    COMMA,
    DOT,
    END
  }

  private record Token(Kind kind, String text, int pos) {
    boolean is(String keyword) {
      return kind == Kind.WORD && text.toLowerCase(Locale.ROOT).equals(keyword);
    }

    String describe() {
      return switch (kind) {
        case END -> "the end of the rule";
        case TEXT -> "'" + text.replace("'", "''") + "'";
        case DAYS -> "'" + text + "d'";
        default -> "'" + text + "'";
      };
    }
  }

  private final List<Token> tokens;
  private int i;

  private RuleParser(String rule) {
    this.tokens = lex(rule);
  }

  /** The syntax tree of one rule. */
  public static Expr parse(String rule) {
    RuleParser p = new RuleParser(rule);
    if (p.peek().kind() == Kind.END) {
      throw new RuleError("the rule is empty", 0);
    }
    Expr e = p.or();
    Token t = p.peek();
    if (t.kind() != Kind.END) {
      throw new RuleError(
          t.kind() == Kind.RPAREN
              ? "unbalanced ')'"
              : "expected 'and', 'or' or the end of the rule but found " + t.describe(),
          t.pos());
    }
    return e;
  }

  // ---- expressions ----

  private Expr or() {
    int pos = peek().pos();
    List<Expr> terms = new ArrayList<>(List.of(and()));
    while (peek().is("or")) {
      next();
      terms.add(and());
    }
    return terms.size() == 1 ? terms.get(0) : new Ast.Or(terms, pos);
  }

  private Expr and() {
    int pos = peek().pos();
    List<Expr> terms = new ArrayList<>(List.of(not()));
    while (peek().is("and")) {
      next();
      terms.add(not());
    }
    return terms.size() == 1 ? terms.get(0) : new Ast.And(terms, pos);
  }

  private Expr not() {
    if (peek().is("not")) {
      int pos = next().pos();
      return new Ast.Not(not(), pos);
    }
    return primary();
  }

  private Expr primary() {
    Token t = peek();
    if (t.kind() == Kind.LPAREN) {
      next();
      Expr e = or();
      expect(Kind.RPAREN, "')' to close the '(' at column " + (t.pos() + 1));
      return e;
    }
    if (t.kind() == Kind.WORD && peekAt(1).kind() == Kind.LPAREN) {
      if (t.is("count")) {
        return eventCount();
      }
      if (t.is("has_partner_segment")) {
        next();
        next();
        Token code = expect(Kind.TEXT, "a quoted partner segment code, e.g. 'auto_intender'");
        expect(Kind.RPAREN, "')'");
        return new PartnerCode(code.text(), code.pos());
      }
      throw new RuleError("unknown function '" + t.text() + "' (expected count or has_partner_segment)", t.pos());
    }
    if (t.kind() == Kind.WORD && peekAt(1).kind() == Kind.DOT) {
      Ref ref = ref();
      return predicate(ref);
    }
    throw new RuleError("expected " + CONDITION + " but found " + t.describe(), t.pos());
  }

  private Ref ref() {
    Token kindWord = next();
    RefKind kind = null;
    for (RefKind k : RefKind.values()) {
      if (kindWord.is(k.word())) {
        kind = k;
      }
    }
    if (kind == null) {
      throw new RuleError(
          "unknown reference '" + kindWord.text() + ".' (expected trait., score., profile., partner., segment. or lookalike.)",
          kindWord.pos());
    }
    next(); // the dot
    Token name = expect(Kind.WORD, "a name after '" + kindWord.text() + ".'");
    if (kind == RefKind.LOOKALIKE) {
      // lookalike.<model_id>.<field>: a model publishes several values
      expect(Kind.DOT, "'.' and a field after 'lookalike." + name.text() + "' (" + String.join(", ", LOOKALIKE_FIELDS) + ")");
      Token field = expect(Kind.WORD, "a field after 'lookalike." + name.text() + ".' (" + String.join(", ", LOOKALIKE_FIELDS) + ")");
      if (!LOOKALIKE_FIELDS.contains(field.text())) {
        throw new RuleError("unknown look-alike field '" + field.text() + "' (expected " + String.join(", ", LOOKALIKE_FIELDS) + ")", field.pos());
      }
      return new Ref(kind, name.text() + "." + field.text(), kindWord.pos());
    }
    return new Ref(kind, name.text(), kindWord.pos());
  }

  private Expr predicate(Ref ref) {
    Token t = peek();
    if (t.kind() == Kind.OP) {
      next();
      return new Compare(ref, op(t), literal(), t.pos());
    }
    if (t.is("in")) {
      next();
      return new InList(ref, literals(), false, t.pos());
    }
    if (t.is("not") && peekAt(1).is("in")) {
      next();
      next();
      return new InList(ref, literals(), true, t.pos());
    }
    if (t.is("is")) {
      next();
      boolean negated = false;
      if (peek().is("not")) {
        next();
        negated = true;
      }
      Token n = next();
      if (!n.is("null")) {
        throw new RuleError("expected 'null' after 'is" + (negated ? " not" : "") + "' but found " + n.describe(), n.pos());
      }
      return new IsNull(ref, negated, t.pos());
    }
    return new BoolRef(ref, ref.pos());
  }

  private List<Literal> literals() {
    expect(Kind.LPAREN, "'(' to open the list of values");
    List<Literal> values = new ArrayList<>(List.of(literal()));
    while (peek().kind() == Kind.COMMA) {
      next();
      values.add(literal());
    }
    expect(Kind.RPAREN, "',' or ')' in the list of values");
    return values;
  }

  private Literal literal() {
    Token t = next();
    return switch (t.kind()) {
      case NUMBER -> new Literal(new BigDecimal(t.text()), t.pos());
      case TEXT -> new Literal(t.text(), t.pos());
      case WORD -> {
        if (t.is("true") || t.is("false")) {
          yield new Literal(Boolean.valueOf(t.text().toLowerCase(Locale.ROOT)), t.pos());
        }
        throw new RuleError(
            "expected a value (a number, a quoted text or true/false) but found " + t.describe()
                + " (texts are quoted: '" + t.text() + "')",
            t.pos());
      }
      default -> throw new RuleError(
          "expected a value (a number, a quoted text or true/false) but found " + t.describe(), t.pos());
    };
  }

  private static Op op(Token t) {
    return switch (t.text()) {
      case "=" -> Op.EQ;
      case "!=" -> Op.NE;
      case "<" -> Op.LT;
      case "<=" -> Op.LE;
      case ">" -> Op.GT;
      default -> Op.GE;
    };
  }

  // ---- event conditions ----

  private Expr eventCount() {
    Token count = next();
    next(); // (
    EventFilter filter = filter();
    expect(Kind.COMMA, "',' then a window (within Nd, or between Nd and Md ago) after the event filter");
    Window window = window();
    Sequence sequence = null;
    if (peek().kind() == Kind.COMMA) {
      next();
      Token dir = next();
      Direction d;
      if (dir.is("after")) {
        d = Direction.AFTER;
      } else if (dir.is("before")) {
        d = Direction.BEFORE;
      } else {
        throw new RuleError("expected 'after' or 'before' but found " + dir.describe(), dir.pos());
      }
      EventFilter other = filter();
      Token within = next();
      if (!within.is("within")) {
        throw new RuleError("expected 'within Nd' (the largest gap in days) but found " + within.describe(), within.pos());
      }
      int gap = days();
      sequence = new Sequence(d, other, gap, dir.pos());
    }
    expect(Kind.RPAREN, "')' to close count(");
    Token opToken = peek();
    if (opToken.kind() != Kind.OP) {
      throw new RuleError(
          "expected a comparison after count(...), e.g. '>= 1', but found " + opToken.describe(), opToken.pos());
    }
    next();
    Token n = next();
    long value;
    try {
      if (n.kind() != Kind.NUMBER) {
        throw new NumberFormatException();
      }
      value = new BigDecimal(n.text()).longValueExact();
      if (value < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException | ArithmeticException e) {
      throw new RuleError("a count is compared with a whole number >= 0, found " + n.describe(), n.pos());
    }
    return new EventCount(filter, window, sequence, op(opToken), value, count.pos());
  }

  private EventFilter filter() {
    int pos = peek().pos();
    List<FieldTest> tests = new ArrayList<>(List.of(fieldTest()));
    while (peek().is("and")) {
      next();
      tests.add(fieldTest());
    }
    return new EventFilter(tests, pos);
  }

  private FieldTest fieldTest() {
    Token field = next();
    if (field.kind() != Kind.WORD) {
      throw new RuleError("expected an event field (event, channel, category...) but found " + field.describe(), field.pos());
    }
    Token t = next();
    if (t.kind() == Kind.OP && (t.text().equals("=") || t.text().equals("!="))) {
      Token v = peek();
      return new FieldTest(field.text(), t.text().equals("!="), List.of(value()), field.pos(), v.pos());
    }
    boolean negated = false;
    Token in = t;
    if (t.is("not")) {
      negated = true;
      in = next();
    }
    if (!in.is("in")) {
      throw new RuleError("expected '=', '!=', 'in' or 'not in' after '" + field.text() + "' but found " + in.describe(), in.pos());
    }
    expect(Kind.LPAREN, "'(' to open the list of values");
    int valuesPos = peek().pos();
    List<String> values = new ArrayList<>(List.of(value()));
    while (peek().kind() == Kind.COMMA) {
      next();
      values.add(value());
    }
    expect(Kind.RPAREN, "',' or ')' in the list of values");
    return new FieldTest(field.text(), negated, values, field.pos(), valuesPos);
  }

  /** A field value: a bare name (cart_add) or a quoted text ('cars'). */
  private String value() {
    Token t = next();
    if (t.kind() == Kind.WORD || t.kind() == Kind.TEXT || t.kind() == Kind.NUMBER) {
      return t.text();
    }
    throw new RuleError("expected a value (a name or a quoted text) but found " + t.describe(), t.pos());
  }

  private Window window() {
    Token t = next();
    if (t.is("within")) {
      int days = days();
      if (days < 1) {
        throw new RuleError("'within 0d' is an empty window (within 1d is the run date alone)", t.pos());
      }
      return new Window(0, days - 1, t.pos());
    }
    if (t.is("between")) {
      int from = days();
      Token and = next();
      if (!and.is("and")) {
        throw new RuleError("expected 'and' in 'between Nd and Md ago' but found " + and.describe(), and.pos());
      }
      int to = days();
      Token ago = next();
      if (!ago.is("ago")) {
        throw new RuleError("expected 'ago' after 'between " + from + "d and " + to + "d' but found " + ago.describe(), ago.pos());
      }
      if (from > to) {
        throw new RuleError("'between " + from + "d and " + to + "d ago' is empty: the nearer day comes first", t.pos());
      }
      return new Window(from, to, t.pos());
    }
    throw new RuleError("expected a window (within Nd, or between Nd and Md ago) but found " + t.describe(), t.pos());
  }

  private int days() {
    Token t = next();
    if (t.kind() != Kind.DAYS) {
      throw new RuleError("expected a number of days, like 7d, but found " + t.describe(), t.pos());
    }
    return Integer.parseInt(t.text());
  }

  // ---- tokens ----

  private Token peek() {
    return tokens.get(i);
  }

  private Token peekAt(int ahead) {
    return tokens.get(Math.min(i + ahead, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(i);
    if (i < tokens.size() - 1) {
      i++;
    }
    return t;
  }

  private Token expect(Kind kind, String what) {
    Token t = peek();
    if (t.kind() != kind) {
      throw new RuleError("expected " + what + " but found " + t.describe(), t.pos());
    }
    return next();
  }

  private static List<Token> lex(String s) {
    List<Token> out = new ArrayList<>();
    int n = s.length();
    int p = 0;
    while (p < n) {
      char c = s.charAt(p);
      if (Character.isWhitespace(c)) {
        p++;
      } else if (Character.isLetter(c) || c == '_') {
        int start = p;
        while (p < n && isWordChar(s.charAt(p))) {
          p++;
        }
        out.add(new Token(Kind.WORD, s.substring(start, p), start));
      } else if (Character.isDigit(c) || (c == '-' && p + 1 < n && Character.isDigit(s.charAt(p + 1)))) {
        int start = p;
        p++;
        while (p < n && Character.isDigit(s.charAt(p))) {
          p++;
        }
        if (p + 1 < n && s.charAt(p) == '.' && Character.isDigit(s.charAt(p + 1))) {
          p++;
          while (p < n && Character.isDigit(s.charAt(p))) {
            p++;
          }
        }
        String number = s.substring(start, p);
        if (p < n && isWordChar(s.charAt(p))) {
          int end = p;
          while (end < n && isWordChar(s.charAt(end))) {
            end++;
          }
          String suffix = s.substring(p, end);
          if (!suffix.equals("d") || !number.matches("\\d{1,4}")) {
            throw new RuleError("'" + s.substring(start, end) + "' is neither a number nor a number of days (like 7d)", start);
          }
          out.add(new Token(Kind.DAYS, number, start));
          p = end;
        } else {
          out.add(new Token(Kind.NUMBER, number, start));
        }
      } else if (c == '\'') {
        int start = p;
        StringBuilder text = new StringBuilder();
        p++;
        while (true) {
          if (p >= n) {
            throw new RuleError("unterminated text: a quote opened here is never closed", start);
          }
          char q = s.charAt(p);
          if (q == '\'') {
            if (p + 1 < n && s.charAt(p + 1) == '\'') {
              text.append('\'');
              p += 2;
              continue;
            }
            p++;
            break;
          }
          text.append(q);
          p++;
        }
        out.add(new Token(Kind.TEXT, text.toString(), start));
      } else if (c == '(' || c == ')' || c == ',' || c == '.') {
        out.add(new Token(c == '(' ? Kind.LPAREN : c == ')' ? Kind.RPAREN : c == ',' ? Kind.COMMA : Kind.DOT, String.valueOf(c), p));
        p++;
      } else if (c == '=' || c == '<' || c == '>' || c == '!') {
        String two = p + 1 < n ? s.substring(p, p + 2) : "";
        if (two.equals("<=") || two.equals(">=") || two.equals("!=")) {
          out.add(new Token(Kind.OP, two, p));
          p += 2;
        } else if (two.equals("==") || two.equals("<>")) {
          throw new RuleError("'" + two + "' is not an operator: use " + (two.equals("==") ? "'='" : "'!='"), p);
        } else if (c == '!') {
          throw new RuleError("'!' is not an operator: use '!=' or not", p);
        } else {
          out.add(new Token(Kind.OP, String.valueOf(c), p));
          p++;
        }
      } else if (c == '"') {
        throw new RuleError("texts are quoted with ' not \"", p);
      } else {
        throw new RuleError("unexpected character '" + c + "'", p);
      }
    }
    out.add(new Token(Kind.END, "", n));
    return out;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
