package org.opendmp.jobs.identity.probabilistic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opendmp.jobs.identity.probabilistic.Estimation.Pattern;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.ColumnSpec;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.Kind;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.LinkType;

/**
 * The prior trap. 1,000 records, 499,500 possible pairs, 200 true matches. Blocking on column a brings the 200
 * matches and 5,000 non-matches that agree on a by construction. u comes from random pairs, where each column
 * agrees 1% of the time. EM must take the prior over all possible pairs; taken over the blocked pairs, it calls
 * most blocked pairs matches.
 */
class DedupePriorTest {
  static final List<ColumnSpec> COLUMNS =
      List.of(new ColumnSpec("a", Kind.EXACT), new ColumnSpec("b", Kind.EXACT), new ColumnSpec("c", Kind.EXACT));
  static final double ALL_PAIRS = ProbabilisticLinker.pairSpace(LinkType.DEDUPE_ONLY, 1000, 0);

  /** Level 0 = exact, 1 = else. */
  static Pattern p(long n, int... levels) {
    return new Pattern(levels, n);
  }

  static List<Pattern> blocked() {
    return List.of(
        // the 200 matches: mostly agree everywhere
        p(160, 0, 0, 0), p(20, 0, 0, 1), p(15, 0, 1, 0), p(5, 0, -1, 0),
        // 5,000 non-matches that share a's value (that is why they were blocked), agreeing elsewhere by chance
        p(4900, 0, 1, 1), p(49, 0, 0, 1), p(49, 0, 1, 0), p(2, 0, 0, 0));
  }

  /** 1,000,000 random pairs, each column agreeing 1% of the time, independently. */
  static List<Pattern> random() {
    List<Pattern> out = new ArrayList<>();
    for (int mask = 0; mask < 8; mask++) {
      int[] levels = {(mask >> 2) & 1, (mask >> 1) & 1, mask & 1};
      double share = 1;
      for (int l : levels) {
        share *= l == 0 ? 0.01 : 0.99;
      }
      out.add(new Pattern(levels, Math.round(1_000_000 * share)));
    }
    return out;
  }

  /** Share of the blocked pairs whose posterior is at least 0.5. */
  static double calledMatches(ModelParams m) {
    double called = 0;
    double total = 0;
    for (Pattern p : blocked()) {
      total += p.count();
      called += ModelParams.probability(m.matchWeight(p.levels())) >= 0.5 ? p.count() : 0;
    }
    return called / total;
  }

  @Test
  void priorIsTakenOverAllPossiblePairs() {
    ModelParams m = Estimation.fit(blocked(), random(), ALL_PAIRS, COLUMNS, 100);
    assertThat(m.converged()).isTrue();
    assertThat(m.pairSpace()).isEqualTo(499_500.0);
    assertThat(m.expectedMatches()).isCloseTo(200, within(15.0));
    assertThat(m.lambda()).isCloseTo(200 / 499_500.0, within(0.00003));
    // agreeing on the blocking column alone is what every blocked pair does: no evidence of a match
    assertThat(ModelParams.probability(m.matchWeight(0, 1, 1))).isLessThan(0.01);
    assertThat(ModelParams.probability(m.matchWeight(0, 0, 0))).isGreaterThan(0.99);
    assertThat(calledMatches(m)).isCloseTo(200 / 5200.0, within(0.01));
    // u was fixed from the random pairs, m learnt from the blocked ones
    assertThat(m.columns().get(1).u().get(0)).isCloseTo(0.01, within(0.0001));
    assertThat(m.columns().get(1).m().get(0)).isGreaterThan(0.8);
  }

  @Test
  void theTrapPriorOverBlockedPairsCallsMostBlockedPairsMatches() {
    long blockedPairs = blocked().stream().mapToLong(Pattern::count).sum();
    ModelParams trap = Estimation.fit(blocked(), random(), blockedPairs, COLUMNS, 100);
    assertThat(calledMatches(trap)).isGreaterThan(0.5);
    assertThat(trap.expectedMatches()).isGreaterThan(2600);
  }

  @Test
  void pairSpaceByLinkType() {
    assertThat(ProbabilisticLinker.pairSpace(LinkType.DEDUPE_ONLY, 1000, 0)).isEqualTo(499_500.0);
    assertThat(ProbabilisticLinker.pairSpace(LinkType.LINK_ONLY, 3, 4)).isEqualTo(12.0);
    assertThat(ProbabilisticLinker.pairSpace(LinkType.LINK_AND_DEDUPE, 3, 4)).isEqualTo(21.0);
  }

  @Test
  void fitIsDeterministicWhateverThePatternOrder() {
    List<Pattern> shuffled = new ArrayList<>(blocked());
    Collections.shuffle(shuffled, new java.util.Random(7));
    assertThat(Estimation.fit(shuffled, random(), ALL_PAIRS, COLUMNS, 100))
        .isEqualTo(Estimation.fit(blocked(), random(), ALL_PAIRS, COLUMNS, 100));
  }
}
