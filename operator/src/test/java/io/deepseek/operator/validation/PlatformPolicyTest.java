package io.deepseek.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekPolicy;
import io.deepseek.operator.api.v1alpha1.DeepSeekPolicySpec;
import io.deepseek.operator.api.v1alpha1.SchedulingSpec;
import io.deepseek.operator.api.v1alpha1.ServiceSpec;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformPolicyTest {
  final DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");

  static DeepSeekPolicy policy(String name, DeepSeekPolicySpec spec) {
    DeepSeekPolicy p = new DeepSeekPolicy();
    p.getMetadata().setName(name);
    p.setSpec(spec);
    return p;
  }

  List<String> check(DeepSeekPolicy... policies) {
    return PlatformPolicy.check(DeploymentModel.of(d), List.of(policies), Map.of("team", "a"), PlatformPolicy.Defaults.BUILT_IN,
        List.of(d));
  }

  @Test
  void everyExampleRunsOnAFreshInstall() throws IOException {
    {
      for (String f : io.deepseek.operator.testing.ProjectPaths.exampleNames()) {
        DeepSeekDeployment e = Fixtures.example(f);
        assertThat(PlatformPolicy.check(DeploymentModel.of(e), List.of(), Map.of(), PlatformPolicy.Defaults.BUILT_IN, List.of(e)))
            .as(f).isEmpty();
      }
    }
  }

  @Test
  void theDefaultsRefuseWhatATenantShouldNotDecideAlone() {
    d.getSpec().scheduling = new SchedulingSpec();
    d.getSpec().scheduling.priorityClassName = "system-node-critical";
    d.getSpec().scheduling.tolerations = List.of(new TolerationBuilder().withOperator("Exists").build(),
        new TolerationBuilder().withKey("node-role.kubernetes.io/control-plane").withOperator("Exists").build());
    d.getSpec().scheduling.nodeSelector = Map.of("node-role.kubernetes.io/control-plane", "");
    d.getSpec().scheduling.schedulerName = "my-scheduler";
    d.getSpec().accelerator.resourceName = "cpu";
    d.getSpec().service.type = ServiceSpec.ServiceType.LoadBalancer;
    d.getSpec().service.annotations = Map.of("service.beta.kubernetes.io/aws-load-balancer-scheme", "internet-facing");
    d.getSpec().podTemplate = new io.deepseek.operator.api.v1alpha1.PodTemplateOverrides();
    d.getSpec().podTemplate.serviceAccountName = "cluster-admin-sa";
    assertThat(check()).allSatisfy(v -> assertThat(v).startsWith("the operator's defaults ("))
        .anySatisfy(v -> assertThat(v).contains("(allowedPriorityClasses): spec.scheduling.priorityClassName system-node-critical"))
        .anySatisfy(v -> assertThat(v).contains("spec.scheduling.tolerations[0] tolerates every taint"))
        .anySatisfy(v -> assertThat(v).contains("spec.scheduling.tolerations[1] tolerates the control plane's taint"))
        .anySatisfy(v -> assertThat(v).contains("(allowControlPlaneNodes): spec.scheduling.nodeSelector node-role.kubernetes.io/control-plane"))
        .anySatisfy(v -> assertThat(v).contains("(allowedSchedulerNames): spec.scheduling.schedulerName my-scheduler is not allowed (allowed: default-scheduler)"))
        .anySatisfy(v -> assertThat(v).contains("(allowedAcceleratorResources): spec.accelerator.resourceName cpu is not allowed"))
        .anySatisfy(v -> assertThat(v).contains("(allowedServiceTypes): spec.service.type LoadBalancer is not allowed (allowed: ClusterIP)"))
        .anySatisfy(v -> assertThat(v).contains("(allowedServiceAccounts): spec.podTemplate.serviceAccountName cluster-admin-sa"))
        .hasSize(8);
  }

  @Test
  void aPolicyCanLimitClientServiceAnnotations() {
    d.getSpec().service.annotations = Map.of("service.beta.kubernetes.io/aws-load-balancer-scheme", "internet-facing",
        "example.com/team", "a");
    assertThat(check()).as("the defaults allow annotations: LoadBalancer is what they would act on").isEmpty();
    DeepSeekPolicySpec internal = new DeepSeekPolicySpec();
    internal.allowedServiceAnnotationPrefixes = List.of("example.com/");
    assertThat(check(policy("internal", internal))).containsExactly("DeepSeekPolicy internal (allowedServiceAnnotationPrefixes):"
        + " spec.service.annotations service.beta.kubernetes.io/aws-load-balancer-scheme is not allowed (allowed: example.com/)");
  }

  @Test
  void aPolicyThatSelectsTheNamespaceReplacesTheDefaultsFieldByField() {
    DeepSeekPolicySpec strict = new DeepSeekPolicySpec();
    strict.namespaceSelector = new LabelSelectorBuilder().addToMatchLabels("team", "a").build();
    strict.allowedImagePrefixes = List.of("registry.example.com/ai/");
    strict.allowHostNetwork = false;
    strict.allowedHostPathPrefixes = List.of("/models");
    strict.allowedServiceTypes = List.of(ServiceSpec.ServiceType.ClusterIP, ServiceSpec.ServiceType.LoadBalancer);
    d.getSpec().service.type = ServiceSpec.ServiceType.LoadBalancer;
    assertThat(check(policy("tenants", strict))).containsExactly(
        "DeepSeekPolicy tenants (allowedImagePrefixes): spec.engine.image lmsysorg/sglang:v0.5.18 is not from an allowed registry (registry.example.com/ai/)",
        "DeepSeekPolicy tenants (allowHostNetwork): spec.network.hostNetwork is not allowed in this namespace; remove it",
        "DeepSeekPolicy tenants (allowedHostPathPrefixes): spec.model.source.hostPath /data/models/DeepSeek-R1 is not under /models");
    DeepSeekPolicySpec other = new DeepSeekPolicySpec();
    other.namespaceSelector = new LabelSelectorBuilder().addToMatchLabels("team", "b").build();
    other.allowHostNetwork = false;
    assertThat(check(policy("team-b", other))).as("a policy for other namespaces does not apply; the defaults do")
        .containsExactly("the operator's defaults (allowedServiceTypes): spec.service.type LoadBalancer is not allowed (allowed: ClusterIP)");
  }

  @Test
  void everyPolicyThatSelectsTheNamespaceMustAllowIt() {
    DeepSeekPolicySpec noRdma = new DeepSeekPolicySpec();
    noRdma.allowRdma = false;
    DeepSeekPolicySpec noHostNetwork = new DeepSeekPolicySpec();
    noHostNetwork.allowHostNetwork = false;
    d.getSpec().network.rdma = new io.deepseek.operator.api.v1alpha1.NetworkSpec.RdmaSpec();
    d.getSpec().network.rdma.resourceName = "rdma/hca";
    assertThat(check(policy("a-no-rdma", noRdma), policy("b-no-host-network", noHostNetwork))).hasSize(2)
        .anySatisfy(v -> assertThat(v).startsWith("DeepSeekPolicy a-no-rdma (allowRdma)"))
        .anySatisfy(v -> assertThat(v).startsWith("DeepSeekPolicy b-no-host-network (allowHostNetwork)"));
  }

  @Test
  void allowedTolerationsCoverKeyEffectAndValue() {
    Toleration gpu = new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Exists").withEffect("NoSchedule").build();
    assertThat(PlatformPolicy.covers(gpu, new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Equal").withValue("x")
        .withEffect("NoSchedule").build())).isTrue();
    assertThat(PlatformPolicy.covers(gpu, new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Exists")
        .withEffect("NoExecute").build())).isFalse();
    assertThat(PlatformPolicy.covers(gpu, new TolerationBuilder().withOperator("Exists").build())).isFalse();
    Toleration exact = new TolerationBuilder().withKey("pool").withOperator("Equal").withValue("ai").build();
    assertThat(PlatformPolicy.covers(exact, new TolerationBuilder().withKey("pool").withOperator("Exists").build()))
        .as("Exists is wider than an allowed value").isFalse();
  }

  @Test
  void theAcceleratorCeilingRefusesTheNewestDeploymentsBeyondIt() {
    DeepSeekPolicySpec ceiling = new DeepSeekPolicySpec();
    ceiling.maxAcceleratorsPerNamespace = 24;
    DeepSeekDeployment older = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    older.getMetadata().setName("older");
    older.getMetadata().setCreationTimestamp("2026-11-01T00:00:00Z");
    d.getMetadata().setCreationTimestamp("2026-11-02T00:00:00Z");
    List<String> v = PlatformPolicy.check(DeploymentModel.of(d), List.of(policy("quota", ceiling)), Map.of(),
        PlatformPolicy.Defaults.BUILT_IN, List.of(older, d));
    assertThat(v).singleElement().asString().contains("(maxAcceleratorsPerNamespace): spec.replicas 1 x 2 node(s) x 8 = 16"
        + " accelerators, but the namespace may use 24 and older deployments use 16");
    assertThat(PlatformPolicy.check(DeploymentModel.of(older), List.of(policy("quota", ceiling)), Map.of(),
        PlatformPolicy.Defaults.BUILT_IN, List.of(older, d))).as("the older one runs on").isEmpty();
  }

  /**
   * The ceiling counts what a deployment may take: each role's groups (a role's own accelerators and nodes), and with
   * autoscaling its maxReplicas. A role cannot slip more accelerators past the policy than the deployment's blocks say.
   */
  @Test
  void theCeilingCountsEveryRoleAndWhatAnAutoscalerMayReach() {
    DeepSeekPolicySpec ceiling = new DeepSeekPolicySpec();
    ceiling.maxAcceleratorsPerNamespace = 24;
    DeepSeekDeployment pd = Fixtures.example("disaggregated/deepseek-v3.1-sglang-pd-h200.yaml");
    // prefill 1 x 1 x 8 + decode 1 x 2 x 8 = 24: fits.
    assertThat(PlatformPolicy.check(DeploymentModel.of(pd), List.of(policy("quota", ceiling)), Map.of(),
        PlatformPolicy.Defaults.BUILT_IN, List.of(pd))).isEmpty();
    var a = new io.deepseek.operator.api.v1alpha1.AutoscalingSpec();
    a.maxReplicas = 3;
    pd.getSpec().roles.decode.autoscaling = a;
    assertThat(PlatformPolicy.check(DeploymentModel.of(pd), List.of(policy("quota", ceiling)), Map.of(),
        PlatformPolicy.Defaults.BUILT_IN, List.of(pd))).singleElement().asString()
        .contains("prefill replicas 1 x 1 node(s) x 8 + decode maxReplicas 3 x 2 node(s) x 8 = 56 accelerators")
        .contains("lower the roles' replicas or maxReplicas");
    // A role's own accelerator resource is checked like the deployment's.
    pd.getSpec().roles.decode.autoscaling = null;
    pd.getSpec().roles.decode.accelerator = io.deepseek.operator.model.Json.copy(pd.getSpec().accelerator);
    pd.getSpec().roles.decode.accelerator.resourceName = "example.com/other-gpu";
    assertThat(PlatformPolicy.check(DeploymentModel.of(pd), List.of(), Map.of(), PlatformPolicy.Defaults.BUILT_IN, List.of(pd)))
        .singleElement().asString().contains("spec.roles.decode.accelerator.resourceName");
    // And the router's image comes from an allowed registry like the engine's.
    DeepSeekPolicySpec registry = new DeepSeekPolicySpec();
    registry.allowedImagePrefixes = List.of("lmsysorg/");
    DeepSeekDeployment fresh = Fixtures.example("disaggregated/deepseek-v3.1-sglang-pd-h200.yaml");
    assertThat(PlatformPolicy.check(DeploymentModel.of(fresh), List.of(policy("registry", registry)), Map.of(),
        PlatformPolicy.Defaults.BUILT_IN, List.of(fresh))).singleElement().asString()
        .contains("the router image lightseekorg/smg:1.13.0 (spec.router.image) is not from an allowed registry");
  }

  @Test
  void blankEntriesAllowNothingAndBlankDefaultsAreRefused() {
    DeepSeekPolicySpec blank = new DeepSeekPolicySpec();
    blank.allowedImagePrefixes = List.of(" ");
    assertThat(check(policy("blank", blank))).singleElement().asString().contains("(allowedImagePrefixes)");
    assertThatThrownBy(() -> new PlatformPolicy.Defaults(true, true, List.of("ClusterIP"), List.of(" "), List.of("default-scheduler"),
        List.of("nvidia.com/gpu"), null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank entries");
    assertThatThrownBy(() -> new PlatformPolicy.Defaults(true, true, List.of("Ingress"), List.of("default"), List.of("default-scheduler"),
        List.of("nvidia.com/gpu"), null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void labelSelectorsAsKubernetesReadsThem() {
    var sel = new LabelSelectorBuilder().addToMatchLabels("team", "a").addNewMatchExpression().withKey("tier")
        .withOperator("In").withValues("gpu", "npu").endMatchExpression().addNewMatchExpression().withKey("frozen")
        .withOperator("DoesNotExist").endMatchExpression().build();
    assertThat(PlatformPolicy.selects(sel, Map.of("team", "a", "tier", "gpu"))).isTrue();
    assertThat(PlatformPolicy.selects(sel, Map.of("team", "a", "tier", "cpu"))).isFalse();
    assertThat(PlatformPolicy.selects(sel, Map.of("team", "a", "tier", "gpu", "frozen", "yes"))).isFalse();
    assertThat(PlatformPolicy.selects(null, Map.of())).isTrue();
  }
}
