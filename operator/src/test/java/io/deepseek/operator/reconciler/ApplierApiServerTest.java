package io.deepseek.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.testing.ApiServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * The operator deletes what it saw, not what has the name now: the API server judges the UID precondition. Against a
 * real API server (no kubelet: an unscheduled pod goes at once).
 */
class ApplierApiServerTest {
  final KubernetesClient client = ApiServer.client();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final Applier applier = new Applier(meters);

  static Pod pod(String ns, String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec().addNewContainer()
        .withName("engine").withImage("engine:1").endContainer().endSpec().build();
  }

  @Test
  void aPodReplacedUnderTheSameNameIsNotDeleted() {
    String ns = ApiServer.newNamespace("delete");
    Pod seen = client.resource(pod(ns, "deepseek-r1-0")).create();
    assertThat(applier.delete(client, seen, false)).isTrue();
    assertThat(client.pods().inNamespace(ns).withName("deepseek-r1-0").get()).isNull();

    Pod replacement = client.resource(pod(ns, "deepseek-r1-0")).create();
    assertThat(applier.delete(client, seen, false)).as("the pod seen is gone; its replacement stays").isFalse();
    Pod now = client.pods().inNamespace(ns).withName("deepseek-r1-0").get();
    assertThat(now).isNotNull();
    assertThat(now.getMetadata().getUid()).isEqualTo(replacement.getMetadata().getUid());
    assertThat(now.getMetadata().getDeletionTimestamp()).isNull();
    assertThat(meters.counter("deepseek.operator.api.writes", "kind", "Pod", "verb", "delete").count()).isEqualTo(2);
  }

  @Test
  void aStatefulSetIsDeletedInTheForegroundByUidAndAGoneOneIsNothingToDo() {
    String ns = ApiServer.newNamespace("delete");
    StatefulSet set = client.resource(new StatefulSetBuilder().withNewMetadata().withName("deepseek-r1-0").withNamespace(ns)
        .endMetadata().withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "w").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "w").endMetadata().withNewSpec().addNewContainer()
        .withName("engine").withImage("engine:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
    StatefulSet stale = new StatefulSetBuilder(set).editMetadata().withUid("00000000-0000-0000-0000-000000000000").endMetadata()
        .build();
    assertThat(applier.delete(client, stale, true)).isFalse();
    assertThat(client.apps().statefulSets().inNamespace(ns).withName("deepseek-r1-0").get().getMetadata().getDeletionTimestamp())
        .isNull();

    assertThat(applier.delete(client, set, true)).isTrue();
    StatefulSet terminating = client.apps().statefulSets().inNamespace(ns).withName("deepseek-r1-0").get();
    // No garbage collector here: the foreground finalizer keeps it, terminating, which shows the policy was sent.
    assertThat(terminating.getMetadata().getFinalizers()).contains("foregroundDeletion");
    assertThat(applier.delete(client, set, true)).as("deleting what is terminating already is no error").isTrue();

    client.apps().statefulSets().inNamespace(ns).withName("deepseek-r1-0").edit(s -> {
      s.getMetadata().setFinalizers(null);
      return s;
    });
    assertThat(applier.delete(client, set, true)).as("gone").isFalse();
  }

  @Test
  void pathsFollowTheApiGroup() {
    assertThat(Applier.path(pod("ns", "p"))).isEqualTo("/api/v1/namespaces/ns/pods/p");
    assertThat(Applier.path(new StatefulSetBuilder().withNewMetadata().withName("s").withNamespace("ns").endMetadata().build()))
        .isEqualTo("/apis/apps/v1/namespaces/ns/statefulsets/s");
  }
}
