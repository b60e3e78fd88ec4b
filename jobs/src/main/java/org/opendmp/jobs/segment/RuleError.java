package org.opendmp.jobs.segment;

/**
 * A problem in one rule at one position (0-based offset in the rule text), raised by {@link RuleParser} and
 * {@link RuleCompiler}; {@link SegmentRules} turns it into the one-line {@code DmpException} that names the file,
 * the segment and the column.
 */
public final class RuleError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String problem;
  private final int pos;

  public RuleError(String problem, int pos) {
    super(problem + " (at offset " + pos + ")");
    this.problem = problem;
    this.pos = pos;
  }

  public String problem() {
    return problem;
  }

  public int pos() {
    return pos;
  }

  /** "column C" (1-based), or "line L of the rule, column C" when the rule spans several lines. */
  public String where(String rule) {
    int p = Math.max(0, Math.min(pos, rule.length()));
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < p; i++) {
      if (rule.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    int column = p - lineStart + 1;
    return rule.indexOf('\n') < 0 || rule.indexOf('\n') == rule.length() - 1
        ? "column " + column
        : "rule line " + line + ", column " + column;
  }
}
