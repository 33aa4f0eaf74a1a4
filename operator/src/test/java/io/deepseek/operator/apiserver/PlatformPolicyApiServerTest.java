package io.deepseek.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekPolicy;
import io.deepseek.operator.api.v1alpha1.DeepSeekPolicySpec;
import io.deepseek.operator.reconciler.DeepSeekDeploymentReconciler;
import io.deepseek.operator.status.Conditions;
import io.deepseek.operator.testing.ApiServer;
import io.deepseek.operator.testing.Fixtures;
import io.deepseek.operator.testing.TestConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A DeepSeekPolicy on a real API server: its CRD refuses blank entries; a refused deployment gets nothing. */
class PlatformPolicyApiServerTest {
  static KubernetesClient client;
  static Operator operator;

  @BeforeAll
  static void startOperator() {
    client = ApiServer.client();
    operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
    operator.register(new DeepSeekDeploymentReconciler(new TestConfig(), new SimpleMeterRegistry()));
    operator.start();
  }

  @AfterAll
  static void stopOperator() {
    operator.stop();
    client.resources(DeepSeekPolicy.class).delete();
  }

  static Condition condition(String ns, String type) {
    DeepSeekDeployment d = client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("deepseek-r1").get();
    return d == null || d.getStatus() == null ? null : Conditions.find(d.getStatus().conditions, type);
  }

  @Test
  void aRefusedDeploymentGetsAConditionAnEventAndNothingElseUntilThePolicyAllowsIt() {
    String ns = ApiServer.newNamespace("pol");
    client.namespaces().withName(ns).edit(n -> {
      n.getMetadata().getLabels().put("tenant", "strict");
      return n;
    });
    DeepSeekPolicy p = new DeepSeekPolicy();
    p.getMetadata().setName("strict-" + ns);
    p.setSpec(new DeepSeekPolicySpec());
    p.getSpec().namespaceSelector = new LabelSelectorBuilder().addToMatchLabels("tenant", "strict").build();
    p.getSpec().allowHostNetwork = false;
    client.resource(p).create();

    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getMetadata().setNamespace(ns);
    d.getMetadata().setUid(null);
    client.resource(d).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> condition(ns, "Degraded") != null
        && "PolicyViolation".equals(condition(ns, "Degraded").getReason()));
    assertThat(condition(ns, "Degraded").getMessage()).isEqualTo("Refused by the platform policy, nothing was changed:"
        + " DeepSeekPolicy strict-" + ns + " (allowHostNetwork): spec.network.hostNetwork is not allowed in this namespace; remove it");
    assertThat(condition(ns, "Ready").getReason()).isEqualTo("PolicyViolation");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("PolicyViolation");
          assertThat(e.getMessage()).contains("(allowHostNetwork)");
        }));
    assertThat(client.apps().statefulSets().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(client.services().inNamespace(ns).list().getItems()).isEmpty();

    // The platform team relents: the policy's change alone reconciles the deployment.
    client.resources(DeepSeekPolicy.class).withName("strict-" + ns).edit(x -> {
      x.getSpec().allowHostNetwork = true;
      return x;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> client.apps().statefulSets().inNamespace(ns).withName("deepseek-r1").get() != null);
  }

  @Test
  void thePolicyCrdRefusesEmptyEntries() {
    DeepSeekPolicy p = new DeepSeekPolicy();
    p.getMetadata().setName("blank");
    p.setSpec(new DeepSeekPolicySpec());
    p.getSpec().allowedImagePrefixes = List.of("registry.example.com/", "");
    assertThatThrownBy(() -> client.resource(p).create()).isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("an empty entry is refused, never read as allow-all");
  }
}
