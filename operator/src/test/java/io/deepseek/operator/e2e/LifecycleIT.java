package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Group lifecycle on the local cluster: failures recreate whole groups with bounded restarts; rollouts hold at the
 * partition, roll back the same way, and survive an operator crash (the availability bounds of maxUnavailable and
 * maxSurge are checked under load in ServingIT). A rank fails as a process that is
 * killed on its simulated node (hack/nodeagent), its kubelet reporting the restart.
 */
class LifecycleIT extends InNamespace {
  static final Duration WAIT = Duration.ofMinutes(2);
  static final String NAME = "deepseek-r1";

  @Override
  String prefix() {
    return "lc";
  }

  void apply(String extraSpec, int replicas) throws IOException {
    applyShrunk(cluster, ns, extraSpec, replicas);
  }

  /**
   * The S4 example, shrunk so that several groups fit the simulated nodes: 2 pods x 4 GPUs per group, no host network,
   * and leaders that stop at once (draining is what ServingIT measures; here it would only add 5 s to every group that
   * goes).
   */
  static void applyShrunk(LocalCluster cluster, String ns, String extraSpec, int replicas) throws IOException {
    String yaml = Files.readString(cluster.root.resolve("examples/deepseek-r1-sglang-2x8-h100.yaml"))
        .replace("replicas: 1", "replicas: " + replicas).replace("perNode: 8", "perNode: 4").replace("tensor: 16", "tensor: 8")
        .replace("    product: H100-80GB\n", "").replace("hostNetwork: true", "hostNetwork: false")
        .replace("  startup:\n", extraSpec + "  shutdown: {drainDelay: 0s}\n  startup:\n");
    Path file = Files.createTempFile("lifecycle", ".yaml");
    Files.writeString(file, yaml);
    cluster.kubectlOrFail("apply", "-n", ns, "-f", file.toString());
  }

  DeepSeekDeployment dsd() {
    return client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(NAME).get();
  }

  Condition condition(String type) {
    DeepSeekDeployment d = dsd();
    return d == null || d.getStatus() == null ? null : Conditions.find(d.getStatus().conditions, type);
  }

  boolean settled(int groups) {
    DeepSeekDeployment d = dsd();
    return d != null && d.getStatus() != null && d.getStatus().observedGeneration.equals(d.getMetadata().getGeneration())
        && Conditions.isTrue(d.getStatus().conditions, "Ready") && !Conditions.isTrue(d.getStatus().conditions, "Progressing")
        && readyGroups(pods()) == groups && pods().size() == groups * 2;
  }

  List<Pod> pods() {
    return client.pods().inNamespace(ns).withLabel(Labels.DEPLOYMENT, NAME).list().getItems();
  }

