package io.deepseek.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.Test;

class OwnershipTest {
  final DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");

  @Test
  void ownedByTheDeploymentOrMadeForOneOfItsLeadersIsOurs() {
    assertThat(Ownership.foreignOwner(d, new ServiceBuilder().withNewMetadata().withName("deepseek-r1").addNewOwnerReference()
        .withUid(Fixtures.UID).withKind("DeepSeekDeployment").withName("deepseek-r1").endOwnerReference().endMetadata().build()))
        .isNull();
    assertThat(Ownership.foreignOwner(d, new StatefulSetBuilder().withNewMetadata().withName("deepseek-r1-0")
        .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE).addToLabels(Labels.DEPLOYMENT, "deepseek-r1")
        .addNewOwnerReference().withKind("Pod").withName("deepseek-r1-0").withUid("leader").withController(true)
        .endOwnerReference().endMetadata().build())).isNull();
  }

  @Test
  void anythingElseIsSomeoneElsesAndSaysWhose() {
    assertThat(Ownership.foreignOwner(d, new ServiceBuilder().withNewMetadata().withName("deepseek-r1").endMetadata().build()))
        .isEqualTo("is not owned by this DeepSeekDeployment (it has no owner)");
    assertThat(Ownership.foreignOwner(d, new ServiceBuilder().withNewMetadata().withName("deepseek-r1").addNewOwnerReference()
        .withKind("Deployment").withName("web").withUid("other").withController(true).endOwnerReference().endMetadata().build()))
        .isEqualTo("is owned by Deployment web");
    assertThat(Ownership.foreignOwner(d, new StatefulSetBuilder().withNewMetadata().withName("deepseek-r1-0")
        .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE).addToLabels(Labels.DEPLOYMENT, "deepseek-r1-0")
        .addNewOwnerReference().withKind("DeepSeekDeployment").withName("deepseek-r1-0").withUid("other").withController(true)
        .endOwnerReference().endMetadata().build())).isEqualTo("belongs to DeepSeekDeployment deepseek-r1-0");
    assertThat(Ownership.foreignOwner(d, new StatefulSetBuilder().withNewMetadata().withName("deepseek-r1-0")
        .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE).addToLabels(Labels.DEPLOYMENT, "deepseek-r1").endMetadata()
        .build())).as("our labels alone, without our owner, are not ours").isNotNull();
  }
}
