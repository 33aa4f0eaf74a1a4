package io.deepseek.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Json;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Revision;
import io.deepseek.operator.observe.Observation;
import io.deepseek.operator.observe.Observer;
import io.deepseek.operator.plan.Planner;
import io.deepseek.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusRendererTest {
  static final String T0 = "2026-11-22T10:00:00Z";
  static final String T1 = "2026-11-22T10:05:00Z";
  final DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
  final String rev = Revision.of(d);

  Pod leader(int g, boolean ready, String node) {
    return new PodBuilder().withNewMetadata().withName("deepseek-r1-" + g).withUid("uid-" + g)
        .addToLabels(Labels.POSITION, Labels.POSITION_LEADER).addToLabels(Labels.REVISION, rev).addToLabels(Labels.POD_INDEX, "" + g)
        .endMetadata().withNewSpec().withNodeName(node).endSpec()
        .withNewStatus().withPodIP("10.0.0." + g).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
        .endStatus().build();
  }

  Pod worker(int g, boolean ready, String node) {
    return new PodBuilder().withNewMetadata().withName("deepseek-r1-" + g + "-1")
        .addToLabels(Labels.POSITION, Labels.POSITION_WORKER).addToLabels(Labels.REVISION, rev).addToLabels(Labels.GROUP_INDEX, "" + g)
        .addToLabels(Labels.POD_INDEX, "1").endMetadata().withNewSpec().withNodeName(node).endSpec()
        .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus().build();
  }

  StatefulSet workers(int g) {
    return new StatefulSetBuilder().withNewMetadata().withName("deepseek-r1-" + g).addToLabels(Labels.LEADER_UID, "uid-" + g)
        .endMetadata().build();
  }

  DeepSeekDeploymentStatus build(List<Pod> pods, List<StatefulSet> sets, DeepSeekDeploymentStatus previous, String now) {
    return render(pods, sets, List.of(), previous, now);
  }

  /** What the reconciler does: observe, plan, render. */
  DeepSeekDeploymentStatus render(List<Pod> pods, List<StatefulSet> sets, List<String> problems, DeepSeekDeploymentStatus previous,
      String now) {
    DeploymentModel m = DeploymentModel.of(d);
    Observation o = Observer.observe(m, pods, sets, List.of(), List.of());
    return StatusRenderer.render(m, o, Planner.plan(m, o, problems, Instant.parse(now)), previous, now);
  }

  @Test
  void aGroupsMembersAreRecordedOnceAllItsWorkersExistAndKeptForItsWorkerSet() {
    StatefulSet set = workers(0);
    set.getMetadata().setUid("sts-a");
    Pod w = worker(0, false, "gpu-2");
    w.getMetadata().setUid("w-a");
    w.getMetadata().setOwnerReferences(List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder().withKind("StatefulSet")
        .withName(set.getMetadata().getName()).withUid("sts-a").build()));
    DeepSeekDeploymentStatus first = build(List.of(leader(0, true, "gpu-1"), w), List.of(set), null, T0);
    assertThat(first.groups.get(0).workersUID).isEqualTo("sts-a");
    assertThat(first.groups.get(0).members).isEqualTo("w-a/deepseek-r1-0-1/gpu-2");
    // Recorded: kept as it was, whatever the worker pods are now (a replacement is a lost rank, not a new member).
    Pod replacement = Json.copy(w);
    replacement.getMetadata().setUid("w-b");
    DeepSeekDeploymentStatus later = build(List.of(leader(0, true, "gpu-1"), replacement), List.of(set), first, T1);
    assertThat(later.groups.get(0).members).isEqualTo("w-a/deepseek-r1-0-1/gpu-2");
    // A new worker set (the group was recreated): its own members.
    StatefulSet renewed = workers(0);
    renewed.getMetadata().setUid("sts-b");
    replacement.getMetadata().getOwnerReferences().get(0).setUid("sts-b");
    DeepSeekDeploymentStatus renewedStatus = build(List.of(leader(0, true, "gpu-1"), replacement), List.of(renewed), first, T1);
    assertThat(renewedStatus.groups.get(0).workersUID).isEqualTo("sts-b");
    assertThat(renewedStatus.groups.get(0).members).isEqualTo("w-b/deepseek-r1-0-1/gpu-2");
    // Not all workers yet: nothing recorded.
    assertThat(build(List.of(leader(0, true, "gpu-1")), List.of(set), null, T0).groups.get(0).members).isNull();
  }

  @Test
  void aGroupIsReadyWhenEveryPodIsAndTheWorkersAreItsLeaders() {
    DeepSeekDeploymentStatus s = build(List.of(leader(0, true, "gpu-0"), worker(0, true, "gpu-1")), List.of(workers(0)), null, T0);
    assertThat(s.readyReplicas).isEqualTo(1);
    assertThat(s.ready).isEqualTo("1/1");
    assertThat(s.groups).singleElement().satisfies(g -> {
      assertThat(g.nodes).containsExactly("gpu-0", "gpu-1");
      assertThat(g.ready).isTrue();
      assertThat(g.leader).isEqualTo("deepseek-r1-0");
    });
    assertThat(s.endpoint).isEqualTo("http://deepseek-r1.ai.svc:8000/v1");
    assertThat(s.selector).isEqualTo("serving.deepseek-operator.io/deployment=deepseek-r1,serving.deepseek-operator.io/role=leader");
    assertThat(Conditions.find(s.conditions, "Ready").getReason()).isEqualTo("Ready");
    assertThat(Conditions.find(s.conditions, "Progressing").getStatus()).isEqualTo("False");
  }

  @Test
  void workersMadeForAnotherLeaderDoNotCount() {
    StatefulSet old = new StatefulSetBuilder(workers(0)).editMetadata().addToLabels(Labels.LEADER_UID, "previous-leader").endMetadata().build();
    DeepSeekDeploymentStatus s = build(List.of(leader(0, true, "gpu-0"), worker(0, true, "gpu-1")), List.of(old), null, T0);
    assertThat(s.readyReplicas).isZero();
    assertThat(s.groups.get(0).message).contains("creating the workers");
  }

  @Test
  void anUnschedulablePodIsNamedInDegraded() {
    Pod pending = new PodBuilder(worker(0, false, null)).editStatus().addNewCondition().withType("PodScheduled").withStatus("False")
        .withReason("Unschedulable").withMessage("0/6 nodes are available: 6 Insufficient nvidia.com/gpu.").endCondition().endStatus().build();
    DeepSeekDeploymentStatus s = build(List.of(leader(0, true, "gpu-0"), pending), List.of(workers(0)), null, T0);
    assertThat(Conditions.find(s.conditions, "Degraded").getMessage())
        .isEqualTo("group 0: worker pod deepseek-r1-0-1 cannot be scheduled: 0/6 nodes are available: 6 Insufficient nvidia.com/gpu.");
    assertThat(Conditions.find(s.conditions, "Ready").getReason()).isEqualTo("Unschedulable");
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusFlips() {
    DeepSeekDeploymentStatus first = build(List.of(leader(0, false, "gpu-0")), List.of(), null, T0);
    DeepSeekDeploymentStatus second = build(List.of(leader(0, false, "gpu-0"), worker(0, false, "gpu-1")), List.of(workers(0)), first, T1);
    assertThat(Conditions.find(second.conditions, "Ready").getLastTransitionTime()).isEqualTo(T0);
    DeepSeekDeploymentStatus third = build(List.of(leader(0, true, "gpu-0"), worker(0, true, "gpu-1")), List.of(workers(0)), second, T1);
    assertThat(Conditions.find(third.conditions, "Ready").getLastTransitionTime()).isEqualTo(T1);
  }

  @Test
  void scalingIsProgressing() {
    d.getSpec().replicas = 2;
    DeepSeekDeploymentStatus s = build(List.of(leader(0, true, "gpu-0"), worker(0, true, "gpu-1")), List.of(workers(0)), null, T0);
    assertThat(s.ready).isEqualTo("1/2");
    assertThat(Conditions.find(s.conditions, "Progressing").getReason()).isEqualTo("ScalingUp");
  }

  @Test
  void theModelAndTheEngineReleaseAreReadAsSaidWithWhere() {
    DeepSeekDeploymentStatus s = build(List.of(), List.of(), null, T0);
    assertThat(s.model.known).isEqualTo("DeepSeek-R1");
    assertThat(s.model.precision).isEqualTo("FP8");
    assertThat(s.model.precisionFrom).isEqualTo("the published format of DeepSeek-R1");
    assertThat(s.model.engineVersion).isEqualTo("0.5.18");
    assertThat(s.model.engineVersionFrom).isEqualTo("image tag");
    d.getSpec().engine.image = "lmsysorg/sglang:latest";
    d.getSpec().model.name = "Qwen/Qwen3-235B";
    assertThat(build(List.of(), List.of(), null, T0).model).as("nothing known, nothing said").isNull();
  }

  @Test
  void anInvalidSpecIsReportedAndSaysNothingChanged() {
    DeepSeekDeploymentStatus s = render(List.of(), List.of(), List.of("spec.x: bad"), null, T0);
    assertThat(Conditions.find(s.conditions, "Ready").getReason()).isEqualTo("InvalidSpec");
    assertThat(Conditions.find(s.conditions, "Degraded").getMessage()).isEqualTo("The spec is invalid, nothing was changed: spec.x: bad");
  }

  @Test
  void aFailedModelDownloadIsReported() {
    Pod failing = new PodBuilder(leader(0, false, "gpu-0")).editStatus().addNewInitContainerStatus().withName("model-download")
        .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
        .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").withMessage("401 Unauthorized\n").endTerminated().endLastState()
        .endInitContainerStatus().endStatus().build();
    DeepSeekDeploymentStatus s = build(List.of(failing), List.of(), null, T0);
    assertThat(Conditions.find(s.conditions, "Degraded").getReason()).isEqualTo("ModelDownloadFailed");
    assertThat(Conditions.find(s.conditions, "Degraded").getMessage())
        .startsWith("group 0: model download failed on pod deepseek-r1-0 (exit code 1, Error: 401 Unauthorized)");
    assertThat(Conditions.find(s.conditions, "Ready").getReason()).isEqualTo("ModelDownloadFailed");
  }
}
