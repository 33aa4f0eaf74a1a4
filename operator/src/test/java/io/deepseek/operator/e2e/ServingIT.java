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
class ServingIT extends UnderLoad {
  @Override
  String prefix() {
    return "srv";
  }

  /**
   * Two rolling upgrades of 3 groups under load. With a surge group first (maxSurge 1, maxUnavailable 0): 3 groups ready
   * throughout, the surge group removed at the end. One group at a time (maxUnavailable 1): never fewer than 2 ready.
   * Either way each group goes out of the Service before its leader stops and finishes what it has: no request lost.
   */
  @Test
  void rollingUpgradesLoseNoRequest() throws IOException {
    apply("  rollout: {maxSurge: 1, maxUnavailable: 0}\n", "", 3);
    await().atMost(WAIT).until(() -> settled(3));
    Outcome surge = rollUnderLoad(3, "lmsysorg/sglang:v0.5.19");
    assertThat(surge.fewestReady()).isGreaterThanOrEqualTo(3);
    assertThat(pods()).as("the surge group is gone").hasSize(6);
    expectNoFailure(surge);

    // Not a pod change: nothing restarts for it.
    cluster.kubectlOrFail("patch", "dsd", NAME, "-n", ns, "--type=merge", "-p",
        "{\"spec\":{\"rollout\":{\"maxSurge\":0,\"maxUnavailable\":1}}}");
    Outcome oneAtATime = rollUnderLoad(3, "lmsysorg/sglang:v0.5.20");
    assertThat(oneAtATime.fewestReady()).isGreaterThanOrEqualTo(2);
    assertThat(dsd().getStatus().currentRevision).isEqualTo(dsd().getStatus().updateRevision);
    assertThat(dsd().getStatus().updatedReplicas).isEqualTo(3);
    expectNoFailure(oneAtATime);
  }

  static void expectNoFailure(Outcome o) {
    if (o.load() != null) {
      assertThat(o.load().ok()).isGreaterThan(100);
      assertThat(o.load().failed()).as("failed requests: %s", o.load()).isZero();
    }
  }

  /** A rank killed under load: the group is recreated whole, the other keeps serving, and the requests lost are counted. */
  @Test
  void aKilledWorkerUnderLoadIsRecreatedWithItsGroup() throws IOException {
    requireTheNodeAgent();
    apply("", "", 2);
    await().atMost(WAIT).until(() -> settled(2));
    Outcome o = killWorkerUnderLoad(0, 2);
    assertThat(dsd().getStatus().groups.get(0).restarts).isEqualTo(1);
    // The rank whose failure the operator saw first: the killed worker, or its leader, whose engine exits at once when a
    // rank is lost and whose status may arrive first (LifecycleIT's crash loop has the same race).
    assertThat(dsd().getStatus().groups.get(0).lastFailure).satisfiesAnyOf(
        f -> assertThat(f).contains("deepseek-r1-0-1", "exit code 137"), f -> assertThat(f).contains("pod deepseek-r1-0 ", "restarted"));
    // Whatever failed failed while the group was down; the other group served all along.
    Serving.Summary s = o.load();
    assertThat(s.ok()).isGreaterThan(s.failed());
    assertThat(s.lastFailure()).as("no failure once the group serves again").isLessThanOrEqualTo(o.done());
  }

  /**
   * A leader cut off from its workers (its node's network fails; its kubelet goes on reporting it Ready): nothing tells
   * the workers but their rank probes, which fail, so the kubelet restarts them and the group is recreated.
   */
  @Test
  void aLeaderLostToItsWorkersIsCaughtByTheirRankProbes() throws IOException {
    requireTheNodeAgent();
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
    // A merge patch carries no resourceVersion: kwok's node status writes in between cannot make it conflict.
    client.nodes().withName(node).patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"standin.deepseek-operator.io/partitioned\":" + (cut ? "\"true\"" : "null") + "}}}");
  }

  /** A model that takes longer to load than spec.startup.timeout: the group fails by its failure policy. */
  @Test
  void aModelLoadLongerThanTheStartupBudgetFailsTheGroup() throws IOException {
    requireTheNodeAgent();
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
