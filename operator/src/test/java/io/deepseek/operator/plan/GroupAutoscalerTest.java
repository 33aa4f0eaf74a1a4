package io.deepseek.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.AutoscalingSpec.Metric;
import io.deepseek.operator.model.AutoscalingPolicy;
import io.deepseek.operator.plan.GroupAutoscaler.Decision;
import io.deepseek.operator.plan.GroupAutoscaler.GroupLoad;
import io.deepseek.operator.plan.GroupAutoscaler.Input;
import io.deepseek.operator.plan.GroupAutoscaler.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupAutoscalerTest {
  static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  static AutoscalingPolicy policy(Duration up, Duration down, AutoscalingPolicy.Target... targets) {
    return new AutoscalingPolicy(1, 4, List.of(targets), up, 1, down, 1);
  }

  static AutoscalingPolicy waiting(double perGroup) {
    return policy(Duration.ZERO, Duration.ofMinutes(10), new AutoscalingPolicy.Target(Metric.WaitingRequests, perGroup, null));
  }

  /** Serving groups, each with the given waiting requests. */
  static List<GroupLoad> loads(double... waiting) {
    List<GroupLoad> out = new ArrayList<>();
    for (int i = 0; i < waiting.length; i++) {
      out.add(new GroupLoad(i, waiting[i], 0, 0, 1));
    }
    return out;
  }

  static Input in(int current, int starting, double... waiting) {
    return new Input(current, starting, false, loads(waiting), Map.of());
  }

  @Test
  void waitingRequestsAcrossTheGroupAskForGroupsAndTheCountRisesOneStepAtOnce() {
    Decision d = GroupAutoscaler.decide(waiting(8), 1, in(1, 0, 30), State.NONE, T0);
    assertThat(d.recommended()).as("30 waiting / 8 per group").isEqualTo(4);
    assertThat(d.desired()).as("one group per step").isEqualTo(2);
    assertThat(d.changed()).isTrue();
    assertThat(d.reason()).contains("WaitingRequests: 30 waiting over 1 serving group(s) asks for 4", "scaled up from 1 to 2");
    assertThat(d.state().lastScale()).isEqualTo(T0);
  }

  @Test
  void aStartingGroupIsCapacityOnTheWay() {
    // 2 groups: 1 serves, 1 loads. The backlog asks for 3: no second group for the same load while the first loads.
    Decision held = GroupAutoscaler.decide(waiting(8), 2, in(2, 1, 20), State.NONE, T0);
    assertThat(held.desired()).isEqualTo(2);
    assertThat(held.reason()).contains("1 group(s) still starting: capacity on the way");
    // The load keeps rising past what the starting group adds: one more.
    Decision more = GroupAutoscaler.decide(waiting(8), 2, in(2, 1, 30), State.NONE, T0);
    assertThat(more.desired()).isEqualTo(3);
  }

  @Test
  void withinTenPercentOfTheTargetNothingMoves() {
    assertThat(GroupAutoscaler.decide(waiting(8), 2, in(2, 0, 9, 8.5), State.NONE, T0).desired()).isEqualTo(2);
    assertThat(GroupAutoscaler.decide(waiting(8), 2, in(2, 0, 9, 9), State.NONE, T0).recommended()).isEqualTo(3);
  }

  @Test
  void scaleDownWaitsForTheWholeWindowThenTakesTheHighestAskOfIt() {
    AutoscalingPolicy p = waiting(8);
    Decision first = GroupAutoscaler.decide(p, 3, in(3, 0, 0, 0, 0), State.NONE, T0);
    assertThat(first.desired()).isEqualTo(3);
    assertThat(first.state().belowSince()).isEqualTo(T0);
    assertThat(first.reason()).contains("waiting 600s (scaleDown.stabilizationWindow)");
    // Mid-window the load asked for 2 once: the highest ask of the window is kept.
    Decision mid = GroupAutoscaler.decide(p, 3, in(3, 0, 6, 6, 0), first.state(), T0.plusSeconds(300));
    assertThat(mid.desired()).isEqualTo(3);
    assertThat(mid.state().highestBelow()).isEqualTo(2);
    Decision end = GroupAutoscaler.decide(p, 3, in(3, 0, 0, 0, 0), mid.state(), T0.plusSeconds(600));
    assertThat(end.desired()).isEqualTo(2);
    assertThat(end.reason()).contains("scaled down from 3 to 2");
    assertThat(end.state().belowSince()).isNull();
  }

  @Test
  void anAskAboveTheCountEndsTheScaleDownWindow() {
    AutoscalingPolicy p = waiting(8);
    Decision below = GroupAutoscaler.decide(p, 2, in(2, 0, 0, 0), State.NONE, T0);
    Decision busy = GroupAutoscaler.decide(p, 2, in(2, 0, 8, 8), below.state(), T0.plusSeconds(60));
    assertThat(busy.state().belowSince()).isNull();
    Decision againBelow = GroupAutoscaler.decide(p, 2, in(2, 0, 0, 0), busy.state(), T0.plusSeconds(601));
    assertThat(againBelow.desired()).as("a new window starts").isEqualTo(2);
    assertThat(againBelow.state().belowSince()).isEqualTo(T0.plusSeconds(601));
  }

  @Test
  void scaleUpWindowTakesTheLowestAskAndLoadThatComesAndGoesFasterChangesNothing() {
    AutoscalingPolicy p = policy(Duration.ofSeconds(30), Duration.ofMinutes(10),
        new AutoscalingPolicy.Target(Metric.WaitingRequests, 8, null));
    Decision a = GroupAutoscaler.decide(p, 1, in(1, 0, 40), State.NONE, T0);
    assertThat(a.desired()).isEqualTo(1);
    Decision b = GroupAutoscaler.decide(p, 1, in(1, 0, 12), a.state(), T0.plusSeconds(10));
    assertThat(b.state().lowestAbove()).isEqualTo(2);
    Decision gone = GroupAutoscaler.decide(p, 1, in(1, 0, 0), b.state(), T0.plusSeconds(20));
    assertThat(gone.state().aboveSince()).as("the spike ended before the window").isNull();
    Decision c = GroupAutoscaler.decide(p, 1, in(1, 0, 40), gone.state(), T0.plusSeconds(25));
    Decision d = GroupAutoscaler.decide(p, 1, in(1, 0, 40), c.state(), T0.plusSeconds(55));
    assertThat(d.desired()).isEqualTo(2);
  }

  @Test
  void noGroupIsRemovedDuringARollout() {
    Decision d = GroupAutoscaler.decide(policy(Duration.ZERO, Duration.ZERO,
        new AutoscalingPolicy.Target(Metric.WaitingRequests, 8, null)), 3, new Input(3, 0, true, loads(0, 0, 0), Map.of()),
        State.NONE, T0);
    assertThat(d.desired()).isEqualTo(3);
    assertThat(d.reason()).contains("a rollout is under way");
  }

  @Test
  void withNoGroupServingTheCountHolds() {
    Decision d = GroupAutoscaler.decide(waiting(8), 2, new Input(2, 2, false, List.of(), Map.of()), State.NONE, T0);
    assertThat(d.desired()).isEqualTo(2);
    assertThat(d.reason()).startsWith("no group serves yet");
  }

  @Test
  void minAndMaxBoundEverything() {
    assertThat(GroupAutoscaler.decide(waiting(8), 4, in(4, 0, 1000, 1000, 1000, 1000), State.NONE, T0).desired()).isEqualTo(4);
    assertThat(GroupAutoscaler.decide(waiting(8), 7, in(7, 0, 0), State.NONE, T0).desired()).as("max lowered").isEqualTo(4);
    assertThat(GroupAutoscaler.decide(waiting(8), 0, in(0, 0), State.NONE, T0).desired()).as("min").isEqualTo(1);
  }

  @Test
  void theLargestAskOfSeveralTargetsWins() {
    AutoscalingPolicy p = policy(Duration.ZERO, Duration.ofMinutes(10),
        new AutoscalingPolicy.Target(Metric.WaitingRequests, 8, null), new AutoscalingPolicy.Target(Metric.KVCacheUsage, 0.5, null));
    Input kvFull = new Input(2, 0, false, List.of(new GroupLoad(0, 0, 10, 0.9, 4), new GroupLoad(1, 0, 10, 0.9, 4)), Map.of());
    Decision d = GroupAutoscaler.decide(p, 2, kvFull, State.NONE, T0);
    assertThat(d.recommended()).as("2 groups x 0.9 / 0.5").isEqualTo(4);
    assertThat(d.reason()).contains("KVCacheUsage: KV-cache usage 0.90 over 2 serving group(s) asks for 4");
  }

  @Test
  void timeToFirstTokenAsksInProportionAndIsNotMeasuredWithoutObservations() {
    AutoscalingPolicy p = policy(Duration.ZERO, Duration.ofMinutes(10),
        new AutoscalingPolicy.Target(Metric.TimeToFirstToken, 2.0, 90));
    Input slow = new Input(2, 0, false, loads(0, 0), Map.of(90, 3.0));
    assertThat(GroupAutoscaler.decide(p, 2, slow, State.NONE, T0).recommended()).isEqualTo(3);
    Input unknown = new Input(2, 0, false, loads(0, 0), Map.of());
    Decision held = GroupAutoscaler.decide(p, 2, unknown, State.NONE, T0);
    assertThat(held.desired()).as("nothing measured: no reason to move").isEqualTo(2);
    assertThat(held.reason()).startsWith("no target could be measured yet");
  }
}
