package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example, applied as it is with kubectl (after the Secrets its comments ask for): pods scheduled on simulated GPU
 * or NPU nodes of the right product, Ready, and (where the node agent runs the pods) answering a chat completion through
 * the client Service, with the API key where the example has one and 401 without it. The examples run at once, each in a
 * namespace of its own (the test cluster has the nodes for all of them).
 */
@ExtendWith(LocalCluster.class)
@Execution(ExecutionMode.CONCURRENT)
// Its examples run at once, and nothing else beside them: a waiting worker thread would otherwise pick up another test
// class (JUnit's work stealing), and one that stops the operator (HelmChartIT, LifecycleIT) would stall them.
@Isolated
class ScenariosIT {
  static final Duration WAIT = Duration.ofMinutes(2);
  static final String API_KEY = "sk-e2e-0123";

  static Stream<String> examples() throws IOException {
    try (Stream<Path> files = Files.list(LocalCluster.get().root.resolve("examples"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleRunsOnItsHardware(String example) {
    LocalCluster cluster = LocalCluster.get();
    KubernetesClient client = cluster.client;
    String ns = cluster.createNamespace("sc");
    try {
      // What the examples' comments say to create first.
      cluster.kubectlOrFail("create", "secret", "generic", "ds-api-key", "-n", ns, "--from-literal=key=" + API_KEY);
      cluster.kubectlOrFail("create", "secret", "generic", "hf-token", "-n", ns, "--from-literal=token=hf_standin");
      long t0 = System.nanoTime();
      cluster.kubectlOrFail("apply", "-n", ns, "-f", cluster.root.resolve("examples").resolve(example).toString());
      DeepSeekDeployment d = client.resources(DeepSeekDeployment.class).inNamespace(ns).list().getItems().get(0);
      String name = d.getMetadata().getName();
      DeploymentModel m = DeploymentModel.of(d);
      await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
        DeepSeekDeployment now = client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(name).get();
        return now.getStatus() != null && Conditions.isTrue(now.getStatus().conditions, "Ready");
      });
      System.out.printf("[e2e] %s: Ready in %.2f s%n", example, (System.nanoTime() - t0) / 1e9);

      List<Pod> pods = client.pods().inNamespace(ns).withLabel(Labels.DEPLOYMENT, name).list().getItems();
      assertThat(pods).hasSize(m.replicas() * m.nodes());
      assertThat(pods).extracting(p -> p.getSpec().getNodeName()).doesNotHaveDuplicates();
      for (Pod p : pods) {
        Node node = client.nodes().withName(p.getSpec().getNodeName()).get();
        assertThat(node.getStatus().getAllocatable()).containsKey(m.acceleratorResource());
        assertThat(node.getMetadata().getName()).startsWith(m.ascend() ? "npu-" : "gpu-");
        if (m.product() != null) {
          assertThat(m.product().nodeLabelValues()).contains(node.getMetadata().getLabels().get(m.product().nodeLabel()));
        }
      }
      if (cluster.agent()) {
        Serving serving = new Serving(cluster);
        String key = m.engine().apiKeySecretRef != null ? API_KEY : null;
        Serving.Answer answer = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
            .until(() -> serving.chat(ns, name, m.servedName(), key), a -> a.status() == 200);
        assertThat(answer.json().at("/choices/0/message/content").asText()).isNotBlank();
        assertThat(answer.json().get("model").asText()).isEqualTo(m.servedName());
        if (key != null) {
          assertThat(serving.chat(ns, name, m.servedName(), null).status()).as("no API key").isEqualTo(401);
          assertThat(serving.chat(ns, name, m.servedName(), "wrong").status()).as("a wrong API key").isEqualTo(401);
        }
        System.out.printf("[e2e] %s: a chat completion through Service %s: %s%n", example, serving.serviceUrl(ns, name),
            answer.json().at("/choices/0/message/content").asText());
      }
    } finally {
      cluster.deleteNamespace(ns);
    }
  }
}
