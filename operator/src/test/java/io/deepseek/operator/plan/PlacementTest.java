package io.deepseek.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.model.Reasons;
import io.deepseek.operator.observe.Capacity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Both roles' first groups are placed together or not at all. */
class PlacementTest {
  static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  static final Duration TIMEOUT = Duration.ofMinutes(10);
  static final String GPU = "nvidia.com/gpu";

  static Node node(String name, int gpus, String product) {
    return new NodeBuilder().withNewMetadata().withName(name).addToLabels("nvidia.com/gpu.product", product).endMetadata()
        .withNewSpec().endSpec()
        .withNewStatus().addToAllocatable(GPU, new Quantity("" + gpus)).addToAllocatable("cpu", new Quantity("192"))
        .addToAllocatable("pods", new Quantity("110"))
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
  }

  static Pod bound(String node, int gpus, String phase) {
    return new PodBuilder().withNewMetadata().withName("other-" + node + "-" + phase).endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("c").withNewResources()
        .addToLimits(GPU, new Quantity("" + gpus)).endResources().endContainer().endSpec()
        .withNewStatus().withPhase(phase).endStatus().build();
  }

  static PodSpec h200Pod(int gpus) {
    return new PodSpecBuilder().addToNodeSelector("nvidia.com/gpu.product", "NVIDIA-H200").addNewContainer().withName("engine")
        .withNewResources().addToLimits(GPU, new Quantity("" + gpus)).addToRequests("cpu", new Quantity("8")).endResources()
        .endContainer().build();
  }

  static Placement.Demand demand(String what, PodSpec spec) {
    return new Placement.Demand(what, spec, Capacity.requests(spec));
  }

  /** A role of {@code pods} pods of 8 GPUs, not created yet. */
  static Placement.Role fresh(String role, int pods) {
    List<Placement.Demand> demands = new ArrayList<>();
    for (int i = 0; i < pods; i++) {
      demands.add(demand(role + " group 0 " + (i == 0 ? "leader" : "worker"), h200Pod(8)));
    }
    return new Placement.Role(role, 1, demands, false, false, false, false, null);
  }

  static Capacity capacity(List<Node> nodes, Pod... pods) {
    return Capacity.of(nodes, List.of(pods), NOW);
  }

  @Test
  void firstGroupsThatDoNotFitTogetherAreNotCreated() {
    Capacity twoNodes = capacity(List.of(node("gpu-4", 8, "NVIDIA-H200"), node("gpu-5", 8, "NVIDIA-H200"),
        node("gpu-0", 8, "NVIDIA-H100-80GB-HBM3")));
    Placement.Decision d = Placement.decide(List.of(fresh("prefill", 1), fresh("decode", 2)), twoNodes, null, TIMEOUT, NOW);
    assertThat(d.phase()).isEqualTo(Placement.Phase.Waiting);
    assertThat(d.cap()).isZero();
    assertThat(d.since()).isEqualTo(NOW);
    assertThat(d.wakeAt()).isEqualTo(NOW.plus(Placement.RECHECK));
    assertThat(d.event()).isNull();
    // The H100 node does not match the pods' nodeSelector: it is not counted.
    assertThat(d.message()).contains("room for 2 of their 3 pods", "prefill group 0 leader: 1 pod(s) of 8 nvidia.com/gpu",
        "decode group 0 worker: 1 pod(s) of 8 nvidia.com/gpu", "the 2 matching node(s): gpu-4 8, gpu-5 8")
        .doesNotContain("gpu-0");

    // Still waiting later: since stays.
    Placement.Recorded waiting = new Placement.Recorded(Placement.Phase.Waiting, NOW, null, null);
    Placement.Decision later = Placement.decide(List.of(fresh("prefill", 1), fresh("decode", 2)), twoNodes, waiting, TIMEOUT,
        NOW.plusSeconds(60));
    assertThat(later.since()).isEqualTo(NOW);

    // A third node: both first groups fit and are created, one group each.
    Capacity three = capacity(List.of(node("gpu-4", 8, "NVIDIA-H200"), node("gpu-5", 8, "NVIDIA-H200"),
        node("gpu-6", 8, "NVIDIA-H200")));
    Placement.Decision go = Placement.decide(List.of(fresh("prefill", 1), fresh("decode", 2)), three, waiting, TIMEOUT, NOW);
    assertThat(go.phase()).isEqualTo(Placement.Phase.Scheduling);
    assertThat(go.cap()).isEqualTo(1);
    assertThat(go.message()).doesNotContain("not checked");
  }

