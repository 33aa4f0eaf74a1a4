package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Serving through change, as clients see it: the node agent runs every pod (stand-in engines, real probes and restarts),
 * kube-proxy routes the client Service, and a steady load of chat completions runs from the client namespace while groups
 * roll, fail and recover. Each test prints what the load saw; the assertions are the guarantees.
 */
class ServingIT extends InNamespace {
  static final Duration WAIT = Duration.ofMinutes(4);
  static final String NAME = LifecycleIT.NAME;
  /** Requests started per second: well within what three groups serve, so any failure is the change's. */
  static final double RATE = 15;
  Serving serving;

  @Override
  String prefix() {
    return "srv";
  }

  @BeforeEach
  void needsTheNodeAgent() {
    assumeTrue(cluster.agent(), "the node agent does not run the pods (not root?): nothing serves traffic");
    serving = new Serving(cluster);
  }

  DeepSeekDeployment dsd() {
    return client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(NAME).get();
  }

  Condition condition(String type) {
    DeepSeekDeployment d = dsd();
    return d == null || d.getStatus() == null ? null : Conditions.find(d.getStatus().conditions, type);
  }

  List<Pod> pods() {
    return client.pods().inNamespace(ns).withLabel(Labels.DEPLOYMENT, NAME).list().getItems();
  }

  boolean settled(int groups) {
    DeepSeekDeployment d = dsd();
    return d != null && d.getStatus() != null && d.getStatus().observedGeneration.equals(d.getMetadata().getGeneration())
        && Conditions.isTrue(d.getStatus().conditions, "Ready") && !Conditions.isTrue(d.getStatus().conditions, "Progressing")
        && LifecycleIT.readyGroups(pods()) == groups && pods().size() == groups * 2;
  }

  boolean rolledTo(String revision, int groups) {
    return settled(groups) && pods().stream().allMatch(p -> revision.equals(p.getMetadata().getLabels().get(Labels.REVISION)));
  }

  /** Applies the shrunk S4 example (2 pods x 4 GPUs per group) with extra spec lines and DeepSeekDeployment annotations. */
  void apply(String extraSpec, String annotations, int replicas, String... replacements) throws IOException {
    String yaml = Files.readString(cluster.root.resolve("examples/deepseek-r1-sglang-2x8-h100.yaml"));
    for (int i = 0; i + 1 < replacements.length; i += 2) {
      yaml = yaml.replace(replacements[i], replacements[i + 1]);
    }
    yaml = yaml
        .replace("replicas: 1", "replicas: " + replicas).replace("perNode: 8", "perNode: 4").replace("tensor: 16", "tensor: 8")
        .replace("    product: H100-80GB\n", "").replace("hostNetwork: true", "hostNetwork: false")
        .replace("  startup:\n", extraSpec + "  startup:\n")
        .replace("  name: deepseek-r1\n", "  name: deepseek-r1\n" + (annotations.isEmpty() ? "" : "  annotations:\n" + annotations));
    Path file = Files.createTempFile("serving", ".yaml");
    Files.writeString(file, yaml);
    cluster.kubectlOrFail("apply", "-n", ns, "-f", file.toString());
    Files.delete(file);
  }

  Serving.Load steadyLoad() {
    Serving.Load load = serving.load(serving.serviceUrl(ns, NAME), NAME, null, RATE, Duration.ofMinutes(10));
    // The load has reached its rate and every group serves before anything changes.
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    return load;
  }

