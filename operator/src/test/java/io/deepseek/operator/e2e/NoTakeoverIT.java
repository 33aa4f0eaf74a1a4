package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tenant's objects whose names a running deployment would take: left alone while it runs, scales and is deleted, with
 * the cluster's own garbage collector deleting everything of the deployment and nothing of the tenant's.
 */
class NoTakeoverIT extends InNamespace {
  static final Duration WAIT = Duration.ofMinutes(2);
  static final String NAME = "deepseek-r1";

  @Override
  String prefix() {
    return "own";
  }

  DeepSeekDeployment dsd() {
    return client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(NAME).get();
  }

  @Test
  void aTenantsStatefulSetNamedLikeAGroupSurvivesScalingAndTheDeploymentsDeletion() throws Exception {
    LifecycleIT.applyShrunk(cluster, ns, "", 1);
    await().atMost(WAIT).until(() -> dsd() != null && dsd().getStatus() != null
        && Conditions.isTrue(dsd().getStatus().conditions, "Ready"));
    // The tenant's own StatefulSet (no pods) and Service, named like group 1's workers and a generated revision.
    StatefulSet theirs = client.resource(new StatefulSetBuilder().withNewMetadata().withName(NAME + "-1").withNamespace(ns)
        .addToLabels("app", "tenant").endMetadata().withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "tenant")
        .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "tenant").endMetadata().withNewSpec()
        .addNewContainer().withName("c").withImage("tenant:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
    client.resource(new ServiceBuilder().withNewMetadata().withName("keep-me").withNamespace(ns).endMetadata().withNewSpec()
        .addToSelector("app", "tenant").addNewPort().withPort(80).endPort().endSpec().build()).create();

    cluster.kubectlOrFail("scale", "-n", ns, "dsd/" + NAME, "--replicas=2");
    await().atMost(WAIT).untilAsserted(() -> {
      var degraded = Conditions.find(dsd().getStatus().conditions, "Degraded");
      assertThat(degraded.getReason()).isEqualTo("NameConflict");
      assertThat(degraded.getMessage()).contains("StatefulSet " + NAME + "-1 is not owned by this DeepSeekDeployment");
    });
    assertThat(dsd().getStatus().readyReplicas).as("group 0 serves on").isEqualTo(1);
    // Untouched by the operator (the StatefulSet controller writes its status, so its resourceVersion moves anyway).
    StatefulSet still = client.apps().statefulSets().inNamespace(ns).withName(NAME + "-1").get();
    assertThat(still.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(still.getMetadata().getLabels()).isEqualTo(theirs.getMetadata().getLabels());
    assertThat(still.getMetadata().getGeneration()).isEqualTo(theirs.getMetadata().getGeneration());
    assertThat(still.getMetadata().getManagedFields()).noneSatisfy(f -> assertThat(f.getManager()).isEqualTo("deepseek-operator"));

    cluster.kubectlOrFail("delete", "-n", ns, "dsd/" + NAME);
    // The garbage collector removes the deployment's own children...
    await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace(ns).withLabel(Labels.DEPLOYMENT, NAME).list()
        .getItems().isEmpty() && client.pods().inNamespace(ns).withLabel(Labels.DEPLOYMENT, NAME).list().getItems().isEmpty()
        && client.services().inNamespace(ns).withLabel(Labels.DEPLOYMENT, NAME).list().getItems().isEmpty());
    // ... and nothing of the tenant's.
    assertThat(client.apps().statefulSets().inNamespace(ns).withName(NAME + "-1").get().getSpec().getTemplate().getSpec()
        .getContainers().get(0).getImage()).isEqualTo("tenant:1");
    assertThat(client.services().inNamespace(ns).withName("keep-me").get().getSpec().getSelector()).isEqualTo(Map.of("app", "tenant"));
  }
}
