package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The walking skeleton on the local cluster (real control plane, kwok-simulated GPU nodes), driven with kubectl. */
class DeepSeekDeploymentIT extends InNamespace {
  static final String EXAMPLE = "examples/deepseek-r1-sglang-2x8-h100.yaml";
  static final Duration WAIT = Duration.ofMinutes(2);

  @Override
  String prefix() {
    return "it";
  }

  DeepSeekDeployment dsd(String name) {
    return client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(name).get();
  }

  Condition condition(String name, String type) {
    DeepSeekDeployment d = dsd(name);
    return d == null || d.getStatus() == null ? null : Conditions.find(d.getStatus().conditions, type);
  }

  boolean ready(String name, int groups) {
    DeepSeekDeployment d = dsd(name);
    Condition c = d == null || d.getStatus() == null ? null : Conditions.find(d.getStatus().conditions, "Ready");
    return c != null && "True".equals(c.getStatus()) && d.getStatus().readyReplicas == groups
        && d.getStatus().observedGeneration.equals(d.getMetadata().getGeneration());
  }

  List<Pod> pods() {
    return client.pods().inNamespace(ns).withLabel(Labels.DEPLOYMENT, "deepseek-r1").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  @Test
  void appliedExampleRunsOnTwoGpuNodesScalesAndIsCollectedOnDelete() {
    long t0 = System.nanoTime();
    cluster.kubectlOrFail("apply", "-n", ns, "-f", cluster.root.resolve(EXAMPLE).toString());
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() ->
        client.apps().statefulSets().inNamespace(ns).withName("deepseek-r1").get() != null
            && client.apps().statefulSets().inNamespace(ns).withName("deepseek-r1-0").get() != null);
    double toStatefulSets = (System.nanoTime() - t0) / 1e9;
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> ready("deepseek-r1", 1));
    double toReady = (System.nanoTime() - t0) / 1e9;
    System.out.printf("[e2e] apply -> both StatefulSets: %.2f s; apply -> Ready: %.2f s%n", toStatefulSets, toReady);

    List<Pod> pods = pods();
    assertThat(pods).hasSize(2);
    assertThat(pods).extracting(p -> p.getSpec().getNodeName()).doesNotHaveDuplicates()
        .allSatisfy(node -> assertThat(node).startsWith("gpu-"));
    assertThat(pods).allSatisfy(p -> {
      assertThat(p.getSpec().getHostNetwork()).isTrue();
      assertThat(p.getSpec().getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu").toString()).isEqualTo("8");
    });
    DeepSeekDeployment d = dsd("deepseek-r1");
    assertThat(d.getStatus().endpoint).isEqualTo("http://deepseek-r1." + ns + ".svc:8000/v1");
    assertThat(d.getStatus().groups).singleElement().satisfies(g -> assertThat(g.nodes).hasSize(2).doesNotHaveDuplicates());
    String table = cluster.kubectlOrFail("get", "dsd", "-n", ns);
    assertThat(table).contains("READY", "ENGINE", "MODEL", "NODES/GROUP", "ACCELERATOR", "STATUS")
        .contains("1/1", "SGLang", "deepseek-ai/DeepSeek-R1", "8x H100-80GB", "Ready");

    cluster.kubectlOrFail("scale", "dsd", "deepseek-r1", "-n", ns, "--replicas=2");
    await().atMost(WAIT).until(() -> ready("deepseek-r1", 2));
    assertThat(pods()).hasSize(4).extracting(p -> p.getSpec().getNodeName()).doesNotHaveDuplicates();
    assertThat(client.apps().statefulSets().inNamespace(ns).withName("deepseek-r1-1").get()).isNotNull();

    cluster.kubectlOrFail("scale", "dsd", "deepseek-r1", "-n", ns, "--replicas=1");
    await().atMost(WAIT).until(() -> ready("deepseek-r1", 1) && pods().size() == 2
        && client.apps().statefulSets().inNamespace(ns).withName("deepseek-r1-1").get() == null);
    assertThat(dsd("deepseek-r1").getStatus().replicas).isEqualTo(1);

    String events = cluster.kubectlOrFail("get", "events", "-n", ns, "--field-selector", "involvedObject.kind=DeepSeekDeployment");
    assertThat(events).contains("CreatedGroups", "CreatedGroupWorkers", "ScaledGroups", "Ready");

    cluster.kubectlOrFail("delete", "dsd", "deepseek-r1", "-n", ns);
    await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace(ns).list().getItems().isEmpty()
        && client.services().inNamespace(ns).list().getItems().isEmpty()
        && client.pods().inNamespace(ns).list().getItems().isEmpty());
  }

  @Test
  void anInvalidSpecIsRejectedByKubectlApplyWithAMessageThatSaysWhatToChange() throws Exception {
    String manifest = java.nio.file.Files.readString(cluster.root.resolve(EXAMPLE)).replace("tensor: 16", "tensor: 8");
    java.nio.file.Path file = java.nio.file.Files.createTempFile("invalid", ".yaml");
    java.nio.file.Files.writeString(file, manifest);
    LocalCluster.Run r = cluster.kubectl("apply", "-n", ns, "-f", file.toString());
    assertThat(r.code()).isNotZero();
    assertThat(r.output()).contains("spec.parallelism.tensor",
        "parallelism.tensor x parallelism.pipeline must equal parallelism.nodes x accelerator.perNode");
    assertThat(dsd("deepseek-r1")).isNull();
  }

  @Test
  void operatorWritesNothingWhileNothingChanges() {
    cluster.kubectlOrFail("apply", "-n", ns, "-f", cluster.root.resolve(EXAMPLE).toString());
    await().atMost(WAIT).until(() -> ready("deepseek-r1", 1));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    String before = writeLines(cluster.operatorMetrics());
    // Pod events trigger reconciles; with nothing to change they must not write.
    client.pods().inNamespace(ns).withName("deepseek-r1-0").patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"poke\":\"1\"}}}");
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> true);
    assertThat(writeLines(cluster.operatorMetrics())).isEqualTo(before);
    System.out.printf("[e2e] operator resident memory with one deployment: %d MiB%n", cluster.operatorRssKb() / 1024);
    // The framework's metrics are there, aggregated: none of its series names a deployment (bounded cardinality).
    List<String> framework = cluster.operatorMetrics().lines().filter(l -> l.startsWith("operator_sdk_")).toList();
    assertThat(framework).anySatisfy(l -> assertThat(l).startsWith("operator_sdk_reconciliations_started_total"))
        .noneSatisfy(l -> assertThat(l).contains("deepseek-r1"));
    System.out.printf("[e2e] /q/metrics: %d series, %d of the operator framework's%n",
        cluster.operatorMetrics().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count(), framework.size());
  }

  static String writeLines(String metrics) {
    return metrics.lines().filter(l -> l.startsWith("deepseek_operator_api_writes_total")).sorted().reduce("", (a, b) -> a + b + "\n");
  }
}
