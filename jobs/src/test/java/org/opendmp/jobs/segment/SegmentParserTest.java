package org.opendmp.jobs.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opendmp.jobs.segment.Ast.EventCount;
import org.opendmp.jobs.segment.Ast.Expr;

/** The grammar of README.md "Segments": precedence, nesting, every syntax error with its column. */
class SegmentParserTest {

  private static String read(String rule) {
    return Ast.text(RuleParser.parse(rule));
  }

  @Test
  void andBindsTighterThanOrAndNotTighterThanAnd() {
    assertThat(read("profile.vip or segment.a and not segment.b"))
        .isEqualTo("(profile.vip or (segment.a and (not segment.b)))");
    assertThat(read("not segment.a or segment.b")).isEqualTo("((not segment.a) or segment.b)");
    assertThat(read("segment.a and segment.b or segment.c and segment.d"))
        .isEqualTo("((segment.a and segment.b) or (segment.c and segment.d))");
  }

  @Test
  void chainsAreFlatAndParenthesesNest() {
    assertThat(read("segment.a and segment.b and segment.c")).isEqualTo("(segment.a and segment.b and segment.c)");
    assertThat(read("(segment.a or segment.b) and not (segment.c or (segment.d and segment.e))"))
        .isEqualTo("((segment.a or segment.b) and (not (segment.c or (segment.d and segment.e))))");
    assertThat(read("not not segment.a")).isEqualTo("(not (not segment.a))");
    assertThat(read("((segment.a))")).isEqualTo("segment.a");
  }

  @Test
  void keywordsAreCaseInsensitive() {
    assertThat(read("segment.a AND NOT segment.b Or profile.age IS NOT NULL"))
        .isEqualTo("((segment.a and (not segment.b)) or profile.age is not null)");
  }

  @Test
  void comparisonsListsAndNulls() {
    assertThat(read("trait.product_views_30d >= 3")).isEqualTo("trait.product_views_30d >= 3");
    assertThat(read("score.propensity > 0.75 and score.rfm_recency != -1"))
        .isEqualTo("(score.propensity > 0.75 and score.rfm_recency != -1)");
    assertThat(read("profile.region = 'idf'")).isEqualTo("profile.region = 'idf'");
    assertThat(read("profile.vip = true")).isEqualTo("profile.vip = true");
    assertThat(read("partner.age_band in ('age_25_34','age_35_44')"))
        .isEqualTo("partner.age_band in ('age_25_34', 'age_35_44')");
    assertThat(read("profile.region not in ('idf')")).isEqualTo("profile.region not in ('idf')");
    assertThat(read("profile.crm_id is null")).isEqualTo("profile.crm_id is null");
    assertThat(read("has_partner_segment('auto_intender')")).isEqualTo("has_partner_segment('auto_intender')");
    assertThat(read("profile.postcode = 'l''isle'")).isEqualTo("profile.postcode = 'l''isle'");
  }

  @Test
  void eventConditions() {
    assertThat(read("count(event = cart_add, within 7d) >= 1")).isEqualTo("count(event = cart_add, within 7d) >= 1");
    assertThat(read("count(event = cart_add and category = 'car', within 7d) >= 1"))
        .isEqualTo("count(event = cart_add and category = car, within 7d) >= 1");
    assertThat(read("count(event = purchase, between 8d and 30d ago) = 0"))
        .isEqualTo("count(event = purchase, between 8d and 30d ago) = 0");
    assertThat(read("count(event in (purchase, store_purchase) and channel != ad, within 30d) > 2"))
        .isEqualTo("count(event in (purchase, store_purchase) and channel != ad, within 30d) > 2");
    assertThat(read("count(event = wifi_login, within 7d, after event = cart_abandon and channel in (web, app) within 3d) >= 1"))
        .isEqualTo("count(event = wifi_login, within 7d, after event = cart_abandon and channel in (web, app) within 3d) >= 1");
    assertThat(read("count(event = page_view, within 7d, before event = callcenter_appointment within 0d) >= 1"))
        .isEqualTo("count(event = page_view, within 7d, before event = callcenter_appointment within 0d) >= 1");
  }

  @Test
  void windowsAreDaysAgoInclusive() {
    EventCount c = (EventCount) RuleParser.parse("count(event = x, within 7d) >= 1");
    assertThat(c.window().fromAgo()).isZero();
    assertThat(c.window().toAgo()).isEqualTo(6);
    EventCount b = (EventCount) RuleParser.parse("count(event = x, between 8d and 30d ago) = 0");
    assertThat(b.window().fromAgo()).isEqualTo(8);
    assertThat(b.window().toAgo()).isEqualTo(30);
  }

