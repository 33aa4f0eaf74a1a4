package io.deepseek.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The prefill:decode band: the side with too few groups gets more first, and a role without autoscaling never moves. */
class RatioBandTest {
  static final RatioBand.Bounds WIDE = new RatioBand.Bounds(1, 8);

  @Test
  void insideTheBandNothingMoves() {
    assertThat(RatioBand.keep(2, 2, 0.5, 2, WIDE, WIDE)).containsExactly(2, 2);
    assertThat(RatioBand.keep(4, 2, 0.5, 2, WIDE, WIDE)).containsExactly(4, 2);
  }

  @Test
  void tooManyPrefillGroupsGetMoreDecodeGroups() {
    // 5:2 over a band of at most 2 prefill per decode: 3 decode groups.
    assertThat(RatioBand.keep(5, 2, 0.5, 2, WIDE, WIDE)).containsExactly(5, 3);
  }

  @Test
  void whenTheOtherSideIsAtItsMaximumTheSideWithTooManyGetsFewer() {
    assertThat(RatioBand.keep(6, 2, 0.5, 2, WIDE, new RatioBand.Bounds(1, 2))).containsExactly(4, 2);
    // Prefill's minimum stops it: the band cannot be kept, the minimum wins.
    assertThat(RatioBand.keep(6, 2, 0.5, 2, new RatioBand.Bounds(5, 8), new RatioBand.Bounds(1, 2))).containsExactly(5, 2);
  }

  @Test
  void tooFewPrefillGroupsGetMorePrefillGroups() {
    assertThat(RatioBand.keep(1, 4, 0.5, 2, WIDE, WIDE)).containsExactly(2, 4);
    assertThat(RatioBand.keep(1, 4, 0.5, 2, new RatioBand.Bounds(1, 1), WIDE)).containsExactly(1, 2);
  }

  @Test
  void aRoleWithoutAutoscalingKeepsItsReplicas() {
    assertThat(RatioBand.keep(5, 2, 0.5, 2, null, WIDE)).containsExactly(5, 3);
    assertThat(RatioBand.keep(5, 2, 0.5, 2, WIDE, null)).containsExactly(4, 2);
    assertThat(RatioBand.keep(5, 2, 0.5, 2, null, null)).containsExactly(5, 2);
  }

  @Test
  void noDecodeGroupsIsNoRatio() {
    assertThat(RatioBand.keep(3, 0, 0.5, 2, WIDE, WIDE)).containsExactly(3, 0);
  }
}
