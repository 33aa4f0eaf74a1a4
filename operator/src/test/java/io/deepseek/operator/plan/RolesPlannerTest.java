package io.deepseek.operator.plan;

import static io.deepseek.operator.plan.PlannerTest.applied;
import static io.deepseek.operator.plan.PlannerTest.statefulSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.desired.RevisionHistory;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Reasons;
import io.deepseek.operator.model.RenderVersion;
import io.deepseek.operator.model.Revision;
import io.deepseek.operator.observe.Observation;
import io.deepseek.operator.observe.Observer;
import io.deepseek.operator.status.StatusRenderer;
import io.deepseek.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan of a deployment with prefill and decode roles: one set of groups per role, rolled in lockstep. */
class RolesPlannerTest {
  final DeepSeekDeployment d = Fixtures.example("disaggregated/deepseek-v3.1-sglang-pd-h200.yaml");
  final String rev = Revision.of(d);
  final List<Pod> pods = new ArrayList<>();
  final List<StatefulSet> sets = new ArrayList<>();
  final List<Service> services = new ArrayList<>();
  final List<ControllerRevision> revisions = new ArrayList<>();

  Observation observe() {
    return Observer.observe(DeploymentModel.of(d), pods, sets, services, revisions);
  }

  Plan plan() {
    return Planner.plan(DeploymentModel.of(d), observe(), List.of(), PlannerTest.NOW);
  }

  static Pod leader(String role, int g, String revision, String ip, boolean ready) {
    return new PodBuilder().withNewMetadata().withName("deepseek-v3-1-" + role + "-" + g).withUid(role + "-l" + g)
        .addToLabels(Labels.POSITION, Labels.POSITION_LEADER).addToLabels(Labels.SERVING_ROLE, role)
        .addToLabels(Labels.REVISION, revision).addToLabels(Labels.POD_INDEX, "" + g).endMetadata()
        .withNewSpec().withNodeName(role + "-node-" + g).endSpec()
        .withNewStatus().withPodIP(ip).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
        .endStatus().build();
  }

  static StatefulSet leaderSet(String role, String revision, int replicas, int partition) {
    return new StatefulSetBuilder().withNewMetadata().withName("deepseek-v3-1-" + role).withUid("sts-" + role)
        .addToLabels(Labels.SERVING_ROLE, role).endMetadata()
        .withNewSpec().withReplicas(replicas)
        .withNewTemplate().withNewMetadata().addToLabels(Labels.REVISION, revision).endMetadata().endTemplate()
        .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate().withPartition(partition).endRollingUpdate()
        .endUpdateStrategy().endSpec().build();
  }

  @Test
  void aNewDeploymentGetsOneHeadlessServiceAndOneLeaderStatefulSetPerRole() {
    Plan p = plan();
    assertThat(applied(p)).containsExactly("Service/deepseek-v3-1-prefill-pods", "Service/deepseek-v3-1-decode-pods",
        "ControllerRevision/deepseek-v3-1-" + rev, "ServiceAccount/deepseek-v3-1-router", "Role/deepseek-v3-1-router",
        "RoleBinding/deepseek-v3-1-router", "Service/deepseek-v3-1", "Deployment/deepseek-v3-1-router-" + rev,
        "StatefulSet/deepseek-v3-1-prefill", "StatefulSet/deepseek-v3-1-decode");
    assertThat(p.groupSets()).extracting(Plan.GroupSetPlan::name).containsExactly("prefill", "decode");
    assertThat(p.events()).filteredOn(e -> e.reason().equals(Reasons.CREATED_GROUPS)).extracting(Plan.Event::message)
        .containsExactly("Created 1 prefill group(s) of 1 pod(s) (8x H200-141GB each)",
            "Created 1 decode group(s) of 2 pod(s) (8x H200-141GB each)");
    ControllerRevision history = (ControllerRevision) p.applies().get(2).desired();
    assertThat(RevisionHistory.render(history)).isEqualTo(RenderVersion.CURRENT);
    assertThat(statefulSet(p, "deepseek-v3-1-decode").getSpec().getSelector().getMatchLabels())
        .containsEntry(Labels.SERVING_ROLE, "decode");
  }

