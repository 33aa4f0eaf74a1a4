package io.deepseek.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.GroupStatus;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.observe.GroupSetView;
import io.deepseek.operator.observe.GroupView;
import io.deepseek.operator.plan.GroupRecovery.Action;
import io.deepseek.operator.plan.GroupRecovery.Decision;
import io.deepseek.operator.plan.GroupRecovery.State;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CountersFirstTest {
  static GroupStatus group(int index, int restarts) {
    GroupStatus g = new GroupStatus();
    g.index = index;
    g.revision = "r1";
    g.restarts = restarts;
    return g;
  }

  static GroupView observed(int index) {
    Pod leader = new PodBuilder().withNewMetadata().withName("deepseek-r1-" + index).withUid("uid-" + index)
        .addToLabels(Labels.POSITION, Labels.POSITION_LEADER).addToLabels(Labels.REVISION, "r1").endMetadata().build();
    return new GroupView(index, leader, null, false, List.of(), List.of(), true, null, null);
  }

  @Test
  void theCountersAreWrittenBeforeAnythingIsRecreated() {
    DeepSeekDeploymentStatus before = new DeepSeekDeploymentStatus();
    before.groups.add(group(0, 1));
    before.observedGeneration = 4L;
    Map<Integer, Decision> decisions = Map.of(
        0, new Decision(Action.RECREATE, new State(2, "2026-11-22T12:00:00Z", false, "boom", null), "boom", null),
        1, new Decision(Action.FAIL, new State(5, "2026-11-22T11:00:00Z", true, "bang", null), "bang", null),
        2, new Decision(Action.NONE, State.NONE, null, null));
    TreeMap<Integer, GroupView> groups = new TreeMap<>(Map.of(0, observed(0), 1, observed(1), 2, observed(2)));

    DeepSeekDeploymentStatus counted = Planner.countersFirst(before,
        new GroupSetView(GroupSetView.SERVING, null, groups, List.of()), decisions);

    assertThat(counted.observedGeneration).as("the rest of the status is as it was").isEqualTo(4L);
    assertThat(counted.groups).extracting(g -> g.index).containsExactly(0, 1);
    assertThat(counted.groups.get(0).restarts).isEqualTo(2);
    assertThat(counted.groups.get(0).lastRestartTime).isEqualTo("2026-11-22T12:00:00Z");
    assertThat(counted.groups.get(1).failed).isTrue();
    assertThat(counted.groups.get(1).lastFailure).isEqualTo("bang");
    assertThat(before.groups.get(0).restarts).as("the observed status is not changed in place").isEqualTo(1);
  }
}
