package io.deepseek.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekPolicy;
import io.deepseek.operator.api.v1alpha1.DeepSeekPolicySpec;
import io.deepseek.operator.api.v1alpha1.DeepSeekProfile;
import io.deepseek.operator.status.Conditions;
import io.deepseek.operator.testing.ApiServer;
import io.deepseek.operator.testing.Fixtures;
import io.deepseek.operator.testing.OperatorOnApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A DeepSeekPolicy on a real API server: its CRD refuses blank entries; a refused deployment gets nothing. */
class PlatformPolicyApiServerTest extends OperatorOnApiServer {
  @AfterAll
  static void deletePoliciesAndProfiles() {
    client.resources(DeepSeekPolicy.class).delete();
    client.resources(io.deepseek.operator.api.v1alpha1.DeepSeekProfile.class).delete();
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
    await().atMost(Duration.ofSeconds(30)).until(() -> condition(ns, "deepseek-r1", "Degraded") != null
        && "PolicyViolation".equals(condition(ns, "deepseek-r1", "Degraded").getReason()));
    assertThat(condition(ns, "deepseek-r1", "Degraded").getMessage()).isEqualTo("Refused by the platform policy, nothing was changed:"
        + " DeepSeekPolicy strict-" + ns + " (allowHostNetwork): spec.network.hostNetwork is not allowed in this namespace; remove it");
    assertThat(condition(ns, "deepseek-r1", "Ready").getReason()).isEqualTo("PolicyViolation");
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

  static <T> T load(Class<T> type, String file) {
    try {
      return client.getKubernetesSerialization().unmarshal(java.nio.file.Files.readString(
          io.deepseek.operator.testing.ProjectPaths.root().resolve("platform").resolve(file)), type);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aTenantNamesAProfileThePolicyRequiresAndAProfileChangeRollsIt() {
    String ns = ApiServer.newNamespace("tenant");
    client.namespaces().withName(ns).edit(n -> {
      n.getMetadata().getLabels().put("deepseek-operator.io/tenant", "true");
      return n;
    });
    DeepSeekPolicy policy = load(DeepSeekPolicy.class, "policy-tenants.yaml");
    policy.getMetadata().setName("tenants-" + ns);
    policy.getSpec().namespaceSelector.getMatchLabels().clear();
    policy.getSpec().namespaceSelector.getMatchLabels().put("kubernetes.io/metadata.name", ns);
    client.resource(policy).create();
    client.resource(load(io.deepseek.operator.api.v1alpha1.DeepSeekProfile.class, "profiles/r1-h100-2node.yaml")).serverSideApply();

    DeepSeekDeployment tenant = load(DeepSeekDeployment.class, "tenant-deepseek-r1.yaml");
    tenant.getMetadata().setNamespace(ns);
    client.resource(tenant).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> client.apps().statefulSets().inNamespace(ns).withName("deepseek-r1").get() != null);
    var leaders = client.apps().statefulSets().inNamespace(ns).withName("deepseek-r1").get();
    assertThat(leaders.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("lmsysorg/sglang:v0.5.18");
    assertThat(leaders.getSpec().getTemplate().getSpec().getHostNetwork()).as("from the profile").isTrue();

    // The platform team changes the profile: a new revision for every deployment that names it, rolled as usual.
    String before = leaders.getSpec().getTemplate().getMetadata().getLabels().get("serving.deepseek-operator.io/revision");
    client.resources(io.deepseek.operator.api.v1alpha1.DeepSeekProfile.class).withName("r1-h100-2node").edit(p -> {
      p.getSpec().engine.memoryFraction = 0.8;
      return p;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> !before.equals(client.apps().statefulSets().inNamespace(ns)
        .withName("deepseek-r1").get().getSpec().getTemplate().getMetadata().getLabels().get("serving.deepseek-operator.io/revision")));

    // Without a profile, the policy refuses it; with a profile nobody published, the spec says which.
    DeepSeekDeployment own = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    own.getMetadata().setName("own-spec");
    own.getMetadata().setNamespace(ns);
    own.getMetadata().setUid(null);
    client.resource(own).create();
    DeepSeekDeployment unknown = load(DeepSeekDeployment.class, "tenant-deepseek-r1.yaml");
    unknown.getMetadata().setName("unknown-profile");
    unknown.getMetadata().setNamespace(ns);
    unknown.getSpec().profile = "r1-b200-1node";
    client.resource(unknown).create();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(degraded(ns, "own-spec")).contains("PolicyViolation", "(requireProfile): spec.profile is required in this namespace");
      assertThat(degraded(ns, "unknown-profile")).contains("InvalidSpec", "spec.profile: DeepSeekProfile r1-b200-1node does not exist");
    });
    assertThat(client.apps().statefulSets().inNamespace(ns).withName("own-spec").get()).isNull();
  }

  /**
   * The ceiling counts the older deployments as they run: with their profile applied, and as their spec or their
   * profile says now (a refused deployment is checked again when a policy changes, or within 30 s).
   */
  @Test
  void theCeilingCountsOlderDeploymentsAsTheirSpecAndProfileSay() {
    String ns = ApiServer.newNamespace("ceiling");
    DeepSeekPolicy p = new DeepSeekPolicy();
    p.getMetadata().setName("ceiling-" + ns);
    p.setSpec(new DeepSeekPolicySpec());
    p.getSpec().namespaceSelector = new LabelSelectorBuilder().addToMatchLabels("kubernetes.io/metadata.name", ns).build();
    p.getSpec().maxAcceleratorsPerNamespace = 24;
    p.getSpec().allowHostNetwork = true;
    client.resource(p).create();
    DeepSeekProfile profile = load(DeepSeekProfile.class, "profiles/r1-h100-2node.yaml");
    profile.getMetadata().setName("ceiling-" + ns);
    client.resource(profile).create();

    // Older: 1 group x 2 nodes x 8 from its profile = 16. Younger (same second or later, and later by name): 16 more.
    DeepSeekDeployment older = load(DeepSeekDeployment.class, "tenant-deepseek-r1.yaml");
    older.getMetadata().setName("a-older");
    older.getMetadata().setNamespace(ns);
    older.getSpec().profile = "ceiling-" + ns;
    client.resource(older).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> client.apps().statefulSets().inNamespace(ns).withName("a-older").get() != null);
    DeepSeekDeployment younger = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    younger.getMetadata().setName("b-younger");
    younger.getMetadata().setNamespace(ns);
    younger.getMetadata().setUid(null);
    client.resource(younger).create();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(degraded(ns, "b-younger"))
        .contains("PolicyViolation", "(maxAcceleratorsPerNamespace)", "older deployments use 16"));

    // The profile halves the older one's accelerators (2 nodes x 4): room for the younger one.
    client.resources(DeepSeekProfile.class).withName("ceiling-" + ns).edit(x -> {
      x.getSpec().accelerator.perNode = 4;
      x.getSpec().parallelism.tensor = 8;
      return x;
    });
    nudge("ceiling-" + ns);
    await().atMost(Duration.ofSeconds(30)).until(() -> client.apps().statefulSets().inNamespace(ns).withName("b-younger").get() != null);

    // The older one's spec asks for 2 groups (2 x 2 x 4 = 16): the younger one is over the ceiling again.
    client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("a-older").edit(x -> {
      x.getSpec().replicas = 2;
      return x;
    });
    nudge("ceiling-" + ns);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(degraded(ns, "b-younger"))
        .contains("PolicyViolation", "(maxAcceleratorsPerNamespace)", "older deployments use 16"));
  }

  /** A change of a policy reconciles every deployment at once (else the refused ones are checked again within 30 s). */
  static void nudge(String policy) {
    client.resources(DeepSeekPolicy.class).withName(policy).edit(x -> {
      x.getMetadata().getAnnotations().put("test/nudged", Long.toString(System.nanoTime()));
      return x;
    });
  }

  static String degraded(String ns, String name) {
    DeepSeekDeployment d = client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(name).get();
    Condition c = d == null || d.getStatus() == null ? null : Conditions.find(d.getStatus().conditions, "Degraded");
    return c == null ? "" : c.getReason() + ": " + c.getMessage();
  }
}
