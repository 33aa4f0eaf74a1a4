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
 * An end-to-end test class whose tests run a steady load of chat completions from the client namespace through the
 * client Service while groups change. Needs the node agent (hack/nodeagent, as root): where it does not run the pods,
 * nothing serves and these tests are skipped.
 */
abstract class UnderLoad extends InNamespace {
  static final Duration WAIT = Duration.ofMinutes(4);
  static final String NAME = LifecycleIT.NAME;
  /** Requests started per second: well within what three groups serve, so any failure is the change's. */
  static final double RATE = 15;
  Serving serving;

  @BeforeEach
  void serving() {
    serving = new Serving(cluster);
  }

  /** Skips the test where nothing serves traffic (kwok alone runs the pods). */
  void requireTheNodeAgent() {
    assumeTrue(cluster.agent(), "the node agent does not run the pods (not root?): nothing serves traffic");
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

  /** A steady load through the client Service, once it runs; none where nothing serves. */
  Serving.Load steadyLoad() {
    return steadyLoad(RATE);
  }

  Serving.Load steadyLoad(double rate) {
    if (!cluster.agent()) {
      return null;
    }
    Serving.Load load = serving.load(serving.serviceUrl(ns, NAME), NAME, null, rate, Duration.ofMinutes(10));
    // The load has reached its rate and every group serves before anything changes.
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    return load;
  }

  /**
   * What a change under load cost: the load's summary, when the change was made and when every group served again
   * (epoch ms), and the seconds in between.
   */
  record Outcome(Serving.Summary load, long changed, long done, int fewestReady) {
    double seconds() {
      return (done - changed) / 1e3;
    }
  }

  /**
   * Rolls the groups to a new image under a steady load (where the node agent runs the pods), counting the ready groups
   * every 20 ms meanwhile: the outcome's fewest ready groups is the availability the rollout kept.
   */
  Outcome rollUnderLoad(int groups, String image) {
    return rollUnderLoad(groups, image, RATE);
  }

  Outcome rollUnderLoad(int groups, String image, double rate) {
    String before = dsd().getStatus().currentRevision;
    Serving.Load load = steadyLoad(rate);
    long changed;
    long done;
    int fewest;
    try (ReadyGroupsWatch watch = new ReadyGroupsWatch(this::pods)) {
      changed = System.currentTimeMillis();
      cluster.kubectlOrFail("patch", "dsd", NAME, "-n", ns, "--type=merge", "-p",
          "{\"spec\":{\"engine\":{\"image\":\"" + image + "\"}}}");
      String target = await().atMost(WAIT).until(() -> dsd().getStatus().updateRevision, r -> r != null && !r.equals(before));
      await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> rolledTo(target, groups));
      done = System.currentTimeMillis();
      fewest = watch.fewest();
    }
    Serving.Summary s = null;
    if (load != null) {
      await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
      s = load.stop();
    }
    System.out.printf("[e2e] rolling upgrade of %d groups (%s): %.1f s, fewest ready groups %d%s%n", groups,
        dsd().getSpec().rollout.maxSurge > 0 ? "maxSurge " + dsd().getSpec().rollout.maxSurge : "maxUnavailable "
            + dsd().getSpec().rollout.maxUnavailable, (done - changed) / 1e3, fewest, s == null ? "" : "; under load: " + s);
    return new Outcome(s, changed, done, fewest);
  }

  /** Kills the worker of a group under load; the outcome's time is from the kill until the group serves again. */
  Outcome killWorkerUnderLoad(int group, int groups) {
    String leader = client.pods().inNamespace(ns).withName(NAME + "-" + group).get().getMetadata().getUid();
    Serving.Load load = steadyLoad();
    long killed = System.currentTimeMillis();
    serving.kill(ns, NAME + "-" + group + "-1", "engine");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
      Pod p = client.pods().inNamespace(ns).withName(NAME + "-" + group).get();
      // The new leader pod itself Ready: the status may still say "settled" for a moment after the old pod went.
      return p != null && !leader.equals(p.getMetadata().getUid()) && io.deepseek.operator.observe.Pods.ready(p)
          && settled(groups);
    });
    long back = System.currentTimeMillis();
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    Serving.Summary s = load.stop();
    System.out.printf("[e2e] worker killed under load: group %d serving again after %.1f s; %s; the last failed request started %+.1f s from the kill%n",
        group, (back - killed) / 1e3, s, s.failed() > 0 ? (s.lastFailure() - killed) / 1e3 : 0.0);
    return new Outcome(s, killed, back, -1);
  }
}
