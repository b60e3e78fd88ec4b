package org.opendmp.jobs.segment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The control draw: deterministic, uniform, independent between segments (pure Java; Spark's is checked equal). */
class ControlGroupTest {
  @Test
  void sameAnswerEveryTime() {
    assertThat(Membership.controlDraw("vip", "P20261101-000042")).isEqualTo(Membership.controlDraw("vip", "P20261101-000042"));
    // pinned (first 32 bits of sha256("seg:person"), computed outside Java): a change of hashing would
    // silently reshuffle every control group
    assertThat(Membership.controlDraw("seg", "person")).isEqualTo(0xce936af9L / 4294967296.0);
  }

  @Test
  void sharesAreMetAndSegmentsDrawIndependently() {
    int n = 20_000;
    int inA = 0;
    int inB = 0;
    int inBoth = 0;
    for (int i = 0; i < n; i++) {
      String p = "P" + i;
      boolean a = Membership.controlDraw("car_intenders", p) < 0.1;
      boolean b = Membership.controlDraw("retargeting_candidates", p) < 0.1;
      inA += a ? 1 : 0;
      inB += b ? 1 : 0;
      inBoth += a && b ? 1 : 0;
    }
    assertThat(inA / (double) n).isBetween(0.09, 0.11);
    assertThat(inB / (double) n).isBetween(0.09, 0.11);
    assertThat(inBoth / (double) n).isBetween(0.006, 0.014);
  }

  @Test
  void drawsAreInTheUnitInterval() {
    for (int i = 0; i < 1000; i++) {
      assertThat(Membership.controlDraw("s", "p" + i)).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
    }
  }
}
