package io.deepseek.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.testing.ApiServer;
import io.deepseek.operator.testing.Fixtures;
import io.deepseek.operator.testing.OperatorOnApiServer;
import io.deepseek.operator.validation.HostPathPolicy;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tenant's own objects are never taken over: a DeepSeekDeployment whose children's names are taken leaves them alone,
 * says so, and deleting it deletes nothing of theirs. Two deployments whose children would collide: the later is refused.
 * Against a real API server: what SSA would do to an existing object, and what owner references it carries, is its call.
 */
class NoTakeoverTest extends OperatorOnApiServer {
  static DeepSeekDeployment deployment(String ns, String name) {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getMetadata().setName(name);
    d.getMetadata().setNamespace(ns);
    d.getMetadata().setUid(null);
    d.getMetadata().setGeneration(null);
    return d;
  }

  @Test
  void aTenantsServiceNamedLikeTheDeploymentIsLeftAloneAndSurvivesItsDeletion() {
    String ns = ApiServer.newNamespace("take");
    Service web = client.resource(new ServiceBuilder().withNewMetadata().withName("web").withNamespace(ns)
        .addToLabels("app", "web").endMetadata().withNewSpec().addToSelector("app", "web").addNewPort().withPort(80)
        .endPort().endSpec().build()).create();
    StatefulSet db = client.resource(new StatefulSetBuilder().withNewMetadata().withName("web-pods").withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "db").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "db").endMetadata().withNewSpec().addNewContainer()
        .withName("db").withImage("db:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
    Service dbService = client.resource(new ServiceBuilder().withNewMetadata().withName("web-pods").withNamespace(ns).endMetadata()
        .withNewSpec().addToSelector("app", "db").addNewPort().withPort(5432).endPort().endSpec().build()).create();

    client.resource(deployment(ns, "web")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> condition(ns, "web", "Degraded") != null
        && "NameConflict".equals(condition(ns, "web", "Degraded").getReason()));
    Condition degraded = condition(ns, "web", "Degraded");
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getMessage()).contains("Service web is not owned by this DeepSeekDeployment (it has no owner); it was"
        + " left untouched", "Service web-pods is not owned");
    assertThat(condition(ns, "web", "Ready").getReason()).isEqualTo("NameConflict");
    assertThat(condition(ns, "web", "Progressing").getMessage()).isEqualTo("Nothing is created until the names are free.");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("NameConflict");
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).contains("Service web ");
        }));

    // Nothing of the tenant's changed, and nothing of the deployment was made (no half-made deployment).
    Service after = client.services().inNamespace(ns).withName("web").get();
    assertThat(after.getSpec().getSelector()).isEqualTo(Map.of("app", "web"));
    assertThat(after.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(web.getMetadata().getResourceVersion());
    assertThat(client.services().inNamespace(ns).withName("web-pods").get().getMetadata().getResourceVersion())
        .isEqualTo(dbService.getMetadata().getResourceVersion());
    assertThat(client.apps().statefulSets().inNamespace(ns).withName("web-pods").get().getMetadata().getResourceVersion())
        .isEqualTo(db.getMetadata().getResourceVersion());
    assertThat(client.apps().statefulSets().inNamespace(ns).withName("web").get()).isNull();
    assertThat(client.apps().controllerRevisions().inNamespace(ns).list().getItems()).isEmpty();

    // Deleting the deployment: no owner reference points at it from the tenant's objects, so garbage collection
    // (LocalCluster's e2e run has it) has nothing of theirs to take; here the objects are checked to be unchanged.
    client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("web").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("web").get() == null);
    assertThat(client.services().inNamespace(ns).withName("web").get().getMetadata().getResourceVersion())
        .isEqualTo(web.getMetadata().getResourceVersion());
    assertThat(client.services().inNamespace(ns).withName("web-pods").get()).isNotNull();

    // Once the names are free, the same deployment is created whole.
    client.services().inNamespace(ns).withName("web").delete();
    client.services().inNamespace(ns).withName("web-pods").delete();
    client.resource(deployment(ns, "web")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> client.apps().statefulSets().inNamespace(ns).withName("web").get() != null);
    assertThat(client.services().inNamespace(ns).withName("web").get().getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "deepseek-operator");
    assertThat(client.apps().statefulSets().inNamespace(ns).withName("web-pods").get().getMetadata().getResourceVersion())
        .as("the tenant's StatefulSet web-pods is no child name (the headless Service is)")
        .isEqualTo(db.getMetadata().getResourceVersion());
  }

  @Test
  void aDeploymentWhoseChildrenWouldCollideWithAnOlderOnesIsRefused() {
    String ns = ApiServer.newNamespace("clash");
    client.resource(deployment(ns, "x")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> client.apps().statefulSets().inNamespace(ns).withName("x").get() != null);
    for (String name : List.of("x-0", "x-pods", "x-1-1")) {
      client.resource(deployment(ns, name)).create();
    }
    for (String name : List.of("x-0", "x-pods", "x-1-1")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> condition(ns, name, "Degraded") != null);
      assertThat(condition(ns, name, "Degraded").getReason()).isEqualTo("InvalidSpec");
      assertThat(condition(ns, name, "Degraded").getMessage())
          .contains("DeepSeekDeployment x (older) names its own objects " + name);
    }
    assertThat(client.apps().statefulSets().inNamespace(ns).withName("x-0").get()).isNull();
    assertThat(client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("x").get().getStatus().conditions)
        .noneSatisfy(c -> assertThat(c.getReason()).isIn("InvalidSpec", "NameConflict"));
    // The other way round (the informer's index of deployments by the names that would generate theirs): y-0 is older, so
    // a y created later would name its own group y-0 and is refused; y-0 runs on.
    Instant older = Instant.parse(client.resource(deployment(ns, "y-0")).create().getMetadata().getCreationTimestamp());
    await().atMost(Duration.ofSeconds(30)).until(() -> client.apps().statefulSets().inNamespace(ns).withName("y-0").get() != null);
    // Creation times are in seconds, and within one second the name decides (y before y-0): let a second pass.
    await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(older.plusSeconds(1)));
    client.resource(deployment(ns, "y")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> condition(ns, "y", "Degraded") != null);
    assertThat(condition(ns, "y", "Degraded").getMessage())
        .contains("this deployment would name its own objects y-0, which is the older DeepSeekDeployment y-0");
    assertThat(client.apps().statefulSets().inNamespace(ns).withName("y").get()).isNull();
  }
}