  @Test
  void eachRoleSeesOnlyItsOwnGroupsAndItsMultiNodeGroupsGetWorkers() {
    pods.add(leader("prefill", 0, rev, "192.0.2.1", false));
    pods.add(leader("decode", 0, rev, "192.0.2.2", false));
    Observation o = observe();
    assertThat(o.set("prefill").groups().keySet()).containsExactly(0);
    assertThat(o.set("prefill").group(0).leaderName()).isEqualTo("deepseek-v3-1-prefill-0");
    assertThat(o.set("decode").group(0).leaderName()).isEqualTo("deepseek-v3-1-decode-0");
    Plan p = plan();
    // Decode groups are two nodes: their workers are made for the decode leader, with its IP; prefill groups are one node.
    StatefulSet workers = statefulSet(p, "deepseek-v3-1-decode-0");
    assertThat(workers.getMetadata().getLabels()).containsEntry(Labels.SERVING_ROLE, "decode").containsEntry(Labels.LEADER_UID, "decode-l0");
    assertThat(workers.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("DS_LEADER_IP=192.0.2.2"));
    assertThat(applied(p)).doesNotContain("StatefulSet/deepseek-v3-1-prefill-0");
    assertThat(p.events()).extracting(Plan.Event::message).anySatisfy(m -> assertThat(m).startsWith("Decode group 0: created 1 worker(s)"));
  }

