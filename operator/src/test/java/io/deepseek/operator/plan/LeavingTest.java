package io.deepseek.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.Test;

class LeavingTest {
  static DeepSeekDeployment deployment(String deletionTimestamp) {
    DeepSeekDeployment d = new DeepSeekDeployment();
    d.getMetadata().setName("deepseek-r1");
    d.getMetadata().setNamespace("team-a");
    d.getMetadata().setDeletionTimestamp(deletionTimestamp);
    return d;
  }

  static Namespace namespace(String phase) {
    return new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().withNewStatus().withPhase(phase).endStatus().build();
  }

  @Test
  void aDeploymentInAnActiveNamespaceIsWorkedOn() {
    assertThat(Leaving.why(deployment(null), namespace("Active"))).isNull();
    assertThat(Leaving.why(deployment(null), null)).as("namespace not cached yet").isNull();
  }

  @Test
  void aDeploymentBeingDeletedIsLeftAlone() {
    assertThat(Leaving.why(deployment("2026-12-02T20:00:00Z"), namespace("Active"))).isEqualTo("being deleted");
  }

  @Test
  void aDeploymentInANamespaceBeingDeletedIsLeftAlone() {
    assertThat(Leaving.why(deployment(null), namespace("Terminating"))).isEqualTo("its namespace is being deleted");
  }
}