  static boolean ready(Pod p) {
    return p != null && p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Groups whose leader and worker are ready and of one revision, counted from the pods themselves. */
  static long readyGroups(List<Pod> pods) {
    Map<String, Pod> leaders = pods.stream().filter(p -> Labels.POSITION_LEADER.equals(p.getMetadata().getLabels().get(Labels.POSITION)))
        .collect(Collectors.toMap(p -> p.getMetadata().getLabels().get(Labels.POD_INDEX), p -> p, (a, b) -> a));
    return leaders.entrySet().stream().filter(e -> ready(e.getValue())).filter(e -> pods.stream().anyMatch(w ->
        Labels.POSITION_WORKER.equals(w.getMetadata().getLabels().get(Labels.POSITION))
            && e.getKey().equals(w.getMetadata().getLabels().get(Labels.GROUP_INDEX)) && ready(w)
            && Objects.equals(w.getMetadata().getLabels().get(Labels.REVISION), e.getValue().getMetadata().getLabels().get(Labels.REVISION))))
        .count();
  }

  Pod pod(String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  /** The pod exists again, as another pod than {@code uid}. */
  boolean replaced(String name, String uid) {
    Pod p = pod(name);
    return p != null && !uid.equals(p.getMetadata().getUid());
  }

  /** A rank's engine dies. */
  void crash(String podName) {
    crash(cluster, pod(podName));
  }

  /**
   * A rank's engine dies: where the node agent runs the pods, its process is killed (SIGKILL) and the kubelet's report
   * follows; with kwok only, the report a kubelet would make (the container restarted after exit code 137) is written.
   */
  static void crash(LocalCluster cluster, Pod p) {
    if (cluster.agent()) {
      new Serving(cluster).kill(p.getMetadata().getNamespace(), p.getMetadata().getName(), "engine");
      return;
    }
    // kwok may write the pod's status between our read and our write: read again and retry on a conflict.
    for (int attempt = 1; ; attempt++) {
      Pod live = attempt == 1 ? p : cluster.client.resource(p).get();
      live.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder(live.getStatus().getContainerStatuses().get(0))
          .withRestartCount(1).withNewLastState().withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated()
          .endLastState().build()));
      try {
        cluster.client.resource(live).updateStatus();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  @Test
  void killingAWorkerRecreatesTheWholeGroup() throws IOException {
    apply("", 1);
    await().atMost(WAIT).until(() -> settled(1));
    await().atMost(WAIT).until(() -> pods().size() == 2 && membersRecorded());
    String leaderUid = pod(NAME + "-0").getMetadata().getUid();
    long t0 = System.nanoTime();
    client.pods().inNamespace(ns).withName(NAME + "-0-1").delete();
    await().atMost(WAIT).until(() -> replaced(NAME + "-0", leaderUid) && settled(1));
    System.out.printf("[e2e] worker deleted -> group recreated and Ready: %.2f s%n", (System.nanoTime() - t0) / 1e9);
    assertThat(dsd().getStatus().groups.get(0).restarts).isEqualTo(1);
    assertThat(dsd().getStatus().groups.get(0).lastFailure).startsWith("worker pod deepseek-r1-0-1");
    assertThat(cluster.kubectlOrFail("get", "events", "-n", ns)).contains("RecreatingGroup");

    // A leader lost behind the operator's back: the group comes back whole by itself, and that counts as a recreation.
    await().atMost(WAIT).until(this::membersRecorded);
    String secondLeader = pod(NAME + "-0").getMetadata().getUid();
    client.pods().inNamespace(ns).withName(NAME + "-0").delete();
    await().atMost(WAIT).until(() -> replaced(NAME + "-0", secondLeader) && settled(1) && dsd().getStatus().groups.get(0).restarts == 2);
    assertThat(dsd().getStatus().groups.get(0).lastFailure).isEqualTo("leader pod deepseek-r1-0 was replaced (deleted, evicted or its node lost)");
    String thirdLeader = pod(NAME + "-0").getMetadata().getUid();
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(pod(NAME + "-0").getMetadata().getUid()).as("the new group is not recreated again").isEqualTo(thirdLeader);
    assertThat(dsd().getStatus().groups.get(0).restarts).isEqualTo(2);
  }

  @Test
  void removingANodeBringsItsGroupBackOnOtherNodes() throws IOException {
    apply("", 1);
    await().atMost(WAIT).until(() -> settled(1) && membersRecorded());
    String leaderUid = pod(NAME + "-0").getMetadata().getUid();
    String lost = pod(NAME + "-0-1").getSpec().getNodeName();
    Node node = client.nodes().withName(lost).get();
    long t0 = System.nanoTime();
    client.nodes().withName(lost).delete();
    try {
      // The pod garbage collector deletes pods bound to a node that is gone (after its 40 s quarantine); the group follows.
      await().atMost(Duration.ofMinutes(3)).until(() -> replaced(NAME + "-0", leaderUid) && settled(1)
          && pods().stream().noneMatch(p -> lost.equals(p.getSpec().getNodeName())));
      System.out.printf("[e2e] node %s removed -> group back on other nodes and Ready: %.2f s%n", lost, (System.nanoTime() - t0) / 1e9);
      assertThat(dsd().getStatus().groups.get(0).restarts).isEqualTo(1);
      assertThat(dsd().getStatus().groups.get(0).nodes).doesNotContain(lost);
    } finally {
      node.getMetadata().setResourceVersion(null);
      node.getMetadata().setUid(null);
      node.getMetadata().setCreationTimestamp(null);
      node.getMetadata().setManagedFields(null);
      node.getSpec().setTaints(null);
      client.nodes().resource(node).create();
      await().atMost(WAIT).until(() -> client.nodes().withName(lost).get().getStatus().getConditions().stream()
          .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
    }
  }

  @Test
  void aCrashLoopStopsAtMaxRestartsWithTheConditionAndNoRestartStorm() throws IOException {
    apply("  failure: {maxRestarts: 2, backoff: 1s}\n", 1);
    await().atMost(WAIT).until(() -> settled(1));
    for (int i = 0; i < 3; i++) {
      String uid = pod(NAME + "-0").getMetadata().getUid();
      await().atMost(WAIT).until(() -> ready(pod(NAME + "-0-1")) && ready(pod(NAME + "-0")));
      crash(NAME + "-0-1");
      if (i < 2) {
        await().atMost(WAIT).until(() -> replaced(NAME + "-0", uid));
      }
    }
    await().atMost(WAIT).until(() -> condition("Degraded") != null && "GroupFailed".equals(condition("Degraded").getReason()));
    // The cause is the rank whose failure the operator saw first: the killed worker (exit 137), or the leader whose engine
    // exits at once when a rank is lost, when its status arrives first (both are reported within milliseconds).
    assertThat(condition("Degraded").getMessage()).contains("group 0 failed after 2 recreations", "on node gpu-")
        .satisfiesAnyOf(m -> assertThat(m).contains("pod deepseek-r1-0-1", "exit code 137"),
            m -> assertThat(m).contains("pod deepseek-r1-0 ", "restarted"));
    String failedUid = pod(NAME + "-0").getMetadata().getUid();
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> true);
    assertThat(pod(NAME + "-0").getMetadata().getUid()).as("no further recreation").isEqualTo(failedUid);
    assertThat(dsd().getStatus().groups.get(0).failed).isTrue();
    assertThat(cluster.kubectlOrFail("get", "events", "-n", ns)).contains("GroupFailed");

    // The documented retry: delete the leader pod. The group comes back whole, and once ready its failure clears.
    client.pods().inNamespace(ns).withName(NAME + "-0").delete();
    await().atMost(WAIT).until(() -> settled(1) && condition("Degraded") != null && "False".equals(condition("Degraded").getStatus()));
    assertThat(dsd().getStatus().groups.get(0).failed).isNull();
  }

  @Test
  void aRecoveryBackingOffWhenTheOperatorDiesCompletesOnceAfterTheRestart() throws IOException {
    // The back-off counts from the previous recreation, and a group takes some 10 s to be ready again: 30 s leave a wait.
    apply("  failure: {maxRestarts: 5, backoff: 30s}\n", 1);
    await().atMost(WAIT).until(() -> settled(1));
    String first = pod(NAME + "-0").getMetadata().getUid();
    crash(NAME + "-0-1");
    await().atMost(WAIT).until(() -> replaced(NAME + "-0", first) && settled(1));
    String second = pod(NAME + "-0").getMetadata().getUid();
    crash(NAME + "-0-1");
    // The second recreation waits; the operator dies while it waits.
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> condition("Degraded") != null
        && "GroupRestarting".equals(condition("Degraded").getReason()));
    assertThat(pod(NAME + "-0").getMetadata().getUid()).as("still backing off").isEqualTo(second);
    cluster.killAndRestartOperator();
    await().atMost(WAIT).until(() -> replaced(NAME + "-0", second) && settled(1));
    String third = pod(NAME + "-0").getMetadata().getUid();
    assertThat(dsd().getStatus().groups.get(0).restarts).as(this::story).isEqualTo(2);
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(pod(NAME + "-0").getMetadata().getUid()).as("recreated once, not again").isEqualTo(third);
    assertThat(dsd().getStatus().groups.get(0).restarts).as(this::story).isEqualTo(2);
    assertThat(condition("Degraded").getStatus()).isEqualTo("False");
  }

  /** Runs a change while counting the ready groups; returns the fewest seen once every group runs the new revision. */
  int rollAndWatch(Runnable change, int groups) {
    try (ReadyGroupsWatch watch = new ReadyGroupsWatch(this::pods)) {
      long t0 = System.nanoTime();
      change.run();
      long generation = dsd().getMetadata().getGeneration();
      await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
        DeepSeekDeployment d = dsd();
        return d.getStatus().observedGeneration >= generation && settled(groups)
            && pods().stream().allMatch(p -> d.getStatus().updateRevision.equals(p.getMetadata().getLabels().get(Labels.REVISION)));
      });
      System.out.printf("[e2e] rolled %d groups in %.2f s; fewest ready groups: %d%n", groups, (System.nanoTime() - t0) / 1e9,
          watch.fewest());
      return watch.fewest();
    }
  }