  @Test
  void theNodesFreeRoomIsWhatBoundPodsThatHaveNotEndedLeave() {
    Capacity c = capacity(List.of(node("gpu-4", 8, "NVIDIA-H200"), node("gpu-5", 8, "NVIDIA-H200"),
        node("gpu-6", 8, "NVIDIA-H200")), bound("gpu-6", 4, "Running"), bound("gpu-5", 8, "Succeeded"));
    assertThat(c.nodes()).extracting(n -> n.free().get(GPU).intValue()).containsExactly(8, 8, 4);
    Placement.Decision d = Placement.decide(List.of(fresh("prefill", 1), fresh("decode", 2)), c, null, TIMEOUT, NOW);
    assertThat(d.phase()).isEqualTo(Placement.Phase.Waiting);
    assertThat(d.message()).contains("gpu-6 4");
  }

  @Test
  void aResourceBesidesTheAcceleratorThatNoNodeHasIsNamed() {
    PodSpec rdma = new PodSpecBuilder(h200Pod(8)).editFirstContainer().editResources()
        .addToLimits("rdma/hca", new Quantity("1")).endResources().endContainer().build();
    Placement.Role prefill = new Placement.Role("prefill", 1, List.of(demand("prefill group 0 leader", rdma)), false, false,
        false, false, null);
    Placement.Decision d = Placement.decide(List.of(prefill, fresh("decode", 1)),
        capacity(List.of(node("gpu-4", 8, "NVIDIA-H200"), node("gpu-5", 8, "NVIDIA-H200"))), null, TIMEOUT, NOW);
    assertThat(d.phase()).isEqualTo(Placement.Phase.Waiting);
    assertThat(d.message()).contains("room for 1 of their 2 pods", "no matching node has 1 rdma/hca free");
  }

  @Test
  void nodesThePodsCannotGoToAreNotCounted() {
    Node tainted = new NodeBuilder(node("gpu-4", 8, "NVIDIA-H200")).editSpec()
        .withTaints(new TaintBuilder().withKey("dedicated").withValue("training").withEffect("NoSchedule").build()).endSpec()
        .build();
    Node cordoned = new NodeBuilder(node("gpu-5", 8, "NVIDIA-H200")).editSpec().withUnschedulable(true).endSpec().build();
    Node notReady = new NodeBuilder(node("gpu-6", 8, "NVIDIA-H200")).editStatus().editFirstCondition().withStatus("False")
        .endCondition().endStatus().build();
    Capacity c = capacity(List.of(tainted, cordoned, notReady));
    PodSpec pod = h200Pod(8);
    assertThat(c.nodes()).noneMatch(n -> Placement.eligible(pod, n));

    PodSpec tolerating = new PodSpecBuilder(pod).addToTolerations(new TolerationBuilder().withKey("dedicated")
        .withOperator("Equal").withValue("training").withEffect("NoSchedule").build()).build();
    assertThat(Placement.eligible(tolerating, c.nodes().get(0))).isTrue();
    PodSpec everything = new PodSpecBuilder(pod).addToTolerations(new TolerationBuilder().withOperator("Exists").build()).build();
    assertThat(Placement.eligible(everything, c.nodes().get(0))).isTrue();
    // A PreferNoSchedule taint does not keep pods off.
    Node soft = new NodeBuilder(node("gpu-7", 8, "NVIDIA-H200")).editSpec()
        .withTaints(new TaintBuilder().withKey("x").withEffect("PreferNoSchedule").build()).endSpec().build();
    assertThat(Placement.eligible(pod, capacity(List.of(soft)).nodes().get(0))).isTrue();
  }