  @Test
  void eventConditionsMixWithBooleans() {
    Expr e = RuleParser.parse("not count(event = purchase, within 30d) >= 1 and (segment.a or trait.x > 1)");
    assertThat(Ast.text(e)).isEqualTo("((not count(event = purchase, within 30d) >= 1) and (segment.a or trait.x > 1))");
  }

  @Test
  void canonicalTextParsesBackToItself() {
    String rule = "(count(event = product_view and category = 'cars', within 30d) >= 1 or has_partner_segment('x'))"
        + " and partner.age_band is not null and not segment.b and profile.region in ('a', 'b')";
    String once = read(rule);
    assertThat(read(once)).isEqualTo(once);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock = """
          segment.a and                             | 14 | expected a condition
          segment.a segment.b                       | 11 | expected 'and', 'or' or the end of the rule but found 'segment'
          (segment.a or segment.b                   | 24 | expected ')' to close the '(' at column 1 but found the end of the rule
          segment.a)                                | 10 | unbalanced ')'
          traits.x > 1                              | 1  | unknown reference 'traits.'
          trait. > 1                                | 8  | expected a name after 'trait.' but found '>'
          trait.x > abc                             | 11 | expected a value (a number, a quoted text or true/false) but found 'abc' (texts are quoted: 'abc')
          trait.x > 'abc                            | 11 | unterminated text
          trait.x == 1                              | 9  | '==' is not an operator: use '='
          trait.x <> 1                              | 9  | '<>' is not an operator: use '!='
          trait.x # 1                               | 9  | unexpected character '#'
          profile.region = "idf"                    | 18 | texts are quoted with ' not "
          profile.region in ()                      | 20 | expected a value
          profile.region in ('a' 'b')               | 24 | expected ',' or ')' in the list of values but found 'b'
          profile.age is nul                        | 16 | expected 'null' after 'is' but found 'nul'
          segment.a not segment.b                   | 11 | expected 'and', 'or' or the end of the rule but found 'not'
          counts(event = x, within 7d) > 1          | 1  | unknown function 'counts' (expected count or has_partner_segment)
          count(event = x) > 1                      | 16 | expected ',' then a window (within Nd, or between Nd and Md ago) after the event filter but found ')'
          count(event = x, within 7) > 1            | 25 | expected a number of days, like 7d, but found '7'
          count(event = x, within 7days) > 1        | 25 | '7days' is neither a number nor a number of days (like 7d)
          count(event = x, within 0d) > 1           | 18 | 'within 0d' is an empty window
          count(event = x, last 7d) > 1             | 18 | expected a window (within Nd, or between Nd and Md ago) but found 'last'
          count(event = x, between 30d and 8d ago) = 0 | 18 | 'between 30d and 8d ago' is empty
          count(event = x, between 8d and 30d) = 0  | 36 | expected 'ago' after 'between 8d and 30d' but found ')'
          count(event = x, between 8d or 30d ago) = 0  | 29 | expected 'and' in 'between Nd and Md ago' but found 'or'
          count(event = x, within 7d)               | 28 | expected a comparison after count(...), e.g. '>= 1', but found the end of the rule
          count(event = x, within 7d) >= 1.5        | 32 | a count is compared with a whole number >= 0, found '1.5'
          count(event = x, within 7d) >= -1         | 32 | a count is compared with a whole number >= 0, found '-1'
          count(event x, within 7d) >= 1            | 13 | expected '=', '!=', 'in' or 'not in' after 'event' but found 'x'
          count('x' = y, within 7d) >= 1            | 7  | expected an event field (event, channel, category...) but found 'x'
          count(event = x, within 7d, since event = y within 3d) >= 1 | 29 | expected 'after' or 'before' but found 'since'
          count(event = x, within 7d, after event = y) >= 1 | 44 | expected 'within Nd' (the largest gap in days) but found ')'
          has_partner_segment(auto_intender)        | 21 | expected a quoted partner segment code
          42                                        | 1  | expected a condition
          '                                         | 1  | unterminated text
          """)
  void syntaxErrorsSayWhatAndWhere(String rule, int column, String problem) {
    assertThatThrownBy(() -> RuleParser.parse(rule))
        .isInstanceOfSatisfying(RuleError.class, e -> {
          assertThat(e.problem()).startsWith(problem);
          assertThat(e.where(rule)).isEqualTo("column " + column);
        });
  }

  @Test
  void emptyRule() {
    assertThatThrownBy(() -> RuleParser.parse("   "))
        .isInstanceOfSatisfying(RuleError.class, e -> assertThat(e.problem()).isEqualTo("the rule is empty"));
  }

  @Test
  void multiLineRulesGiveTheLineToo() {
    String rule = "segment.a\nand trait.x >\n";
    assertThatThrownBy(() -> RuleParser.parse(rule))
        .isInstanceOfSatisfying(RuleError.class, e -> assertThat(e.where(rule)).isEqualTo("rule line 3, column 1"));
  }
}