  void newImage() {
    cluster.kubectlOrFail("patch", "dsd", NAME, "-n", ns, "--type=merge", "-p", "{\"spec\":{\"engine\":{\"image\":\"lmsysorg/sglang:v0.5.19\"}}}");
  }

  @Test
  void scalingAndServiceChangesNeverRestartAGroup() throws IOException {
    apply("", 2);
    await().atMost(WAIT).until(() -> settled(2));
    Map<String, String> before = pods().stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    cluster.kubectlOrFail("patch", "dsd", NAME, "-n", ns, "--type=merge", "-p",
        "{\"spec\":{\"replicas\":3,\"service\":{\"annotations\":{\"example.com/lb\":\"internal\"}},\"failure\":{\"maxRestarts\":3}}}");
    await().atMost(WAIT).until(() -> settled(3));
    Map<String, String> after = pods().stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    assertThat(after).containsAllEntriesOf(before);
    assertThat(client.services().inNamespace(ns).withName(NAME).get().getMetadata().getAnnotations()).containsEntry("example.com/lb", "internal");
  }

  @Test
  void revertingTheSpecMidRolloutRollsBackTheSameWay() throws IOException {
    apply("", 2);
    await().atMost(WAIT).until(() -> settled(2));
    String original = dsd().getStatus().currentRevision;
    int fewest = rollAndWatch(() -> {
      newImage();
      await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> pods().stream()
          .anyMatch(p -> !original.equals(p.getMetadata().getLabels().get(Labels.REVISION))));
      cluster.kubectlOrFail("patch", "dsd", NAME, "-n", ns, "--type=merge", "-p",
          "{\"spec\":{\"engine\":{\"image\":\"lmsysorg/sglang:v0.5.18\"}}}");
    }, 2);
    assertThat(fewest).as("maxUnavailable 1 of 2 groups").isGreaterThanOrEqualTo(1);
    assertThat(dsd().getStatus().currentRevision).isEqualTo(original);
    assertThat(pods()).allMatch(p -> original.equals(p.getMetadata().getLabels().get(Labels.REVISION)));
  }

  @Test
  void partitionHoldsTheCanaryThenPromotes() throws IOException {
    apply("  rollout: {partition: 1}\n", 2);
    await().atMost(WAIT).until(() -> settled(2));
    String before = pod(NAME + "-0").getMetadata().getLabels().get(Labels.REVISION);
    newImage();
    String next = await().atMost(WAIT).until(() -> {
      Pod canary = pod(NAME + "-1");
      String rev = canary == null ? null : canary.getMetadata().getLabels().get(Labels.REVISION);
      return rev != null && !rev.equals(before) && readyGroups(pods()) == 2 ? rev : null;
    }, Objects::nonNull);
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(pod(NAME + "-0").getMetadata().getLabels().get(Labels.REVISION)).isEqualTo(before);
    assertThat(pods().stream().filter(p -> "0".equals(p.getMetadata().getLabels().get(Labels.GROUP_INDEX)))
        .map(p -> p.getMetadata().getLabels().get(Labels.REVISION))).as("the held group's worker keeps its revision").containsOnly(before);
    assertThat(condition("Progressing").getMessage()).contains("partition 1 holds group 0");
    cluster.kubectlOrFail("patch", "dsd", NAME, "-n", ns, "--type=merge", "-p", "{\"spec\":{\"rollout\":{\"partition\":0}}}");
    await().atMost(WAIT).until(() -> settled(2) && pods().stream().allMatch(p -> next.equals(p.getMetadata().getLabels().get(Labels.REVISION))));
    // The operator prunes its own history (its revision of the old spec goes once no pod runs it), never the
    // StatefulSet controller's: the leaders' StatefulSet, rolled in place, keeps its old revision (a group's workers'
    // StatefulSet is made anew with the group, with one).
    await().atMost(WAIT).until(() -> revisions().stream().filter(r -> owner(r).equals("DeepSeekDeployment")).count() == 1);
    Map<String, Long> bySet = revisions().stream().filter(r -> owner(r).startsWith("StatefulSet/"))
        .collect(Collectors.groupingBy(LifecycleIT::owner, Collectors.counting()));
    assertThat(bySet).as("the StatefulSets' own revisions")
        .containsExactlyInAnyOrderEntriesOf(Map.of("StatefulSet/" + NAME, 2L, "StatefulSet/" + NAME + "-0", 1L, "StatefulSet/" + NAME + "-1", 1L));
  }

  List<ControllerRevision> revisions() {
    return client.apps().controllerRevisions().inNamespace(ns).list().getItems();
  }

  /** "DeepSeekDeployment" for the operator's revisions, "StatefulSet/<name>" for a StatefulSet controller's. */
  static String owner(ControllerRevision r) {
    return r.getMetadata().getOwnerReferences().stream().findFirst()
        .map(o -> o.getKind().equals("StatefulSet") ? "StatefulSet/" + o.getName() : o.getKind()).orElse("");
  }

  @Test
  void aRolloutInterruptedByAnOperatorCrashCompletesAfterTheRestart() throws IOException {
    apply("", 2);
    await().atMost(WAIT).until(() -> settled(2));
    newImage();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> condition("Progressing") != null
        && "RollingUpdate".equals(condition("Progressing").getReason()));
    cluster.killAndRestartOperator();
    String target = await().atMost(WAIT).until(() -> dsd().getStatus().updateRevision, Objects::nonNull);
    await().atMost(WAIT).until(() -> settled(2) && pods().stream().allMatch(p -> target.equals(p.getMetadata().getLabels().get(Labels.REVISION))));
    assertThat(client.apps().statefulSets().inNamespace(ns).list().getItems()).extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder(NAME, NAME + "-0", NAME + "-1");
    assertThat(pods()).hasSize(4);
  }

  /**
   * Two operator replicas: the leader dies (SIGKILL) in the middle of a rollout; the standby takes the lease once it
   * expires (15 s) and finishes the rollout within its bounds, recreating nothing and duplicating nothing.
   */
  @Test
  void theStandbyFinishesARolloutWhenTheLeaderDies() throws IOException {
    apply("", 2);
    await().atMost(WAIT).until(() -> settled(2));
    String first = cluster.operatorIdentity;
    String second = first.endsWith("-a") ? first.replace("-a", "-b") : first.replace("-b", "-a");
    LocalCluster.Replica standby = cluster.startStandby(second);
    boolean promoted = false;
    try {
      await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(holder()).as("one replica at work").isEqualTo(first);
      assertThat(LocalCluster.writes(standby.port())).as("the standby writes nothing").isZero();
      assertThat(LocalCluster.get(java.net.URI.create("http://127.0.0.1:" + standby.port() + "/q/health/ready")))
          .as("a standby is ready: a rolling update of the operator's Deployment goes on").contains("\"UP\"");
      int fewest = rollAndWatch(() -> {
        newImage();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> condition("Progressing") != null
            && "RollingUpdate".equals(condition("Progressing").getReason()));
        long t0 = System.nanoTime();
        cluster.killLeaderFor(standby);
        double[] took = new double[2];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> second.equals(holder()));
        took[0] = (System.nanoTime() - t0) / 1e9;
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> LocalCluster.writes(standby.port()) > 0);
        took[1] = (System.nanoTime() - t0) / 1e9;
        System.out.printf("[e2e] leader killed mid-rollout -> standby holds the lease: %.1f s, first write: %.1f s%n", took[0], took[1]);
      }, 2);
      promoted = true;
      assertThat(fewest).as("maxUnavailable 1 of 2 groups, across the failover").isGreaterThanOrEqualTo(1);
      assertThat(client.apps().statefulSets().inNamespace(ns).list().getItems()).extracting(x -> x.getMetadata().getName())
          .containsExactlyInAnyOrder(NAME, NAME + "-0", NAME + "-1");
      assertThat(pods()).hasSize(4);
      assertThat(dsd().getStatus().groups).allSatisfy(g -> assertThat(g.restarts).as("no group recreated").isIn(null, 0));
    } finally {
      if (!promoted && standby.process().isAlive() && !standby.process().equals(cluster.operator)) {
        standby.process().destroyForcibly();
      }
    }
  }

  /**
   * A rolling update of the operator's Deployment: the leader, stopped with SIGTERM, exits at once and releases its
   * lease, and the standby works within seconds, not after the lease has expired.
   */
  @Test
  void aStoppedLeaderExitsAndHandsItsLeaseOver() {
    String first = cluster.operatorIdentity;
    String second = first.endsWith("-a") ? first.replace("-a", "-b") : first.replace("-b", "-a");
    LocalCluster.Replica standby = cluster.startStandby(second);
    await().atMost(Duration.ofSeconds(20)).until(() -> first.equals(holder()));
    long t0 = System.nanoTime();
    double exited = cluster.stopLeaderFor(standby);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> second.equals(holder()));
    double handedOver = (System.nanoTime() - t0) / 1e9;
    System.out.printf("[e2e] leader stopped (SIGTERM): exited after %.1f s, standby holds the lease after %.1f s%n", exited, handedOver);
    assertThat(exited).as("a stopped operator exits, it does not hang until killed").isLessThan(10);
    assertThat(handedOver).as("the lease is released, not left to expire (15 s)").isLessThan(10);
  }

  /** Whether group 0's members are recorded for its current worker StatefulSet. */
  boolean membersRecorded() {
    StatefulSet workers = client.apps().statefulSets().inNamespace(ns).withName(NAME + "-0").get();
    DeepSeekDeployment d = dsd();
    return workers != null && d != null && d.getStatus() != null && d.getStatus().groups.stream().anyMatch(g -> g.index == 0
        && g.members != null && workers.getMetadata().getUid().equals(g.workersUID));
  }

  String holder() {
    io.fabric8.kubernetes.api.model.coordination.v1.Lease lease = client.leases().inNamespace("default").withName("deepseek-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