  @Test
  void theStatusCountsBothRolesAndEachOnItsOwn() {
    pods.add(leader("prefill", 0, rev, "192.0.2.1", true));
    pods.add(leader("decode", 0, rev, "192.0.2.2", false));
    Observation o = observe();
    Plan p = Planner.plan(DeploymentModel.of(d), o, List.of(), PlannerTest.NOW);
    DeepSeekDeploymentStatus s = StatusRenderer.render(DeploymentModel.of(d), o, p, null, PlannerTest.NOW.toString());
    assertThat(s.replicas).isEqualTo(2);
    assertThat(s.readyReplicas).isEqualTo(1);
    assertThat(s.ready).isEqualTo("1/2");
    assertThat(s.roles).extracting(r -> r.role + " " + r.readyReplicas + "/" + r.desiredReplicas)
        .containsExactly("prefill 1/1", "decode 0/1");
    assertThat(s.groups).extracting(g -> g.role + "-" + g.index).containsExactly("prefill-0", "decode-0");
    assertThat(s.conditions).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getMessage()).contains("decode group 0: creating the workers of leader pod deepseek-v3-1-decode-0");
    });
    assertThat(s.nodesPerGroup).isNull();
    assertThat(s.accelerator).isEqualTo("8x H200-141GB");
  }

  /**
   * Two one-pod groups per role rolling from revision "old": group 0 of each is old and ready, group 1 runs the new
   * revision (ready in prefill; in decode as given). Returns the new revision.
   */
  String halfRolled(boolean decodeNewReady) {
    d.getSpec().roles.prefill.replicas = 2;
    d.getSpec().roles.decode.replicas = 2;
    d.getSpec().roles.decode.parallelism.nodes = 1;
    String now = Revision.of(d);
    sets.add(leaderSet("prefill", now, 2, 1));
    pods.add(leader("prefill", 0, "old", "192.0.2.1", true));
    pods.add(leader("prefill", 1, now, "192.0.2.2", true));
    sets.add(leaderSet("decode", now, 2, 1));
    pods.add(leader("decode", 0, "old", "192.0.2.3", true));
    pods.add(leader("decode", 1, now, "192.0.2.4", decodeNewReady));
    return now;
  }

  @Test
  void aRoleAheadInARolloutWaitsForTheOtherRole() {
    // Decode's group 1 was released and is not ready at the new revision yet.
    String now = halfRolled(false);
    Plan p = plan();
    // On its own, prefill would release group 0 now (maxUnavailable 1, both of its groups ready): held at 1 instead.
    assertThat(p.groupSets().get(0).rollout().partition()).isEqualTo(1);
    assertThat(p.groupSets().get(0).rollout().step()).contains("held in lockstep until decode catches up");
    assertThat(p.groupSets().get(1).rollout().partition()).isEqualTo(1);
    assertThat(statefulSet(p, "deepseek-v3-1-prefill").getSpec().getUpdateStrategy().getRollingUpdate().getPartition()).isEqualTo(1);

    // Decode's new group is ready: 1 of 2 each, both release their last group.
    pods.set(pods.size() - 1, leader("decode", 1, now, "192.0.2.4", true));
    p = plan();
    assertThat(p.groupSets().get(0).rollout().partition()).isZero();
    assertThat(p.groupSets().get(1).rollout().partition()).isZero();
  }

  /**
   * The last step of a lockstep rollout would take the old revision's last prefill and decode groups while its router
   * still takes requests: its router is retired first (deleted in the foreground, so it stays while its pods drain), and
   * the step waits until it is gone (DisaggregationIT found 503s from a router left without a pair).
   */
  @Test
  void theOldRevisionsRouterIsRetiredBeforeItsLastPairGoes() {
    String now = halfRolled(true);
    io.fabric8.kubernetes.api.model.apps.Deployment old = router("old", 1);
    Plan p = Planner.plan(DeploymentModel.of(d), Observer.observe(DeploymentModel.of(d), pods, sets, services, revisions,
        List.of(old, router(now, 1))), List.of(), PlannerTest.NOW);
    assertThat(p.deletes()).singleElement().satisfies(del -> {
      assertThat(del.object().getMetadata().getName()).isEqualTo("deepseek-v3-1-router-old");
      assertThat(del.foreground()).isTrue();
      assertThat(del.why()).contains("about to lose its last prefill/decode pair");
    });
    assertThat(p.groupSets()).allSatisfy(set -> {
      assertThat(set.rollout().partition()).isEqualTo(1);
      assertThat(set.rollout().step()).contains("held until the router of revision old has drained");
    });
    assertThat(applied(p)).doesNotContain("Deployment/deepseek-v3-1-router-old");

    // While it drains: nothing more is deleted and the step waits; once it is gone, both roles release their last group.
    old.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    p = Planner.plan(DeploymentModel.of(d), Observer.observe(DeploymentModel.of(d), pods, sets, services, revisions,
        List.of(old, router(now, 1))), List.of(), PlannerTest.NOW);
    assertThat(p.deletes()).isEmpty();
    assertThat(p.groupSets()).allSatisfy(set -> assertThat(set.rollout().partition()).isEqualTo(1));
    p = Planner.plan(DeploymentModel.of(d), Observer.observe(DeploymentModel.of(d), pods, sets, services, revisions,
        List.of(router(now, 1))), List.of(), PlannerTest.NOW);
    assertThat(p.groupSets()).allSatisfy(set -> assertThat(set.rollout().partition()).isZero());
    assertThat(applied(p)).as("no router is made again for the old revision").doesNotContain("Deployment/deepseek-v3-1-router-old");
  }

  /**
   * The new revision's router is ready by its Deployment, but the client Service's endpoints (read during a hand-over)
   * hold only the old one: the old router stays, the last step waits, and the plan wakes up a second later to read
   * them again. Once they hold the new router, the old one is retired.
   */
  @Test
  void theOldRouterIsRetiredOnlyOnceTheClientServiceSendsToTheNewOne() {
    String now = halfRolled(true);
    List<io.fabric8.kubernetes.api.model.HasMetadata> routing = List.of(router("old", 1), router(now, 1));
    Observation o = Observer.observe(DeploymentModel.of(d), pods, sets, services, revisions, routing);
    Plan p = Planner.plan(DeploymentModel.of(d), o.withRouterEndpoints(java.util.Set.of("old")), List.of(), PlannerTest.NOW);
    assertThat(p.deletes()).isEmpty();
    assertThat(p.groupSets()).allSatisfy(set -> {
      assertThat(set.rollout().partition()).isEqualTo(1);
      assertThat(set.rollout().step()).contains("held until the client Service sends to the router of revision " + now);
    });
    assertThat(p.wakeAt()).isEqualTo(PlannerTest.NOW.plusSeconds(1));

    p = Planner.plan(DeploymentModel.of(d), o.withRouterEndpoints(java.util.Set.of("old", now)), List.of(), PlannerTest.NOW);
    assertThat(PlannerTest.deleted(p)).containsExactly("Deployment/deepseek-v3-1-router-old");
  }

  /**
   * A role's group counts for a rollout once its leader has been Ready for a few seconds (its router registers it a
   * moment after Ready): the decode surge group stays until then, and the plan wakes up when it may go.
   */
  @Test
  void aRolesNewGroupCountsOnceItsRouterHadTimeToRegisterIt() {
    d.getSpec().roles.decode.parallelism.nodes = 1;
    d.getSpec().rollout = new io.deepseek.operator.api.v1alpha1.RolloutSpec();
    d.getSpec().rollout.maxSurge = 1;
    d.getSpec().rollout.maxUnavailable = 0;
    String now = Revision.of(d);
    sets.add(leaderSet("prefill", now, 1, 0));
    pods.add(leader("prefill", 0, now, "192.0.2.1", true));
    sets.add(leaderSet("decode", now, 2, 0));
    Pod decode0 = leader("decode", 0, now, "192.0.2.3", true);
    decode0.getStatus().getConditions().get(0).setLastTransitionTime(PlannerTest.NOW.minusSeconds(2).toString());
    pods.add(decode0);
    pods.add(leader("decode", 1, now, "192.0.2.4", true));
    Plan p = plan();
    assertThat(p.groupSets().get(1).rollout().replicas()).as("the surge group stays").isEqualTo(2);
    assertThat(p.groupSets().get(1).rollout().step()).contains("waiting for the last updated groups");
    assertThat(p.wakeAt()).isEqualTo(PlannerTest.NOW.minus(java.time.Duration.ofSeconds(2)).plus(Planner.ROUTER_SETTLE));

    decode0.getStatus().getConditions().get(0).setLastTransitionTime(PlannerTest.NOW.minus(Planner.ROUTER_SETTLE).toString());
    p = plan();
    assertThat(p.groupSets().get(1).rollout().replicas()).as("settled: the surge group goes").isEqualTo(1);
  }

  static io.fabric8.kubernetes.api.model.apps.Deployment router(String revision, int ready) {
    return new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder().withNewMetadata()
        .withName("deepseek-v3-1-router-" + revision).addToLabels(Labels.COMPONENT, "router")
        .addToLabels(Labels.REVISION, revision).endMetadata().withNewStatus().withReadyReplicas(ready).endStatus().build();
  }

  @Test
  void aRouterPerRevisionThatHasGroupsDiscoversOnlyLeadersOfThatRevision() {
    pods.add(leader("prefill", 0, "old", "192.0.2.1", true));
    pods.add(leader("decode", 0, rev, "192.0.2.2", true));
    List<io.fabric8.kubernetes.api.model.HasMetadata> routing = List.of(router("old", 1), router("gone", 0));
    Observation o = Observer.observe(DeploymentModel.of(d), pods, sets, services, revisions, routing);
    Plan p = Planner.plan(DeploymentModel.of(d), o, List.of(), PlannerTest.NOW);
    assertThat(applied(p)).contains("Deployment/deepseek-v3-1-router-" + rev, "Deployment/deepseek-v3-1-router-old",
        "Service/deepseek-v3-1");
    assertThat(PlannerTest.deleted(p)).containsExactly("Deployment/deepseek-v3-1-router-gone");
    io.fabric8.kubernetes.api.model.apps.Deployment router = p.applies().stream().map(Plan.Apply::desired)
        .filter(x -> x.getMetadata().getName().equals("deepseek-v3-1-router-old"))
        .map(io.fabric8.kubernetes.api.model.apps.Deployment.class::cast).findFirst().orElseThrow();
    List<String> args = router.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    int prefill = args.indexOf("--prefill-selector");
    int decode = args.indexOf("--decode-selector");
    assertThat(args.subList(prefill + 1, decode)).containsExactlyInAnyOrder("serving.deepseek-operator.io/deployment=deepseek-v3-1",
        "serving.deepseek-operator.io/serving-role=prefill", "serving.deepseek-operator.io/role=leader",
        "serving.deepseek-operator.io/revision=old");
    assertThat(args.subList(decode + 1, decode + 5)).contains("serving.deepseek-operator.io/serving-role=decode",
        "serving.deepseek-operator.io/role=leader", "serving.deepseek-operator.io/revision=old");
    assertThat(router.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe().getHttpGet().getPath())
        .isEqualTo("/readiness");
    Service client = (Service) p.applies().stream().map(Plan.Apply::desired)
        .filter(x -> x.getMetadata().getName().equals("deepseek-v3-1")).findFirst().orElseThrow();
    assertThat(client.getSpec().getSelector()).containsEntry(Labels.COMPONENT, "router").doesNotContainKey(Labels.REVISION);
    // The prefill leader carries the bootstrap port the router hands to decode.
    StatefulSet prefillSet = statefulSet(p, "deepseek-v3-1-prefill");
    assertThat(prefillSet.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("sglang.ai/bootstrap-port", "8998");
    assertThat(java.util.Optional.ofNullable(statefulSet(p, "deepseek-v3-1-decode").getSpec().getTemplate().getMetadata()
        .getAnnotations()).orElse(java.util.Map.of())).doesNotContainKey("sglang.ai/bootstrap-port");
  }

  @Test
  void readyNeedsTheRouterOfTheRevisionTooAndAllGroups() {
    d.getSpec().roles.decode.parallelism.nodes = 1;
    String now = Revision.of(d);
    pods.add(leader("prefill", 0, now, "192.0.2.1", true));
    pods.add(leader("decode", 0, now, "192.0.2.2", true));
    for (int readyRouters : List.of(0, 1)) {
      Observation o = Observer.observe(DeploymentModel.of(d), pods, sets, services, revisions, List.of(router(now, readyRouters)));
      Plan p = Planner.plan(DeploymentModel.of(d), o, List.of(), PlannerTest.NOW);
      DeepSeekDeploymentStatus s = StatusRenderer.render(DeploymentModel.of(d), o, p, null, PlannerTest.NOW.toString());
      io.fabric8.kubernetes.api.model.Condition ready = s.conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst()
          .orElseThrow();
      assertThat(ready.getStatus()).isEqualTo(readyRouters > 0 ? "True" : "False");
      assertThat(ready.getReason()).isEqualTo(readyRouters > 0 ? Reasons.READY : Reasons.ROUTER_NOT_READY);
      assertThat(s.endpoint).isEqualTo("http://deepseek-v3-1.ai.svc:8000/v1");
    }
  }

  static io.deepseek.operator.api.v1alpha1.AutoscalingSpec autoscaling(int min, int max,
      io.deepseek.operator.api.v1alpha1.AutoscalingSpec.Metric metric, String value) {
    var a = new io.deepseek.operator.api.v1alpha1.AutoscalingSpec();
    a.minReplicas = min;
    a.maxReplicas = max;
    var t = new io.deepseek.operator.api.v1alpha1.AutoscalingSpec.Target();
    t.metric = metric;
    t.value = value;
    a.targets = List.of(t);
    return a;
  }

  static io.deepseek.operator.observe.EngineMetrics load(String pod, double waiting, double running, double kv) {
    return new io.deepseek.operator.observe.EngineMetrics(pod, waiting, running, kv, 1, java.util.Map.of(), null);
  }

  /**
   * Each role scales on its own signal: decode on its KV-cache usage, prefill on its waiting requests; the band then keeps
   * prefill:decode within bounds. Decisions go into status.roles[].autoscaling, never into the spec.
   */
  @Test
  void eachRoleScalesOnItsOwnSignalWithinTheRatioBand() {
    d.getSpec().roles.decode.parallelism.nodes = 1;
    d.getSpec().roles.decode.autoscaling = autoscaling(1, 4, io.deepseek.operator.api.v1alpha1.AutoscalingSpec.Metric.KVCacheUsage, "0.5");
    d.getSpec().roles.prefill.autoscaling = autoscaling(1, 4, io.deepseek.operator.api.v1alpha1.AutoscalingSpec.Metric.WaitingRequests, "10");
    String now = Revision.of(d);
    pods.add(leader("prefill", 0, now, "192.0.2.1", true));
    pods.add(leader("decode", 0, now, "192.0.2.2", true));
    sets.add(leaderSet("prefill", now, 1, 0));
    sets.add(leaderSet("decode", now, 1, 0));
    // Decode's KV cache is 95% full (asks for 2 groups at 0.5); prefill has nothing waiting.
    var reading = new io.deepseek.operator.observe.MetricsReading(PlannerTest.NOW, "pods", java.util.Map.of(
        "deepseek-v3-1-prefill-0", load("deepseek-v3-1-prefill-0", 0, 3, 0.1),
        "deepseek-v3-1-decode-0", load("deepseek-v3-1-decode-0", 0, 40, 0.95)), null);
    Observation o = observe().withMetrics(reading);
    Plan p = Planner.plan(DeploymentModel.of(d), o, List.of(), PlannerTest.NOW);
    assertThat(p.groupSets()).extracting(Plan.GroupSetPlan::replicas).containsExactly(1, 2);
    assertThat(statefulSet(p, "deepseek-v3-1-decode").getSpec().getReplicas()).isEqualTo(2);
    assertThat(p.groupSets().get(1).autoscaling().reason).contains("KVCacheUsage");
    assertThat(p.events()).extracting(Plan.Event::message).anySatisfy(m -> assertThat(m).startsWith("Autoscaler (decode): "));
    DeepSeekDeploymentStatus s = StatusRenderer.render(DeploymentModel.of(d), o, p, null, PlannerTest.NOW.toString());
    assertThat(s.roles).extracting(r -> r.role + " " + r.desiredReplicas + " " + (r.autoscaling == null ? null : r.autoscaling.desiredReplicas))
        .containsExactly("prefill 1 1", "decode 2 2");
    assertThat(s.ready).isEqualTo("2/3");

    // With a band of at most 1 decode group per prefill group (prefill per decode >= 1), prefill follows decode up.
    d.getSpec().disaggregation.prefillPerDecode = new io.deepseek.operator.api.v1alpha1.DisaggregationSpec.RatioBand();
    d.getSpec().disaggregation.prefillPerDecode.min = "1";
    p = Planner.plan(DeploymentModel.of(d), o, List.of(), PlannerTest.NOW);
    assertThat(p.groupSets()).extracting(Plan.GroupSetPlan::replicas).containsExactly(2, 2);
    assertThat(p.groupSets().get(0).autoscaling().reason).contains("outside spec.disaggregation.prefillPerDecode [1, ");
    assertThat(Revision.of(d)).as("autoscaling and the band are no new revision").isEqualTo(now);
  }

  static io.fabric8.kubernetes.api.model.Node h200(String name) {
    return new io.fabric8.kubernetes.api.model.NodeBuilder(PlacementTest.node(name, 8, "NVIDIA-H200")).editStatus()
        .addToAllocatable("rdma/hca", new io.fabric8.kubernetes.api.model.Quantity("8")).endStatus().build();
  }

  Plan planWithRoom(String... nodes) {
    List<io.fabric8.kubernetes.api.model.Node> list = java.util.Arrays.stream(nodes).map(RolesPlannerTest::h200).toList();
    Observation o = observe().withCapacity(io.deepseek.operator.observe.Capacity.of(list, List.of(), PlannerTest.NOW));
    return Planner.plan(DeploymentModel.of(d), o, List.of(), PlannerTest.NOW);
  }

  @Test
  void nothingOfEitherRoleIsCreatedUntilBothFirstGroupsFit() {
    // One prefill pod and two decode pods of 8 GPUs each: two H200 nodes are not enough.
    Plan p = planWithRoom("gpu-4", "gpu-5");
    assertThat(applied(p)).noneMatch(a -> a.startsWith("StatefulSet/") || a.startsWith("Deployment/"));
    assertThat(applied(p)).contains("Service/deepseek-v3-1", "ServiceAccount/deepseek-v3-1-router");
    assertThat(p.placement().phase).isEqualTo("Waiting");
    assertThat(p.wakeAt()).isEqualTo(PlannerTest.NOW.plus(Placement.RECHECK));
    assertThat(p.events()).noneMatch(e -> e.reason().equals(Reasons.CREATED_GROUPS));
    DeepSeekDeploymentStatus s = StatusRenderer.render(DeploymentModel.of(d), observe(), p, null, PlannerTest.NOW.toString());
    assertThat(s.conditions).filteredOn(c -> c.getType().equals("Ready")).singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo(Reasons.INSUFFICIENT_CAPACITY))
        .satisfies(c -> assertThat(c.getMessage()).contains("room for 2 of their 3 pods"));
    assertThat(s.conditions).filteredOn(c -> c.getType().equals("Degraded")).singleElement()
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(s.placement.phase).isEqualTo("Waiting");
    assertThat(s.ready).isEqualTo("0/2");

    Plan fits = planWithRoom("gpu-4", "gpu-5", "gpu-6");
    assertThat(applied(fits)).contains("Deployment/deepseek-v3-1-router-" + rev);
    assertThat(statefulSet(fits, "deepseek-v3-1-prefill").getSpec().getReplicas()).isEqualTo(1);
    assertThat(statefulSet(fits, "deepseek-v3-1-decode").getSpec().getReplicas()).isEqualTo(1);
    assertThat(fits.placement().phase).isEqualTo("Scheduling");
  }

  @Test
  void untilPlacedEachRoleRunsOnlyItsFirstGroup() {
    d.getSpec().roles.prefill.replicas = 3;
    d.getSpec().roles.decode.replicas = 2;
    Plan p = planWithRoom("gpu-4", "gpu-5", "gpu-6");
    assertThat(statefulSet(p, "deepseek-v3-1-prefill").getSpec().getReplicas()).isEqualTo(1);
    assertThat(statefulSet(p, "deepseek-v3-1-decode").getSpec().getReplicas()).isEqualTo(1);
    assertThat(p.replicas()).isEqualTo(5);
    assertThat(p.groupSets()).extracting(Plan.GroupSetPlan::replicas).containsExactly(3, 2);

    // Both first groups scheduled: placed, and every group is made.
    pods.add(leader("prefill", 0, rev, "10.0.0.1", false));
    pods.add(leader("decode", 0, rev, "10.0.0.2", false));
    pods.add(new PodBuilder().withNewMetadata().withName("deepseek-v3-1-decode-0-1").withUid("decode-w0")
        .addToLabels(Labels.POSITION, Labels.POSITION_WORKER).addToLabels(Labels.SERVING_ROLE, "decode")
        .addToLabels(Labels.GROUP_INDEX, "0").addToLabels(Labels.REVISION, rev).endMetadata()
        .withNewSpec().withNodeName("decode-node-w").endSpec().build());
    sets.add(leaderSet("prefill", rev, 1, 0));
    sets.add(leaderSet("decode", rev, 1, 0));
    Plan placed = plan();
    assertThat(placed.placement().phase).isEqualTo("Placed");
    assertThat(placed.events()).anyMatch(e -> e.reason().equals(Reasons.PLACED));
    assertThat(statefulSet(placed, "deepseek-v3-1-prefill").getSpec().getReplicas()).isEqualTo(3);
    assertThat(statefulSet(placed, "deepseek-v3-1-decode").getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void aDisaggregatedDeploymentRunningBeforePlacementExistedIsNotScaledDown() {
    d.getSpec().roles.decode.replicas = 2;
    sets.add(leaderSet("prefill", rev, 1, 0));
    sets.add(leaderSet("decode", rev, 2, 0));
    pods.add(leader("prefill", 0, rev, "10.0.0.1", true));
    pods.add(leader("decode", 0, rev, "10.0.0.2", true));
    pods.add(leader("decode", 1, rev, "10.0.0.3", true));
    Plan p = plan();
    assertThat(p.placement().phase).isEqualTo("Placed");
    assertThat(p.applies()).map(Plan.Apply::desired).filteredOn(o -> o.getMetadata().getName().equals("deepseek-v3-1-decode"))
        .allSatisfy(o -> assertThat(((StatefulSet) o).getSpec().getReplicas()).isEqualTo(2));
    assertThat(p.groupSets()).extracting(g -> g.rollout().replicas()).containsExactly(1, 2);
  }

  @Test
  void aHalfPlacedPairIsRemovedAfterThePlacementTimeout() {
    d.setStatus(new DeepSeekDeploymentStatus());
    d.getStatus().placement = new DeepSeekDeploymentStatus.PlacementStatus();
    d.getStatus().placement.phase = "Scheduling";
    d.getStatus().placement.since = PlannerTest.NOW.minus(java.time.Duration.ofMinutes(10)).toString();
    sets.add(leaderSet("prefill", rev, 1, 0));
    sets.add(leaderSet("decode", rev, 1, 0));
    pods.add(leader("prefill", 0, rev, "10.0.0.1", false));
    pods.add(new PodBuilder(leader("decode", 0, rev, null, false)).editSpec().withNodeName(null).endSpec().editStatus()
        .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
        .withMessage("0/9 nodes are available: 9 Insufficient nvidia.com/gpu.").endCondition().endStatus().build());
    Plan p = plan();
    assertThat(p.placement().phase).isEqualTo("Released");
    assertThat(p.placement().retryTime).isEqualTo(PlannerTest.NOW.plus(java.time.Duration.ofMinutes(10)).toString());
    assertThat(statefulSet(p, "deepseek-v3-1-prefill").getSpec().getReplicas()).isZero();
    assertThat(statefulSet(p, "deepseek-v3-1-decode").getSpec().getReplicas()).isZero();
    assertThat(p.events()).filteredOn(e -> e.reason().equals(Reasons.UNSCHEDULABLE)).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("The first decode group cannot be scheduled",
            "9 Insufficient nvidia.com/gpu", "while prefill holds nodes for 10m"));
    assertThat(p.wakeAt()).isEqualTo(PlannerTest.NOW.plus(java.time.Duration.ofMinutes(10)));

    // A minute earlier it was still waiting for the scheduler, and said when it would give up.
    d.getStatus().placement.since = PlannerTest.NOW.minus(java.time.Duration.ofMinutes(9)).toString();
    Plan before = plan();
    assertThat(before.placement().phase).isEqualTo("Scheduling");
    assertThat(before.placement().message).contains("both are removed at " + PlannerTest.NOW.plus(java.time.Duration.ofMinutes(1)));
    assertThat(statefulSet(before, "deepseek-v3-1-prefill").getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  void vllmRouterWithMooncakeAndDiscoverySendsNoKvTransferAndTheStatusSaysSo() {
    d.getSpec().engine.type = io.deepseek.operator.api.v1alpha1.EngineType.VLLM;
    d.getSpec().engine.image = "vllm/vllm-openai:v0.25.1";
    d.getSpec().router = new io.deepseek.operator.api.v1alpha1.RouterSpec();
    d.getSpec().router.image = "registry.example.com/vllm-router:0.1.17";
    DeepSeekDeploymentStatus s = StatusRenderer.render(DeploymentModel.of(d), observe(), plan(), null, PlannerTest.NOW.toString());
    assertThat(s.conditions).filteredOn(c -> c.getType().equals("Degraded")).singleElement().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo(Reasons.NO_KV_TRANSFER);
      assertThat(c.getMessage()).contains("vllm-project/router#209", "Use disaggregation.transferBackend: NIXL");
    });
    // Never the reason groups are not ready.
    assertThat(s.conditions).filteredOn(c -> c.getType().equals("Ready")).singleElement()
        .satisfies(c -> assertThat(c.getReason()).isNotEqualTo(Reasons.NO_KV_TRANSFER));

    d.getSpec().disaggregation.transferBackend = io.deepseek.operator.api.v1alpha1.DisaggregationSpec.TransferBackend.NIXL;
    DeepSeekDeploymentStatus nixl = StatusRenderer.render(DeploymentModel.of(d), observe(), plan(), null, PlannerTest.NOW.toString());
    assertThat(nixl.conditions).noneMatch(c -> Reasons.NO_KV_TRANSFER.equals(c.getReason()));

    d.getSpec().disaggregation.transferBackend = io.deepseek.operator.api.v1alpha1.DisaggregationSpec.TransferBackend.Mooncake;
    d.getSpec().router.image = "registry.example.com/vllm-router:0.1.18";
    DeepSeekDeploymentStatus fixed = StatusRenderer.render(DeploymentModel.of(d), observe(), plan(), null, PlannerTest.NOW.toString());
    assertThat(fixed.conditions).noneMatch(c -> Reasons.NO_KV_TRANSFER.equals(c.getReason()));
  }
}