  @Test
  void requiredNodeAffinityIsMatched() {
    Capacity c = capacity(List.of(node("gpu-4", 8, "NVIDIA-H200"), node("gpu-5", 8, "NVIDIA-H200")));
    PodSpec notGpu4 = new PodSpecBuilder(h200Pod(8)).withNewAffinity().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm().addNewMatchField()
        .withKey("metadata.name").withOperator("NotIn").withValues("gpu-4").endMatchField().endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().build();
    assertThat(c.nodes()).extracting(n -> Placement.eligible(notGpu4, n)).containsExactly(false, true);
    PodSpec rack = new PodSpecBuilder(h200Pod(8)).withNewAffinity().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm().addNewMatchExpression()
        .withKey("rack").withOperator("Exists").endMatchExpression().endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().build();
    assertThat(c.nodes()).noneMatch(n -> Placement.eligible(rack, n));
  }

  @Test
  void largerPodsArePlacedFirstOnTheNodeTheyFillBest() {
    // 4 and 8 GPUs free; pods of 4 and 8: in the order given, first fit would put the 4 on the 8 and fail the 8.
    Capacity c = capacity(List.of(node("a", 8, "NVIDIA-H200"), node("b", 4, "NVIDIA-H200")));
    Placement.Fit fit = Placement.fit(List.of(demand("small", h200Pod(4)), demand("large", h200Pod(8))), c);
    assertThat(fit.unplaced()).isEmpty();
    assertThat(fit.placed()).containsEntry("large#0", "a").containsEntry("small#1", "b");
  }

  @Test
  void withoutTheRightToReadNodesTheFirstGroupsAreCreatedAndTheStatusSaysItWasNotChecked() {
    Placement.Decision d = Placement.decide(List.of(fresh("prefill", 1), fresh("decode", 2)),
        Capacity.unknown("the operator may not list nodes and pods (forbidden)", NOW), null, TIMEOUT, NOW);
    assertThat(d.phase()).isEqualTo(Placement.Phase.Scheduling);
    assertThat(d.cap()).isEqualTo(1);
    assertThat(d.message()).contains("not checked: the operator may not list nodes and pods (forbidden)");
  }

  static Placement.Role created(String role, boolean placed, boolean scheduled, String unschedulable) {
    return new Placement.Role(role, 2, List.of(), placed, true, false, scheduled, unschedulable);
  }

  @Test
  void oneRolePlacedAndTheOtherUnschedulableIsReleasedAfterTheTimeoutAndTriedAgainAfterAsLong() {
    List<Placement.Role> partly = List.of(created("prefill", true, true, null),
        created("decode", false, false, "leader pod x cannot be scheduled: 0/9 nodes are available: 9 Insufficient nvidia.com/gpu"));
    Placement.Decision d = Placement.decide(partly, null, new Placement.Recorded(Placement.Phase.Scheduling, null, null, null),
        TIMEOUT, NOW);
    assertThat(d.phase()).isEqualTo(Placement.Phase.Scheduling);
    assertThat(d.cap()).isEqualTo(1);
    assertThat(d.since()).isEqualTo(NOW);
    assertThat(d.wakeAt()).isEqualTo(NOW.plus(TIMEOUT));
    assertThat(d.message()).contains("The first decode group cannot be scheduled", "while prefill holds nodes",
        "removed at " + NOW.plus(TIMEOUT));

    Placement.Recorded recorded = new Placement.Recorded(Placement.Phase.Scheduling, NOW, null, null);
    assertThat(Placement.decide(partly, null, recorded, TIMEOUT, NOW.plus(TIMEOUT).minusSeconds(1)).cap()).isEqualTo(1);
    Placement.Decision released = Placement.decide(partly, null, recorded, TIMEOUT, NOW.plus(TIMEOUT));
    assertThat(released.phase()).isEqualTo(Placement.Phase.Released);
    assertThat(released.cap()).isZero();
    assertThat(released.retryAt()).isEqualTo(NOW.plus(TIMEOUT).plus(TIMEOUT));
    assertThat(released.event().warning()).isTrue();
    assertThat(released.event().reason()).isEqualTo(Reasons.UNSCHEDULABLE);
    assertThat(released.event().message()).contains("for 10m: removed the first groups of prefill and decode");

    // Until the retry nothing is made again, whatever the nodes have.
    Placement.Recorded wasReleased = new Placement.Recorded(Placement.Phase.Released, NOW, released.retryAt(), null);
    List<Placement.Role> gone = List.of(fresh("prefill", 1), fresh("decode", 2));
    Placement.Decision holding = Placement.decide(gone, null, wasReleased, TIMEOUT, released.retryAt().minusSeconds(1));
    assertThat(holding.cap()).isZero();
    assertThat(holding.wakeAt()).isEqualTo(released.retryAt());
    // Then the first groups are created again (room permitting).
    assertThat(Placement.decide(gone, null, wasReleased, TIMEOUT, released.retryAt()).cap()).isEqualTo(1);
  }

