package io.deepseek.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SkipManagedFieldsTest {
  /** Quarkus's serialization is built the same way: its ObjectMapper, customized, then fabric8's modules. */
  final KubernetesSerialization serialization = new KubernetesSerialization(SkipManagedFields.apply(new ObjectMapper()), true);

  static Pod pod() {
    return new PodBuilder().withMetadata(new ObjectMetaBuilder().withName("r1-0").withNamespace("ns")
            .withLabels(Map.of("app", "r1")).withResourceVersion("7")
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kube-controller-manager").withOperation("Update")
                .withNewFieldsV1().addToAdditionalProperties("f:spec", Map.of("f:containers", Map.of())).endFieldsV1().build())
            .build())
        .withNewSpec().withNodeName("n1").endSpec().withNewStatus().withPodIP("10.244.0.9").endStatus().build();
  }

  @Test
  void readsEverythingButTheManagedFields() {
    String json = new KubernetesSerialization().asJson(pod());
    assertThat(json).contains("managedFields", "kube-controller-manager");

    Pod read = serialization.unmarshal(json, Pod.class);

    assertThat(read.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(read.getMetadata().getAdditionalProperties()).doesNotContainKey("managedFields");
    assertThat(read.getMetadata().getName()).isEqualTo("r1-0");
    assertThat(read.getMetadata().getLabels()).containsEntry("app", "r1");
    assertThat(read.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(read.getSpec().getNodeName()).isEqualTo("n1");
    assertThat(read.getStatus().getPodIP()).isEqualTo("10.244.0.9");
  }

  @Test
  void ourOwnResourcesAreReadTheSameWay() {
    DeepSeekDeployment d = new DeepSeekDeployment();
    d.setMetadata(pod().getMetadata());
    DeepSeekDeployment read = serialization.unmarshal(new KubernetesSerialization().asJson(d), DeepSeekDeployment.class);
    assertThat(read.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(read.getMetadata().getName()).isEqualTo("r1-0");
  }

  @Test
  void writesAreUnchanged() {
    Pod p = pod();
    assertThat(serialization.asJson(p)).isEqualTo(new KubernetesSerialization().asJson(p));
  }
}
