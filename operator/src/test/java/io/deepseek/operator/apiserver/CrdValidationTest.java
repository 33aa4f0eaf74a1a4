package io.deepseek.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.ModelSource;
import io.deepseek.operator.testing.ApiServer;
import io.deepseek.operator.testing.Fixtures;
import io.deepseek.operator.testing.ProjectPaths;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the API server itself refuses, with the message the user sees from kubectl apply. */
class CrdValidationTest {
  static KubernetesClient client;
  static String ns;

  @BeforeAll
  static void setUp() {
    client = ApiServer.client();
    ns = ApiServer.newNamespace("crd");
  }

  static DeepSeekDeployment s4(String name, Consumer<DeepSeekDeployment> change) {
    return variant("deepseek-r1-sglang-2x8-h100.yaml", name, change);
  }

  /** An example under another name, as a new object of the test's namespace, changed. */
  static DeepSeekDeployment variant(String example, String name, Consumer<DeepSeekDeployment> change) {
    DeepSeekDeployment d = Fixtures.example(example);
    d.getMetadata().setName(name);
    d.getMetadata().setNamespace(ns);
    d.getMetadata().setUid(null);
    d.getMetadata().setGeneration(null);
    change.accept(d);
    return d;
  }

  static void assertRejected(DeepSeekDeployment d, String... messageParts) {
    assertThatThrownBy(() -> client.resource(d).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContainingAll(messageParts);
  }

  @Test
  void theExamplesAreAcceptedAndDefaulted() {
    DeepSeekDeployment created = client.resource(s4("valid", d -> {
      d.getSpec().replicas = null;
      d.getSpec().network.distInitPort = null;
      d.getSpec().service = null;
      d.getSpec().startup = null;
    })).create();
    assertThat(created.getSpec().replicas).isEqualTo(1);
    assertThat(created.getSpec().network.distInitPort).isEqualTo(20000);
    assertThat(created.getSpec().service.port).isEqualTo(8000);
    assertThat(created.getSpec().startup.timeout).isEqualTo("60m");
    assertThat(created.getSpec().engine.type.name()).isEqualTo("SGLang");
    DeepSeekDeployment v3 = Fixtures.example("deepseek-v3-sglang-2x8-h200.yaml");
    v3.getMetadata().setNamespace(ns);
    v3.getMetadata().setUid(null);
    assertThat(client.resource(v3).create().getSpec().engine.port).isEqualTo(40000);
  }

  static DeepSeekDeployment pd(String name, Consumer<DeepSeekDeployment> change) {
    return variant("disaggregated/deepseek-v3.1-sglang-pd-h200.yaml", name, change);
  }

  @Test
  void theDisaggregatedExamplesAreAcceptedAndTheirRolesCannotComeOrGo() throws IOException {
    try (Stream<Path> files = Files.list(ProjectPaths.examples().resolve("disaggregated"))) {
      for (Path f : files.sorted().toList()) {
        DeepSeekDeployment d = Fixtures.example("disaggregated/" + f.getFileName());
        d.getMetadata().setNamespace(ns);
        d.getMetadata().setUid(null);
        DeepSeekDeployment created = client.resource(d).create();
        assertThat(created.getSpec().replicas).as("spec.replicas defaults to 1, which roles leave alone").isEqualTo(1);
        assertThat(created.getSpec().roles.decode.replicas).isEqualTo(1);
      }
    }
    // Scaling a role is an update like any other; adding or removing roles is not.
    DeepSeekDeployment live = client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("deepseek-v3-1").get();
    live.getSpec().roles.decode.replicas = 3;
    assertThat(client.resource(live).update().getSpec().roles.decode.replicas).isEqualTo(3);
    live = client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("deepseek-v3-1").get();
    live.getSpec().roles = null;
    live.getSpec().disaggregation = null;
    DeepSeekDeployment withoutRoles = live;
    assertThatThrownBy(() -> client.resource(withoutRoles).update()).isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.roles cannot be added to or removed from a deployment");
    DeepSeekDeployment plain = client.resource(s4("plain", d -> { })).create();
    plain.getSpec().roles = Fixtures.example("disaggregated/deepseek-v3.1-sglang-pd-h200.yaml").getSpec().roles;
    assertThatThrownBy(() -> client.resource(plain).update()).isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.roles cannot be added to or removed from a deployment");
  }

  @Test
  void rolesAreRefusedWhatTheyCannotMean() {
    assertRejected(pd("pd-replicas", d -> d.getSpec().replicas = 2), "spec.replicas", "with spec.roles each role has its own replicas");
    assertRejected(pd("pd-autoscaling", d -> {
      d.getSpec().autoscaling = new io.deepseek.operator.api.v1alpha1.AutoscalingSpec();
      d.getSpec().autoscaling.maxReplicas = 4;
      var target = new io.deepseek.operator.api.v1alpha1.AutoscalingSpec.Target();
      target.metric = io.deepseek.operator.api.v1alpha1.AutoscalingSpec.Metric.values()[0];
      target.value = "8";
      d.getSpec().autoscaling.targets = java.util.List.of(target);
    }), "spec.autoscaling", "with spec.roles autoscale each role");
    assertRejected(pd("pd-missing", d -> d.getSpec().roles.decode = null), "spec.roles.decode: Required value");
    assertRejected(pd("pd-ascend", d -> d.getSpec().disaggregation.transferBackend =
        io.deepseek.operator.api.v1alpha1.DisaggregationSpec.TransferBackend.Ascend), "transferBackend Ascend is vllm-ascend's");
    assertRejected(s4("no-roles", d -> d.getSpec().disaggregation = new io.deepseek.operator.api.v1alpha1.DisaggregationSpec()),
        "spec.disaggregation configures spec.roles");
    assertRejected(pd("pd-negative", d -> d.getSpec().roles.prefill.replicas = -1), "spec.roles.prefill.replicas");
    assertRejected(pd("pd-band", d -> {
      d.getSpec().disaggregation.prefillPerDecode = new io.deepseek.operator.api.v1alpha1.DisaggregationSpec.RatioBand();
      d.getSpec().disaggregation.prefillPerDecode.min = "2";
      d.getSpec().disaggregation.prefillPerDecode.max = "0.5";
    }), "prefillPerDecode: min must not be above max");
    assertRejected(pd("pd-band-number", d -> {
      d.getSpec().disaggregation.prefillPerDecode = new io.deepseek.operator.api.v1alpha1.DisaggregationSpec.RatioBand();
      d.getSpec().disaggregation.prefillPerDecode.max = "two";
    }), "spec.disaggregation.prefillPerDecode.max");
    assertRejected(s4("no-roles-router", d -> d.getSpec().router = new io.deepseek.operator.api.v1alpha1.RouterSpec()),
        "spec.router routes between spec.roles");
  }

  @Test
  void tensorParallelMustCoverTheGroup() {
    assertRejected(s4("tp", d -> d.getSpec().parallelism.tensor = 8),
        "spec.parallelism.tensor", "parallelism.tensor x parallelism.pipeline must equal parallelism.nodes x accelerator.perNode");
  }

  @Test
  void sglangDataParallelNeedsDpAttention() {
    assertRejected(s4("dp", d -> d.getSpec().parallelism.data = 2), "spec.parallelism.data", "set engine.dataParallelAttention: true");
  }

  @Test
  void exactlyOneModelSource() {
    assertRejected(s4("src", d -> {
      d.getSpec().model.source.persistentVolumeClaim = new ModelSource.PvcSource();
      d.getSpec().model.source.persistentVolumeClaim.claimName = "models";
    }), "model.source must set exactly one of hostPath, persistentVolumeClaim, huggingFace or modelScope");
  }

  @Test
  void requiredFieldsAndRanges() {
    assertRejected(s4("req", d -> d.getSpec().engine.image = null), "spec.engine.image: Required value");
    assertRejected(s4("neg", d -> d.getSpec().replicas = -1), "spec.replicas", "greater than or equal to 0");
    assertRejected(s4("rel", d -> d.getSpec().model.source.hostPath = "data/models"), "spec.model.source.hostPath");
    assertRejected(s4("dur", d -> d.getSpec().startup.timeout = "1 hour"), "spec.startup.timeout");
  }

  /**
   * What Argo CD (ServerSideApply=true) or kubectl apply --server-side does with a manifest from Git: applied twice, the
   * second apply changes nothing (no drift from the defaults the API server fills in), for every example as written.
   */
  @Test
  void applyingTheSameManifestTwiceIsANoOp() throws IOException {
    {
      for (String file : ProjectPaths.exampleNames()) {
        DeepSeekDeployment d = Fixtures.example(file);
        d.getMetadata().setNamespace(ns);
        d.getMetadata().setName("twice-" + d.getMetadata().getName());
        d.getMetadata().setUid(null);
        d.getMetadata().setGeneration(null);
        d.getMetadata().setResourceVersion(null);
        DeepSeekDeployment first = client.resource(d).fieldManager("argocd-controller").forceConflicts().serverSideApply();
        DeepSeekDeployment second = client.resource(d).fieldManager("argocd-controller").forceConflicts().serverSideApply();
        assertThat(second.getMetadata().getResourceVersion()).as(file)
            .isEqualTo(first.getMetadata().getResourceVersion());
        assertThat(second.getMetadata().getGeneration()).isEqualTo(1L);
      }
    }
  }

  @Test
  void precisionAndEngineVersionAreChecked() {
    assertRejected(s4("version", d -> d.getSpec().engine.version = "newest"), "spec.engine.version");
    DeepSeekDeployment d = s4("precision", x -> x.getSpec().model.precision = io.deepseek.operator.api.v1alpha1.ModelSpec.Precision.BF16);
    String json = client.getKubernetesSerialization().asJson(d).replace("\"BF16\"", "\"INT4\"");
    GenericKubernetesResource raw = client.getKubernetesSerialization().unmarshal(json, GenericKubernetesResource.class);
    assertThatThrownBy(() -> client.resource(raw).create())
        .hasMessageContaining("Unsupported value: \"INT4\"").hasMessageContaining("\"W8A8\"");
    DeepSeekDeployment ok = client.resource(s4("versioned", x -> {
      x.getSpec().engine.image = "lmsysorg/sglang:latest";
      x.getSpec().engine.version = "0.5.23";
      x.getSpec().model.precision = io.deepseek.operator.api.v1alpha1.ModelSpec.Precision.FP8;
    })).create();
    assertThat(ok.getSpec().engine.version).isEqualTo("0.5.23");
  }

  @Test
  void unknownEnumValuesAreListed() {
    DeepSeekDeployment d = s4("product", x -> {});
    String json = client.getKubernetesSerialization().asJson(d).replace("\"H100-80GB\"", "\"H100\"");
    GenericKubernetesResource raw = client.getKubernetesSerialization().unmarshal(json, GenericKubernetesResource.class);
    assertThatThrownBy(() -> client.resource(raw).create())
        .hasMessageContaining("Unsupported value: \"H100\"").hasMessageContaining("\"H100-80GB\"");
  }

  @Test
  void namesMustFitTheObjectsTheyName() {
    assertRejected(s4("r1.model", d -> {}), "metadata.name must be a DNS label of at most 40 characters");
    assertRejected(s4("a234567890123456789012345678901234567890x", d -> {}), "at most 40 characters");
  }

  @Test
  void everyCountListStringAndDurationIsBounded() {
    assertRejected(s4("many", d -> d.getSpec().replicas = 10_000_000), "spec.replicas", "less than or equal to 512");
    assertRejected(s4("huge", d -> d.getSpec().startup.timeout = "99999999999999999999h"), "spec.startup.timeout");
    assertRejected(s4("back", d -> {
      d.getSpec().failure = new io.deepseek.operator.api.v1alpha1.FailureSpec();
      d.getSpec().failure.backoff = "99999999999999999999s";
    }), "spec.failure.backoff");
    assertRejected(s4("args", d -> d.getSpec().engine.extraArgs = java.util.Collections.nCopies(100_000, "--x")),
        "spec.engine.extraArgs", "must have at most 256 items");
    assertRejected(s4("long", d -> d.getSpec().engine.extraArgs = java.util.List.of("x".repeat(5000))),
        "each argument is at most 4096 characters");
    assertRejected(s4("img", d -> d.getSpec().engine.image = "a".repeat(600)), "spec.engine.image", "Too long: may not be more than 512");
    assertRejected(s4("sel", d -> {
      d.getSpec().scheduling = new io.deepseek.operator.api.v1alpha1.SchedulingSpec();
      d.getSpec().scheduling.nodeSelector = new java.util.TreeMap<>();
      for (int i = 0; i < 65; i++) {
        d.getSpec().scheduling.nodeSelector.put("k" + i, "v");
      }
    }), "spec.scheduling.nodeSelector", "must have at most 64 items");
    assertRejected(s4("tp", d -> d.getSpec().parallelism.tensor = 4096), "spec.parallelism.tensor", "less than or equal to 1024");
  }

  @Test
  void theScaleSubresourceIsBoundedToo() {
    DeepSeekDeployment d = client.resource(s4("scaled", x -> {})).create();
    assertThatThrownBy(() -> client.resource(d).scale(10_000_000))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.replicas").hasMessageContaining("less than or equal to 512");
    assertThat(client.resource(d).get().getSpec().replicas).isEqualTo(1);
  }
}