  @Test
  void groupsStillBeingScheduledOrAllPendingAreLeftToTheScheduler() {
    // Nothing scheduled yet: nothing is held, so nothing is removed, however long it takes.
    List<Placement.Role> pending = List.of(created("prefill", false, false, "no room"), created("decode", false, false, "no room"));
    Placement.Decision d = Placement.decide(pending, null, new Placement.Recorded(Placement.Phase.Scheduling, NOW, null, null),
        TIMEOUT, NOW.plus(Duration.ofHours(2)));
    assertThat(d.cap()).isEqualTo(1);
    assertThat(d.since()).isNull();
    assertThat(d.wakeAt()).isNull();
  }

  @Test
  void onceBothFirstGroupsAreScheduledPlacementIsDoneForGood() {
    Placement.Decision d = Placement.decide(List.of(created("prefill", true, true, null), created("decode", true, true, null)),
        null, new Placement.Recorded(Placement.Phase.Scheduling, null, null, null), TIMEOUT, NOW);
    assertThat(d.phase()).isEqualTo(Placement.Phase.Placed);
    assertThat(d.cap()).isNull();
    assertThat(d.placedAt()).isEqualTo(NOW);
    assertThat(d.event().reason()).isEqualTo(Reasons.PLACED);

    // Later, even with every group gone or unschedulable: nothing is held back again.
    Placement.Decision later = Placement.decide(List.of(created("prefill", false, true, null), created("decode", false, false, "x")),
        null, new Placement.Recorded(Placement.Phase.Placed, null, null, NOW), TIMEOUT, NOW.plus(Duration.ofDays(1)));
    assertThat(later.cap()).isNull();
    assertThat(later.event()).isNull();
    assertThat(later.placedAt()).isEqualTo(NOW);
  }

  @Test
  void aDeploymentThatRanBeforeThisCheckKeepsItsGroups() {
    // An operator upgrade: a role runs two groups and nothing was recorded; it is placed, nothing is scaled down.
    Placement.Role running = new Placement.Role("decode", 2, List.of(), false, true, true, true, "worker of group 1 pending");
    Placement.Decision d = Placement.decide(List.of(created("prefill", false, true, "x"), running), null, null, TIMEOUT, NOW);
    assertThat(d.phase()).isEqualTo(Placement.Phase.Placed);
    assertThat(d.cap()).isNull();
  }

  @Test
  void aRoleWithoutGroupsHasNothingToBePlacedWith() {
    Placement.Role none = new Placement.Role("decode", 0, List.of(), false, false, false, false, null);
    assertThat(Placement.decide(List.of(fresh("prefill", 1), none), null, null, TIMEOUT, NOW)).isNull();
  }

  @Test
  void requestsAreSummedAsTheSchedulerSumsThem() {
    PodSpec spec = new PodSpecBuilder().addNewContainer().withName("a").withNewResources()
        .addToRequests("cpu", new Quantity("2")).addToLimits("cpu", new Quantity("4")).addToLimits(GPU, new Quantity("8"))
        .endResources().endContainer()
        .addNewContainer().withName("b").withNewResources().addToRequests("cpu", new Quantity("500m")).endResources().endContainer()
        .addNewInitContainer().withName("download").withNewResources().addToRequests("cpu", new Quantity("4"))
        .endResources().endInitContainer().build();
    Map<String, BigDecimal> r = Capacity.requests(spec);
    assertThat(r.get("cpu")).isEqualByComparingTo("4");
    assertThat(r.get(GPU)).isEqualByComparingTo("8");
  }
}