  Serving.Summary rollUnderLoad(int groups) {
    String before = dsd().getStatus().currentRevision;
    Serving.Load load = steadyLoad();
    long t0 = System.nanoTime();
    cluster.kubectlOrFail("patch", "dsd", NAME, "-n", ns, "--type=merge", "-p",
        "{\"spec\":{\"engine\":{\"image\":\"lmsysorg/sglang:v0.5.19\"}}}");
    String target = await().atMost(WAIT).until(() -> dsd().getStatus().updateRevision, r -> r != null && !r.equals(before));
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> rolledTo(target, groups));
    double seconds = (System.nanoTime() - t0) / 1e9;
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
    Serving.Summary s = load.stop();
    System.out.printf("[e2e] rolling upgrade of %d groups under load (%s, %.1f s): %s%n", groups,
        dsd().getSpec().rollout.maxSurge > 0 ? "maxSurge " + dsd().getSpec().rollout.maxSurge : "maxUnavailable "
            + dsd().getSpec().rollout.maxUnavailable, seconds, s);
    return s;
  }

  @Test
  void aRollingUpgradeWithSurgeLosesNoRequest() throws IOException {
    apply("  rollout: {maxSurge: 1, maxUnavailable: 0}\n", "", 3);
    await().atMost(WAIT).until(() -> settled(3));
    Serving.Summary s = rollUnderLoad(3);
    assertThat(s.ok()).isGreaterThan(100);
    assertThat(s.failed()).as("failed requests: %s", s).isZero();
    assertThat(pods()).hasSize(6);
  }

  /** A group goes out of the Service before its leader stops, and finishes what it has: nothing lost with a group down. */
  @Test
  void aRollingUpgradeOneGroupAtATimeDrainsEachGroup() throws IOException {
    apply("", "", 3);
    await().atMost(WAIT).until(() -> settled(3));
    Serving.Summary s = rollUnderLoad(3);
    assertThat(s.ok()).isGreaterThan(100);
    assertThat(s.failed()).as("failed requests: %s", s).isZero();
  }

  /** A rank killed under load: the group is recreated whole, the other keeps serving, and the requests lost are counted. */
  @Test
  void aKilledWorkerUnderLoadIsRecreatedWithItsGroup() throws IOException {
    apply("", "", 2);
    await().atMost(WAIT).until(() -> settled(2));
    String leader = client.pods().inNamespace(ns).withName(NAME + "-0").get().getMetadata().getUid();
    Serving.Load load = steadyLoad();
    long killed = System.currentTimeMillis();
    serving.kill(ns, NAME + "-0-1", "engine");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
      Pod p = client.pods().inNamespace(ns).withName(NAME + "-0").get();
      return p != null && !leader.equals(p.getMetadata().getUid()) && settled(2);
    });
    long serving = System.currentTimeMillis();
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    Serving.Summary s = load.stop();
    System.out.printf("[e2e] worker killed under load: group 0 serving again after %.1f s; %s; last failure %.1f s after the kill%n",
        (serving - killed) / 1e3, s, s.failed() > 0 ? (s.lastFailure() - killed) / 1e3 : 0.0);
    assertThat(dsd().getStatus().groups.get(0).restarts).isEqualTo(1);
    assertThat(dsd().getStatus().groups.get(0).lastFailure).contains("deepseek-r1-0-1", "exit code 137");
    // Whatever failed failed while the group was down; the other group served all along.
    assertThat(s.ok()).isGreaterThan(s.failed());
    assertThat(s.requests()).filteredOn(r -> r.get("start").asLong() > serving).allMatch(r -> !r.hasNonNull("error"));
  }

  /**
   * A leader cut off from its workers (its node's network fails; its kubelet goes on reporting it Ready): nothing tells
   * the workers but their rank probes, which fail, so the kubelet restarts them and the group is recreated.
   */
  @Test
  void aLeaderLostToItsWorkersIsCaughtByTheirRankProbes() throws IOException {
    apply("  failure: {maxRestarts: 5, backoff: 1s}\n", "", 1);
    await().atMost(WAIT).until(() -> settled(1));
    Pod leader = client.pods().inNamespace(ns).withName(NAME + "-0").get();
    String node = leader.getSpec().getNodeName();
    long t0 = System.nanoTime();
    partition(node, true);
    try {
      Event probe = await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> client.v1().events().inNamespace(ns).list()
          .getItems().stream().filter(e -> (NAME + "-0-1").equals(e.getInvolvedObject().getName())
              && "Killing".equals(e.getReason()) && e.getMessage().contains("liveness")).findFirst().orElse(null), e -> e != null);
      System.out.printf("[e2e] leader's node %s cut off -> its worker's rank probe failed it: %.1f s (%s)%n", node,
          (System.nanoTime() - t0) / 1e9, probe.getMessage());
      await().atMost(WAIT).until(() -> dsd().getStatus().groups.get(0).restarts >= 1);
      assertThat(dsd().getStatus().groups.get(0).lastFailure).contains("deepseek-r1-0-1");
    } finally {
      partition(node, false);
    }
    await().atMost(WAIT).until(() -> settled(1));
    System.out.printf("[e2e] ... and the group recreated and Ready %.1f s after the cut%n", (System.nanoTime() - t0) / 1e9);
  }

  void partition(String node, boolean cut) {
    client.nodes().withName(node).edit(n -> {
      if (cut) {
        n.getMetadata().getAnnotations().put("standin.deepseek-operator.io/partitioned", "true");
      } else {
        n.getMetadata().getAnnotations().remove("standin.deepseek-operator.io/partitioned");
      }
      return n;
    });
  }

  /** A model that takes longer to load than spec.startup.timeout: the group fails by its failure policy. */
  @Test
  void aModelLoadLongerThanTheStartupBudgetFailsTheGroup() throws IOException {
    long t0 = System.nanoTime();
    apply("  failure: {maxRestarts: 1, backoff: 1s}\n", "    standin.deepseek-operator.io/load-seconds: \"3600\"\n", 1,
        "timeout: 60m", "timeout: 30s");
    await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> condition("Degraded") != null
        && "GroupFailed".equals(condition("Degraded").getReason()));
    System.out.printf("[e2e] model load longer than startup.timeout 30s: group failed after %.1f s: %s%n",
        (System.nanoTime() - t0) / 1e9, condition("Degraded").getMessage());
    assertThat(dsd().getStatus().groups.get(0).failed).isTrue();
    assertThat(condition("Ready").getStatus()).isEqualTo("False");
  }
}
