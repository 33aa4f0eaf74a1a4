package io.deepseek.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.desired.RevisionHistory;
import io.deepseek.operator.model.Annotations;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Reasons;
import io.deepseek.operator.model.Revision;
import io.deepseek.operator.observe.Observation;
import io.deepseek.operator.observe.Observer;
import io.deepseek.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan step on its own: worker planning, revision history and the no-write property, without a cluster. */
class PlannerTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  final DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
  final String rev = Revision.of(d);

  /** The cluster as the plan sees it: whatever the test puts in. */
  final List<Pod> pods = new ArrayList<>();
  final List<StatefulSet> sets = new ArrayList<>();
  final List<Service> services = new ArrayList<>();
  final List<ControllerRevision> revisions = new ArrayList<>();

  Plan plan() {
    return plan(NOW);
  }

  Plan plan(Instant now) {
    DeploymentModel m = DeploymentModel.of(d);
    Observation o = Observer.observe(m, pods, sets, services, revisions);
    return Planner.plan(m, o, List.of(), now);
  }

  static Pod leader(int g, String uid, String revision, String ip) {
    return new PodBuilder().withNewMetadata().withName("deepseek-r1-" + g).withUid(uid)
        .addToLabels(Labels.POSITION, Labels.POSITION_LEADER).addToLabels(Labels.REVISION, revision)
        .addToLabels(Labels.POD_INDEX, "" + g).endMetadata()
        .withNewSpec().withNodeName("gpu-" + g).endSpec()
        .withNewStatus().withPodIP(ip).endStatus().build();
  }

  static Pod worker(int g, String uid, StatefulSet owner) {
    return new PodBuilder().withNewMetadata().withName("deepseek-r1-" + g + "-1").withUid(uid)
        .addToLabels(Labels.POSITION, Labels.POSITION_WORKER).addToLabels(Labels.GROUP_INDEX, "" + g)
        .addToLabels(Labels.POD_INDEX, "1").addToLabels(Labels.REVISION, owner.getMetadata().getLabels().get(Labels.REVISION))
        .addNewOwnerReference().withUid(owner.getMetadata().getUid()).withKind("StatefulSet")
        .withName(owner.getMetadata().getName()).endOwnerReference().endMetadata()
        .withNewSpec().withNodeName("gpu-1" + g).endSpec().build();
  }

  static StatefulSet workerSet(int g, String leaderUid, String revision) {
    return new StatefulSetBuilder().withNewMetadata().withName("deepseek-r1-" + g).withUid("sts-" + g + "-" + leaderUid)
        .addToLabels(Labels.COMPONENT, Labels.POSITION_WORKER).addToLabels(Labels.GROUP_INDEX, "" + g)
        .addToLabels(Labels.LEADER_UID, leaderUid).addToLabels(Labels.REVISION, revision).endMetadata().build();
  }

  static List<String> names(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }

  static StatefulSet statefulSet(Plan p, String name) {
    return p.applies().stream().map(Plan.Apply::desired).filter(o -> o instanceof StatefulSet && o.getMetadata().getName().equals(name))
        .map(StatefulSet.class::cast).findFirst().orElseThrow();
  }

  static List<String> applied(Plan p) {
    return names(p.applies().stream().map(Plan.Apply::desired).toList());
  }

  static List<String> deleted(Plan p) {
    return names(p.deletes().stream().map(Plan.Delete::object).toList());
  }

  @Test
  void aNewDeploymentGetsItsServicesHistoryAndLeadersButNoWorkersBeforeTheLeaderHasAnIp() {
    Plan p = plan();
    assertThat(applied(p)).containsExactly("Service/deepseek-r1-pods", "Service/deepseek-r1",
        "ControllerRevision/deepseek-r1-" + rev, "StatefulSet/deepseek-r1");
    assertThat(p.deletes()).isEmpty();
    assertThat(p.countersFirst()).isNull();
    assertThat(p.events()).extracting(Plan.Event::reason).containsExactly(Reasons.CREATED_GROUPS);

    pods.add(leader(0, "l0", rev, null));
    assertThat(applied(plan())).doesNotContain("StatefulSet/deepseek-r1-0");
  }

  @Test
  void aLeaderWithAnIpGetsWorkersMadeForItWithItsIpAndUid() {
    pods.add(leader(0, "l0", rev, "192.0.2.1"));
    Plan p = plan();
    StatefulSet workers = (StatefulSet) p.applies().stream().map(Plan.Apply::desired)
        .filter(o -> o.getMetadata().getName().equals("deepseek-r1-0")).findFirst().orElseThrow();
    assertThat(workers.getMetadata().getLabels()).containsEntry(Labels.LEADER_UID, "l0").containsEntry(Labels.REVISION, rev);
    assertThat(workers.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo("l0"));
    assertThat(workers.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("DS_LEADER_IP=192.0.2.1"));
    assertThat(p.events()).extracting(Plan.Event::reason).contains(Reasons.CREATED_GROUP_WORKERS);
  }

  @Test
  void workersMadeForAnotherLeaderAreDeletedBeforeTheNewOnesAreApplied() {
    pods.add(leader(0, "l0-new", rev, "192.0.2.1"));
    sets.add(workerSet(0, "l0-old", rev));
    Plan p = plan();
    assertThat(deleted(p)).containsExactly("StatefulSet/deepseek-r1-0");
    assertThat(applied(p)).contains("StatefulSet/deepseek-r1-0");
    assertThat(p.applies().stream().filter(a -> a.desired().getMetadata().getName().equals("deepseek-r1-0")))
        .singleElement().satisfies(a -> assertThat(a.actual()).as("created anew, not updated").isNull());
  }

  /**
   * A group scaled away (or a surge group at the end of a rollout) serves until its leader is deleted and then drains:
   * its workers stay while the leader exists, or the engine would lose them mid-request. Once the leader is gone, they go.
   */
  @Test
  void aGroupScaledAwayKeepsItsWorkersUntilItsLeaderIsGone() {
    pods.add(leader(0, "l0", rev, "192.0.2.1"));
    Pod removed = leader(1, "l1", rev, "192.0.2.2");
    pods.add(removed);
    sets.add(workerSet(1, "l1", rev));
    assertThat(deleted(plan())).as("the leader still serves").isEmpty();

    removed.getMetadata().setDeletionTimestamp("2026-12-02T00:00:00Z");
    assertThat(deleted(plan())).as("the leader drains").isEmpty();

    pods.remove(removed);
    assertThat(deleted(plan())).containsExactly("StatefulSet/deepseek-r1-1");
  }

  @Test
  void singleNodeGroupsHaveNoWorkerSets() {
    d.getSpec().parallelism.nodes = 1;
    d.getSpec().parallelism.tensor = 8;
    pods.add(leader(0, "l0", Revision.of(d), "192.0.2.1"));
    sets.add(workerSet(0, "l0", Revision.of(d)));
    Plan p = plan();
    assertThat(deleted(p)).containsExactly("StatefulSet/deepseek-r1-0");
    assertThat(applied(p)).doesNotContain("StatefulSet/deepseek-r1-0");
  }

  @Test
  void aGroupHeldAtAnOlderRevisionGetsWorkersOfThatRevision() {
    DeepSeekDeployment old = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    old.getSpec().engine.image = "lmsysorg/sglang:v0.5.17";
    String oldRev = Revision.of(old);
    revisions.add(RevisionHistory.of(old, oldRev));
    pods.add(leader(0, "l0", oldRev, "192.0.2.1"));
    Plan p = plan();
    StatefulSet workers = (StatefulSet) p.applies().stream().map(Plan.Apply::desired)
        .filter(o -> o.getMetadata().getName().equals("deepseek-r1-0")).findFirst().orElseThrow();
    assertThat(workers.getMetadata().getLabels()).containsEntry(Labels.REVISION, oldRev);
    assertThat(workers.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("lmsysorg/sglang:v0.5.17");
    assertThat(deleted(p)).as("the old revision is still in use").isEmpty();
  }

  @Test
  void aLeaderAtARevisionNobodyRecordedIsRecreated() {
    pods.add(leader(0, "l0", "unknown", "192.0.2.1"));
    Plan p = plan();
    assertThat(deleted(p)).containsExactly("Pod/deepseek-r1-0");
    assertThat(applied(p)).doesNotContain("StatefulSet/deepseek-r1-0");
    assertThat(p.events()).anySatisfy(e -> {
      assertThat(e.warning()).isTrue();
      assertThat(e.reason()).isEqualTo(Reasons.RECREATING_GROUP);
      assertThat(e.message()).contains("runs revision unknown, which is no longer known");
    });
  }

  @Test
  void revisionsNoPodRunsAreDeletedTheCurrentOneIsKept() {
    DeepSeekDeployment old = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    old.getSpec().engine.image = "lmsysorg/sglang:v0.5.17";
    revisions.add(RevisionHistory.of(old, Revision.of(old)));
    revisions.add(RevisionHistory.of(d, rev));
    pods.add(leader(0, "l0", rev, null));
    Plan p = plan();
    assertThat(deleted(p)).containsExactly("ControllerRevision/deepseek-r1-" + Revision.of(old));
    assertThat(applied(p)).as("the current revision exists already").doesNotContain("ControllerRevision/deepseek-r1-" + rev);
  }

  /** What recovery concluded about group 0 in a plan made now. */
  String failureOfGroup0() {
    return plan().groupSets().get(0).recovery().get(0).failure();
  }

  @Test
  void aGroupsMembersAreReadFromItsStatusForItsWorkerSet() {
    pods.add(leader(0, "l0", rev, "192.0.2.1"));
    StatefulSet set = workerSet(0, "l0", rev);
    sets.add(set);
    Pod w = worker(0, "w0", set);
    pods.add(w);
    DeepSeekDeploymentStatus.GroupStatus g = new DeepSeekDeploymentStatus.GroupStatus();
    g.index = 0;
    g.revision = rev;
    g.leaderUID = "l0";
    g.workersUID = set.getMetadata().getUid();
    g.members = "w0/deepseek-r1-0-1/gpu-10";
    d.setStatus(new DeepSeekDeploymentStatus());
    d.getStatus().groups.add(g);
    assertThat(failureOfGroup0()).isNull();
    pods.remove(w);
    pods.add(worker(0, "w0-new", set));
    assertThat(failureOfGroup0()).isEqualTo("worker pod deepseek-r1-0-1 on node gpu-10 is gone (deleted, evicted or its node lost)");
    g.workersUID = "sts-of-an-earlier-group";
    assertThat(failureOfGroup0()).as("members recorded for another worker set say nothing of this one").isNull();
    // Recorded by an operator before 0.2: the worker set's annotation.
    set.getMetadata().setAnnotations(Map.of(Annotations.MEMBERS, "w0/deepseek-r1-0-1/gpu-10"));
    assertThat(failureOfGroup0()).startsWith("worker pod deepseek-r1-0-1 on node gpu-10 is gone");
  }

  /** Group 0: its leader, and a worker whose engine container restarted once. */
  void groupWithARestartedWorker() {
    pods.add(leader(0, "l0", rev, "192.0.2.1"));
    StatefulSet set = workerSet(0, "l0", rev);
    sets.add(set);
    Pod w = worker(0, "w0", set);
    w.setStatus(new PodStatusBuilder().addNewContainerStatus().withName("engine").withRestartCount(1)
        .endContainerStatus().build());
    pods.add(w);
  }

  @Test
  void aRestartedWorkerRecreatesTheGroupCountedFirst() {
    groupWithARestartedWorker();
    Plan p = plan();
    assertThat(p.countersFirst()).isNotNull();
    assertThat(p.countersFirst().groups).singleElement().satisfies(g -> {
      assertThat(g.restarts).isEqualTo(1);
      assertThat(g.leaderUID).as("the next leader is the operator's doing").isNull();
    });
    assertThat(deleted(p)).containsExactly("StatefulSet/deepseek-r1-0", "Pod/deepseek-r1-0");
    assertThat(applied(p)).as("no workers for a group that is going").doesNotContain("StatefulSet/deepseek-r1-0");
    assertThat(p.serving().recreating(0)).isTrue();
  }

  /**
   * The reconcile right after a recreation may still see the old pods (the operator does not cache its own pod
   * deletions), but reads the counters it wrote first, with the UID of the leader it deleted: whenever it comes, even
   * after the back-off, the same failure is not counted again; the old objects are deleted again, by UID (a delete that
   * did not go through is made; one that did is a no-op), and no Event is repeated.
   */
  @Test
  void theNextReconcileDoesNotRecreateTheSameFailureAgain() {
    d.getSpec().failure = new io.deepseek.operator.api.v1alpha1.FailureSpec();
    d.getSpec().failure.backoff = "1s";
    groupWithARestartedWorker();
    Plan first = plan();
    assertThat(first.countersFirst().groups).singleElement().satisfies(g -> {
      assertThat(g.restarts).isEqualTo(1);
      assertThat(g.retiredLeaderUID).isEqualTo("l0");
    });
    d.setStatus(first.countersFirst());
    for (Instant later : List.of(NOW, NOW.plusSeconds(1), NOW.plusSeconds(30))) {
      Plan again = plan(later);
      assertThat(again.countersFirst()).as("at " + later).isNull();
      assertThat(again.events()).as("at " + later).filteredOn(Plan.Event::warning).isEmpty();
      assertThat(again.deletes()).as("the same objects, named by UID").extracting(del -> del.object().getMetadata().getUid())
          .containsExactly("sts-0-l0", "l0");
      assertThat(again.serving().recreating(0)).isTrue();
      assertThat(applied(again)).doesNotContain("StatefulSet/deepseek-r1-0");
      io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus s = io.deepseek.operator.status.StatusRenderer.render(
          DeploymentModel.of(d), Observer.observe(DeploymentModel.of(d), pods, sets, services, revisions), again, d.getStatus(),
          later.toString());
      assertThat(s.groups).singleElement().satisfies(g -> {
        assertThat(g.restarts).isEqualTo(1);
        assertThat(g.leaderUID).as("the old leader is not the group's").isNull();
        assertThat(g.retiredLeaderUID).isEqualTo("l0");
        assertThat(g.message).startsWith("recreating the group (1 of ");
      });
    }
  }

  /**
   * The leader the recreation brings is the operator's doing: not a lost leader, also when a status was written while
   * the operator still saw the old one.
   */
  @Test
  void theLeaderARecreationBringsIsNotCountedAsLost() {
    groupWithARestartedWorker();
    Plan first = plan();
    d.setStatus(first.countersFirst());
    DeploymentModel m = DeploymentModel.of(d);
    Plan stale = plan(NOW.plusSeconds(1));
    d.setStatus(io.deepseek.operator.status.StatusRenderer.render(m, Observer.observe(m, pods, sets, services, revisions), stale,
        d.getStatus(), NOW.plusSeconds(1).toString()));
    pods.clear();
    sets.clear();
    pods.add(leader(0, "l0-new", rev, "192.0.2.9"));
    Plan next = plan(NOW.plusSeconds(40));
    assertThat(next.countersFirst()).isNull();
    assertThat(next.events()).filteredOn(Plan.Event::warning).isEmpty();
    assertThat(deleted(next)).isEmpty();
    assertThat(applied(next)).as("workers for the new leader").contains("StatefulSet/deepseek-r1-0");
  }

  @Test
  void whatThePlanAppliedIsNotAppliedAgain() {
    pods.add(leader(0, "l0", rev, "192.0.2.1"));
    Plan first = plan();
    for (Plan.Apply a : first.applies()) {
      HasMetadata o = a.desired();
      if (o instanceof StatefulSet s) {
        sets.add(s);
      } else if (o instanceof Service s) {
        services.add(s);
      } else {
        revisions.add((ControllerRevision) o);
      }
    }
    Plan second = plan();
    assertThat(second.applies()).isEmpty();
    assertThat(second.writesNothing()).isTrue();
    assertThat(second.events()).isEmpty();
  }

  @Test
  void anInvalidSpecPlansNoWrites() {
    DeploymentModel m = DeploymentModel.of(d);
    Plan p = Planner.plan(m, Observer.observe(m, pods, sets, services, revisions), List.of("spec.x: bad"), NOW);
    assertThat(p.valid()).isFalse();
    assertThat(p.writesNothing()).isTrue();
    assertThat(p.serving()).isNull();
    assertThat(p.revision()).isEqualTo(rev);
  }

  @Test
  void aHugeReplicaCountCostsWhatExistsNotWhatWasTyped() {
    d.getSpec().replicas = Integer.MAX_VALUE;
    pods.add(leader(0, "l0", rev, "192.0.2.1"));
    DeploymentModel m = DeploymentModel.of(d);
    Observation o = Observer.observe(m, pods, sets, services, revisions);
    assertThat(o.serving().groups()).hasSize(1);
    Plan p = Planner.plan(m, o, List.of(), NOW);
    assertThat(p.serving().rollout().replicas()).isEqualTo(Integer.MAX_VALUE);
    io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus s =
        io.deepseek.operator.status.StatusRenderer.render(m, o, p, null, NOW.toString());
    assertThat(s.groups).hasSize(1);
    assertThat(s.ready).isEqualTo("0/" + Integer.MAX_VALUE);
  }

  @Test
  void aNewDeploymentWhoseNameIsTakenCreatesNothing() {
    DeploymentModel m = DeploymentModel.of(d);
    Observation o = Observer.observe(m, pods, sets, services, revisions)
        .withForeign(Map.of("Service/deepseek-r1", "is owned by Deployment web"));
    Plan p = Planner.plan(m, o, List.of(), NOW);
    assertThat(p.blocked()).isTrue();
    assertThat(p.writesNothing()).isTrue();
    assertThat(p.events()).isEmpty();
    assertThat(p.conflicts()).singleElement().asString().isEqualTo("Service deepseek-r1 is owned by Deployment web; it was left"
        + " untouched. Rename this DeepSeekDeployment, or remove or rename that Service");
  }

  @Test
  void aRunningDeploymentSkipsOnlyTheTakenNameAndGoesOnWithTheRest() {
    Plan first = plan();
    first.applies().stream().map(Plan.Apply::desired).filter(o -> o instanceof StatefulSet).forEach(o -> sets.add((StatefulSet) o));
    pods.add(leader(0, "l0", rev, "192.0.2.1"));
    DeploymentModel m = DeploymentModel.of(d);
    Observation o = Observer.observe(m, pods, sets, services, revisions)
        .withForeign(Map.of("StatefulSet/deepseek-r1-0", "is owned by Deployment db"));
    Plan p = Planner.plan(m, o, List.of(), NOW);
    assertThat(p.blocked()).isFalse();
    assertThat(applied(p)).doesNotContain("StatefulSet/deepseek-r1-0").contains("Service/deepseek-r1");
    assertThat(p.events()).extracting(Plan.Event::reason).doesNotContain(Reasons.CREATED_GROUP_WORKERS);
    assertThat(p.conflicts()).singleElement().asString().startsWith("StatefulSet deepseek-r1-0 is owned by Deployment db");
    assertThat(Planner.creates(p)).extracting(x -> x.getMetadata().getName()).doesNotContain("deepseek-r1-0");
  }

  @Test
  void anOperatorUpgradeNeverRerendersARunningRevision() {
    // What the operator before render versions wrote: the leader StatefulSet, legacy-rendered and hash-stamped, and a
    // ControllerRevision without a render version.
    DeploymentModel legacy = DeploymentModel.of(d).renderedAs(io.deepseek.operator.model.RenderVersion.LEGACY);
    StatefulSet leaders = io.deepseek.operator.desired.LeaderStatefulSets.build(legacy, rev, 1, 0);
    Writes.apply(leaders, null);
    sets.add(leaders);
    ControllerRevision old = RevisionHistory.of(d, rev);
    old.getMetadata().getLabels().remove(Labels.RENDER_VERSION);
    revisions.add(old);
    pods.add(leader(0, "l0", rev, "192.0.2.1"));
    Plan p = plan();
    assertThat(applied(p)).as("no write to the running leaders: their pods stay").doesNotContain("StatefulSet/deepseek-r1");
    StatefulSet workers = (StatefulSet) p.applies().stream().map(Plan.Apply::desired)
        .filter(o -> o.getMetadata().getName().equals("deepseek-r1-0")).findFirst().orElseThrow();
    assertThat(workers.getSpec().getTemplate().getSpec().getSecurityContext()).as("new workers of a legacy revision too").isNull();

    // The next spec change is a new revision: rendered as today (hardened, draining), rolled group by group like any change.
    d.getSpec().engine.image = "lmsysorg/sglang:v0.5.19";
    Plan next = plan();
    StatefulSet rolled = statefulSet(next, "deepseek-r1");
    assertThat(rolled.getSpec().getTemplate().getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(rolled.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(605L);
    assertThat(next.applies().stream().map(Plan.Apply::desired).filter(o -> o instanceof ControllerRevision))
        .singleElement().satisfies(r -> assertThat(r.getMetadata().getLabels()).containsEntry(Labels.RENDER_VERSION,
            String.valueOf(io.deepseek.operator.model.RenderVersion.CURRENT)));
  }

  /** The upgrade that brought draining leaves hardened revisions as they run: no preStop hook appears on running pods. */
  @Test
  void anOperatorUpgradeNeverRerendersAHardenedRevision() {
    DeploymentModel hardened = DeploymentModel.of(d).renderedAs(io.deepseek.operator.model.RenderVersion.HARDENED);
    StatefulSet leaders = io.deepseek.operator.desired.LeaderStatefulSets.build(hardened, rev, 1, 0);
    Writes.apply(leaders, null);
    sets.add(leaders);
    revisions.add(RevisionHistory.of(d, rev, io.deepseek.operator.model.RenderVersion.HARDENED));
    pods.add(leader(0, "l0", rev, "192.0.2.1"));
    Plan p = plan();
    assertThat(applied(p)).as("no write to the running leaders: their pods stay").doesNotContain("StatefulSet/deepseek-r1");
    assertThat(leaders.getSpec().getTemplate().getSpec().getContainers().get(0).getLifecycle()).isNull();
  }

  /**
   * The upgrade that writes flags in the engine release's spelling leaves running revisions as they are: SGLang 0.5.23
   * groups started with --dp-size and --enable-dp-attention keep them; the next revision says --attn-dp-size.
   */
  @Test
  void anOperatorUpgradeNeverRespellsTheFlagsOfARunningRevision() {
    d.getSpec().engine.image = "lmsysorg/sglang:v0.5.23";
    d.getSpec().engine.dataParallelAttention = true;
    d.getSpec().parallelism.data = 2;
    String running = io.deepseek.operator.model.Revision.of(d);
    DeploymentModel draining = DeploymentModel.of(d).renderedAs(io.deepseek.operator.model.RenderVersion.DRAINING);
    StatefulSet leaders = io.deepseek.operator.desired.LeaderStatefulSets.build(draining, running, 1, 0);
    Writes.apply(leaders, null);
    sets.add(leaders);
    revisions.add(RevisionHistory.of(d, running, io.deepseek.operator.model.RenderVersion.DRAINING));
    pods.add(leader(0, "l0", running, "192.0.2.1"));
    assertThat(applied(plan())).as("no write to the running leaders: their pods stay").doesNotContain("StatefulSet/deepseek-r1");
    assertThat(String.join(" ", leaders.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()))
        .contains("--enable-dp-attention", "--dp-size 2").doesNotContain("--attn-dp-size");

    d.getSpec().engine.memoryFraction = 0.85;
    List<String> args = statefulSet(plan(), "deepseek-r1").getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    assertThat(String.join(" ", args)).contains("--attn-dp-size 2").doesNotContain("--enable-dp-attention", "--dp-size");
  }

  @Test
  void aNewDeploymentIsRenderedHardened() {
    d.getSpec().network.rdma = new io.deepseek.operator.api.v1alpha1.NetworkSpec.RdmaSpec();
    d.getSpec().network.rdma.resourceName = "rdma/hca";
    StatefulSet leaders = statefulSet(plan(), "deepseek-r1");
    var container = leaders.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getSecurityContext().getCapabilities().getAdd()).as("with RDMA").containsExactly("IPC_LOCK");
  }

  /** A pod controlled by an owner of this kind (apiVersion/kind), as the StatefulSet or ReplicaSet controller makes it. */
  static Pod controlledBy(String name, String uid, String apiVersion, String kind, String ownerName, String ownerUid) {
    return new PodBuilder().withNewMetadata().withName(name).withUid(uid)
        .addToLabels(Labels.POSITION, Labels.POSITION_WORKER).addToLabels(Labels.GROUP_INDEX, "0")
        .addNewOwnerReference().withApiVersion(apiVersion).withKind(kind).withName(ownerName).withUid(ownerUid)
        .withController(true).endOwnerReference().endMetadata().build();
  }

  Observation observeWithStrays(Map<String, Instant> since) {
    DeploymentModel m = DeploymentModel.of(d);
    return Observer.observe(m, pods, sets, services, revisions).withStrays(since);
  }

  /**
   * The garbage collector misses a StatefulSet deleted and made again under the same name while its watch was broken,
   * and keeps the old one's pods (kubernetes/kubernetes#120862): the new StatefulSet cannot make a pod of that name, and
   * the group never forms. A pod that has outlived its StatefulSet by the grace is deleted, by its UID, with a Warning.
   */
  @Test
  void aPodThatOutlivedItsStatefulSetIsDeletedOnceTheGraceHasPassed() {
    pods.add(leader(0, "l0", rev, "192.0.2.1"));
    StatefulSet current = workerSet(0, "l0", rev);
    sets.add(current);
    Pod stray = controlledBy("deepseek-r1-0-1", "stray", "apps/v1", "StatefulSet", "deepseek-r1-0", "sts-gone");
    pods.add(stray);
    pods.add(controlledBy("deepseek-r1-0-2", "kept", "apps/v1", "StatefulSet", "deepseek-r1-0", current.getMetadata().getUid()));

    assertThat(Observer.strays(observeWithStrays(Map.of()))).containsExactly(stray);
    Instant seen = NOW.minusSeconds(10);
    DeploymentModel m = DeploymentModel.of(d);
    Plan early = Planner.plan(m, observeWithStrays(Map.of("stray", seen)), List.of(), NOW);
    assertThat(deleted(early)).as("the garbage collector may still take it").isEmpty();
    assertThat(early.wakeAt()).isEqualTo(seen.plus(Planner.STRAY_GRACE));

    Plan due = Planner.plan(m, observeWithStrays(Map.of("stray", seen)), List.of(), seen.plus(Planner.STRAY_GRACE));
    assertThat(due.deletes()).singleElement().satisfies(del -> {
      assertThat(del.object().getMetadata().getName()).isEqualTo("deepseek-r1-0-1");
      assertThat(del.object().getMetadata().getUid()).as("deleted by UID: a replacement is never touched").isEqualTo("stray");
      assertThat(del.foreground()).isFalse();
    });
    assertThat(due.events()).filteredOn(e -> Reasons.STRAY_POD.equals(e.reason())).singleElement().satisfies(e -> {
      assertThat(e.warning()).isTrue();
      assertThat(e.message()).contains("deepseek-r1-0-1", "deepseek-r1-0", "sts-gone");
    });
  }

  @Test
  void onlyLivePodsOfAStatefulSetThatIsNotCachedAreStrays() {
    StatefulSet terminating = workerSet(0, "l0", rev);
    terminating.getMetadata().setDeletionTimestamp("2026-11-22T11:59:59Z");
    sets.add(terminating);
    pods.add(controlledBy("deepseek-r1-0-1", "of-terminating-set", "apps/v1", "StatefulSet", "deepseek-r1-0",
        terminating.getMetadata().getUid()));
    Pod leaving = controlledBy("deepseek-r1-1-1", "leaving", "apps/v1", "StatefulSet", "deepseek-r1-1", "sts-gone");
    leaving.getMetadata().setDeletionTimestamp("2026-11-22T11:59:59Z");
    pods.add(leaving);
    pods.add(controlledBy("deepseek-r1-router-abc", "router", "apps/v1", "ReplicaSet", "deepseek-r1-router-5f", "rs"));
    pods.add(leader(2, "l2", rev, "192.0.2.3"));

    assertThat(Observer.strays(observeWithStrays(Map.of()))).isEmpty();
  }
}
