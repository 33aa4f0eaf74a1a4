package io.deepseek.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The roles of a disaggregated deployment roll in proportion: a role that is ahead waits, the one behind moves. */
class LockstepTest {
  static GroupRollout.Step rolling(int replicas, int partition) {
    return new GroupRollout.Step(replicas, partition, true, 0, "rolling");
  }

  static Map<String, GroupRollout.Step> steps(GroupRollout.Step prefill, GroupRollout.Step decode) {
    Map<String, GroupRollout.Step> m = new LinkedHashMap<>();
    m.put("prefill", prefill);
    m.put("decode", decode);
    return m;
  }

  static Map<String, Lockstep.Progress> progress(Lockstep.Progress prefill, Lockstep.Progress decode) {
    Map<String, Lockstep.Progress> m = new LinkedHashMap<>();
    m.put("prefill", prefill);
    m.put("decode", decode);
    return m;
  }

  @Test
  void rolesThatAreEquallyFarBothMove() {
    var steps = steps(rolling(2, 1), rolling(4, 3));
    var out = Lockstep.hold(steps, progress(new Lockstep.Progress(0, 2, 2), new Lockstep.Progress(0, 4, 4)));
    assertThat(out).isEqualTo(steps);
  }

  @Test
  void aRoleAheadReleasesNothingMoreUntilTheOtherCatchesUp() {
    // Prefill: 1 of 2 groups new and ready, it would release group 0 next; decode: 1 of 4.
    var out = Lockstep.hold(steps(rolling(2, 0), rolling(4, 2)),
        progress(new Lockstep.Progress(1, 2, 1), new Lockstep.Progress(1, 4, 3)));
    assertThat(out.get("prefill").partition()).isEqualTo(1);
    assertThat(out.get("prefill").inProgress()).isTrue();
    assertThat(out.get("prefill").step()).contains("held in lockstep until decode catches up (1/2 here, 1/4 there)");
    assertThat(out.get("decode").partition()).isEqualTo(2);

    // Decode caught up (2 of 4 = 1 of 2): both move again.
    out = Lockstep.hold(steps(rolling(2, 0), rolling(4, 1)),
        progress(new Lockstep.Progress(1, 2, 1), new Lockstep.Progress(2, 4, 2)));
    assertThat(out.get("prefill").partition()).isZero();
    assertThat(out.get("decode").partition()).isEqualTo(1);
  }

  @Test
  void aRoleThatStartsItsRolloutAheadHoldsEverything() {
    // The template of prefill is still the old one (held = replicas: nothing released at the new revision).
    var out = Lockstep.hold(steps(rolling(1, 0), rolling(3, 2)),
        progress(new Lockstep.Progress(1, 1, 1), new Lockstep.Progress(0, 3, 3)));
    assertThat(out.get("prefill").partition()).isEqualTo(1);
    assertThat(out.get("decode").partition()).isEqualTo(2);
  }

  @Test
  void aRoleDoneOrNotRollingIsLeftAlone() {
    var done = new GroupRollout.Step(2, 0, false, 2, "complete");
    var out = Lockstep.hold(steps(done, rolling(4, 2)), progress(new Lockstep.Progress(2, 2, 0), new Lockstep.Progress(1, 4, 3)));
    assertThat(out.get("prefill")).isEqualTo(done);
    assertThat(out.get("decode").partition()).isEqualTo(2);
  }

  @Test
  void aRoleScaledToZeroCountsAsDone() {
    var out = Lockstep.hold(steps(rolling(0, 0), rolling(2, 1)), progress(new Lockstep.Progress(0, 0, 0), new Lockstep.Progress(0, 2, 2)));
    assertThat(out.get("decode").partition()).isEqualTo(1);
  }
}
