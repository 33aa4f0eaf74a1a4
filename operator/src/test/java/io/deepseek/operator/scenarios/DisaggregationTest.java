package io.deepseek.operator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DisaggregationSpec;
import io.deepseek.operator.api.v1alpha1.EngineType;
import io.deepseek.operator.api.v1alpha1.ServingRole;
import io.deepseek.operator.desired.DesiredState;
import io.deepseek.operator.desired.PodTemplates;
import io.deepseek.operator.engine.Engines;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Json;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Revision;
import io.deepseek.operator.testing.Fixtures;
import io.deepseek.operator.testing.Golden;
import io.deepseek.operator.testing.ProjectPaths;
import io.deepseek.operator.validation.SpecValidator;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Prefill/decode roles as each engine runs them: the flags per role, in every release, and the objects per role. */
class DisaggregationTest {
  static final String SGLANG = "disaggregated/deepseek-v3.1-sglang-pd-h200.yaml";
  static final String ASCEND = "disaggregated/deepseek-v3.1-w8a8-vllm-ascend-pd-a3.yaml";
  /** As in GoldenObjectsTest: the worker sets as made for a leader at 10.0.0.10. */
  static final DesiredState.LeaderPod LEADER = new DesiredState.LeaderPod("11111111-2222-3333-4444-555555555555", "10.0.0.10");

  static Stream<String> examples() throws IOException {
    try (Stream<Path> files = Files.list(ProjectPaths.examples().resolve("disaggregated"))) {
      return files.map(p -> "disaggregated/" + p.getFileName()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
    }
  }

  static Stream<Arguments> renderings() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String example : examples().toList()) {
      EngineType type = DeploymentModel.of(Fixtures.example(example)).engineType();
      for (String release : EngineFlagsTest.RELEASES.get(type)) {
        out.add(Arguments.of(example, release));
      }
    }
    return out.stream();
  }

  static DeepSeekDeployment at(String example, String release) {
    DeepSeekDeployment d = Fixtures.example(example);
    String image = d.getSpec().engine.image;
    d.getSpec().engine.image = image.substring(0, image.lastIndexOf(':') + 1) + "v" + release;
    return d;
  }

  /** The engine's args of a role's leader and first worker. */
  static List<String> args(DeploymentModel role) {
    String rev = Revision.of(role.resource());
    List<String> used = new ArrayList<>(Rendered.engineArgs(PodTemplates.leader(role, rev).getSpec()));
    if (role.nodes() > 1) {
      used.addAll(Rendered.engineArgs(PodTemplates.worker(role, rev, 0, Rendered.LEADER_IP).getSpec()));
      used.addAll(Engines.forType(role.engineType()).workerComputedArgs(role));
    }
    return used;
  }

  static String value(List<String> args, String flag) {
    int i = args.indexOf(flag);
    return i < 0 ? null : args.get(i + 1);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("renderings")
  void everyFlagOfEveryRoleExistsInTheRelease(String example, String release) {
    DeepSeekDeployment d = at(example, release);
    assertThat(SpecValidator.validate(d)).as("the example is valid").isEmpty();
    DeploymentModel m = DeploymentModel.of(d);
    Set<String> known = EngineFlagsTest.flags((m.engineType() == EngineType.SGLang ? "sglang-v" : "vllm-v") + release + ".txt");
    assertThat(m.roles()).hasSize(2);
    for (DeploymentModel role : m.roles()) {
      List<String> flags = args(role).stream().filter(a -> a.startsWith("-") && a.length() > 1 && !a.matches("-?[0-9.]+"))
          .map(a -> a.split("=", 2)[0]).distinct().toList();
      assertThat(flags).as(role.role() + " flags").isNotEmpty()
          .allSatisfy(f -> assertThat(known).as(m.engineType() + " " + release + " flags").contains(f));
    }
  }

  @Test
  void sglangRolesRunTheirOwnModeTransferAndTuning() {
    DeploymentModel m = DeploymentModel.of(Fixtures.example(SGLANG));
    List<String> prefill = args(m.forRole(ServingRole.PREFILL));
    List<String> decode = args(m.forRole(ServingRole.DECODE));
    assertThat(value(prefill, "--disaggregation-mode")).isEqualTo("prefill");
    assertThat(value(decode, "--disaggregation-mode")).isEqualTo("decode");
    assertThat(value(prefill, "--disaggregation-transfer-backend")).isEqualTo("mooncake");
    assertThat(value(decode, "--disaggregation-transfer-backend")).isEqualTo("mooncake");
    // The bootstrap server runs on prefill only; both sides use the same RDMA devices.
    assertThat(value(prefill, "--disaggregation-bootstrap-port")).isEqualTo("8998");
    assertThat(decode).doesNotContain("--disaggregation-bootstrap-port");
    assertThat(value(decode, "--disaggregation-ib-device")).isEqualTo("mlx5_0,mlx5_1,mlx5_2,mlx5_3");
    assertThat(value(prefill, "--deepep-mode")).isEqualTo("normal");
    assertThat(value(decode, "--deepep-mode")).isEqualTo("low_latency");
    assertThat(value(prefill, "--moe-a2a-backend")).isEqualTo("deepep");
    // Each role's own shape and tuning over the deployment's.
    assertThat(value(prefill, "--tp-size")).isEqualTo("8");
    assertThat(value(decode, "--tp-size")).isEqualTo("16");
    assertThat(value(prefill, "--chunked-prefill-size")).isEqualTo("16384");
    assertThat(decode).doesNotContain("--chunked-prefill-size");
    assertThat(prefill).doesNotContain("--speculative-algorithm");
    assertThat(value(decode, "--speculative-algorithm")).isEqualTo("EAGLE");
    assertThat(value(prefill, "--mem-fraction-static")).isEqualTo(value(decode, "--mem-fraction-static")).isEqualTo("0.85");
    // The prefill leader declares the bootstrap port the router and decode groups reach.
    PodSpec leader = PodTemplates.leader(m.forRole(ServingRole.PREFILL), Revision.of(m.resource())).getSpec();
    assertThat(leader.getContainers().get(0).getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("kv-bootstrap");
      assertThat(p.getContainerPort()).isEqualTo(8998);
    });
  }

  @Test
  void vllmRolesProduceAndConsumeTheKvCacheAsDistinctEngines() {
    DeepSeekDeployment d = Fixtures.example(SGLANG);
    d.getSpec().engine.type = EngineType.VLLM;
    d.getSpec().engine.image = "vllm/vllm-openai:v0.25.1";
    d.getSpec().engine.dataParallelAttention = null;
    d.getSpec().disaggregation.transferBackend = null;
    d.getSpec().disaggregation.ibDevices = null;
    d.getSpec().roles.decode.engine.speculative.topK = null;
    d.getSpec().roles.decode.engine.speculative.numDraftTokens = null;
    assertThat(SpecValidator.validate(d)).singleElement().satisfies(p -> assertThat(p).startsWith("spec.router.image: required"));
    d.getSpec().router = new io.deepseek.operator.api.v1alpha1.RouterSpec();
    d.getSpec().router.image = "registry.example.com/vllm-router:0.1.17";
    assertThat(SpecValidator.validate(d)).isEmpty();
    DeploymentModel m = DeploymentModel.of(d);
    JsonNode prefill = kvConfig(args(m.forRole(ServingRole.PREFILL)));
    JsonNode decode = kvConfig(args(m.forRole(ServingRole.DECODE)));
    assertThat(prefill.get("kv_connector").asText()).isEqualTo("NixlConnector");
    assertThat(prefill.get("kv_role").asText()).isEqualTo("kv_producer");
    assertThat(decode.get("kv_role").asText()).isEqualTo("kv_consumer");
    assertThat(prefill.get("engine_id").asText()).isEqualTo("deepseek-v3-1-prefill-$(DS_GROUP_INDEX)");
    assertThat(decode.get("engine_id").asText()).isEqualTo("deepseek-v3-1-decode-$(DS_GROUP_INDEX)");
    assertThat(value(args(m.forRole(ServingRole.PREFILL)), "--all2all-backend")).isEqualTo("deepep_high_throughput");
    assertThat(value(args(m.forRole(ServingRole.DECODE)), "--all2all-backend")).isEqualTo("deepep_low_latency");
    // NIXL's side channel on each pod's own address (vLLM's default, localhost, would send decode to itself).
    for (ServingRole r : ServingRole.values()) {
      assertThat(env(m.forRole(r))).contains("VLLM_NIXL_SIDE_CHANNEL_HOST=$(DS_POD_IP)");
    }

    d.getSpec().disaggregation.transferBackend = DisaggregationSpec.TransferBackend.Mooncake;
    m = DeploymentModel.of(d);
    assertThat(kvConfig(args(m.forRole(ServingRole.PREFILL))).get("kv_connector").asText()).isEqualTo("MooncakeConnector");
    assertThat(env(m.forRole(ServingRole.PREFILL))).contains("VLLM_MOONCAKE_BOOTSTRAP_PORT=8998");
    assertThat(env(m.forRole(ServingRole.DECODE))).noneMatch(e -> e.startsWith("VLLM_MOONCAKE_BOOTSTRAP_PORT"));

    // vLLM has no automatic DeepEP mode: refused, not guessed.
    d.getSpec().roles.prefill.engine.deepEP = io.deepseek.operator.api.v1alpha1.DeepEPMode.Auto;
    assertThat(SpecValidator.validate(d)).anySatisfy(p -> assertThat(p).contains("no automatic DeepEP mode"));
  }

  @Test
  void vllmAscendRolesNeedTheNodesHccnConfigurationAndKnowEachOthersShape() {
    DeploymentModel m = DeploymentModel.of(Fixtures.example(ASCEND));
    JsonNode prefill = kvConfig(args(m.forRole(ServingRole.PREFILL)));
    assertThat(prefill.get("kv_connector").asText()).isEqualTo("MooncakeConnectorV1");
    assertThat(prefill.get("kv_connector_module_path").asText()).isEqualTo("vllm_ascend.distributed.mooncake_connector");
    assertThat(prefill.get("kv_port").asText()).isEqualTo("30100");
    assertThat(prefill.get("kv_rank").asInt()).isZero();
    assertThat(kvConfig(args(m.forRole(ServingRole.DECODE))).get("kv_rank").asInt()).isOne();
    JsonNode extra = prefill.get("kv_connector_extra_config");
    assertThat(extra.get("prefill").get("dp_size").asInt()).isEqualTo(2);
    assertThat(extra.get("prefill").get("tp_size").asInt()).isEqualTo(8);
    assertThat(extra.get("decode").get("dp_size").asInt()).isEqualTo(32);
    assertThat(extra.get("decode").get("tp_size").asInt()).isEqualTo(1);

    // With the driver mounts, /etc/hccn.conf comes with them (once); without, the operator mounts it, required (File).
    for (boolean driverMounts : List.of(true, false)) {
      DeepSeekDeployment d = Fixtures.example(ASCEND);
      d.getSpec().accelerator.hostDriverMounts = driverMounts;
      PodSpec pod = PodTemplates.leader(DeploymentModel.of(d).forRole(ServingRole.DECODE), Revision.of(d)).getSpec();
      List<VolumeMount> hccn = pod.getContainers().get(0).getVolumeMounts().stream()
          .filter(v -> v.getMountPath().equals("/etc/hccn.conf")).toList();
      assertThat(hccn).as("hostDriverMounts " + driverMounts).hasSize(1);
      Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(hccn.get(0).getName())).findFirst().orElseThrow();
      assertThat(volume.getHostPath().getType()).isEqualTo("File");
      assertThat(volume.getHostPath().getPath()).isEqualTo("/etc/hccn.conf");
    }
  }

  @Test
  void scalingARoleIsNoNewRevisionButTuningOneIs() {
    DeepSeekDeployment d = Fixtures.example(SGLANG);
    String before = Revision.of(d);
    d.getSpec().roles.decode.replicas = 5;
    d.getSpec().roles.prefill.replicas = 0;
    assertThat(Revision.of(d)).isEqualTo(before);
    d.getSpec().roles.decode.engine.maxRunningRequests = 1024;
    assertThat(Revision.of(d)).isNotEqualTo(before);
  }

  @Test
  void eachRoleIsItsOwnSetOfGroupsWithItsOwnNamesLabelsAndHeadlessService() {
    List<HasMetadata> objects = DesiredState.objects(Fixtures.example(SGLANG), DesiredState.PREVIEW_LEADER);
    String rev = Revision.of(Fixtures.example(SGLANG));
    assertThat(objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName())).containsExactly(
        "Service/deepseek-v3-1-prefill-pods", "StatefulSet/deepseek-v3-1-prefill",
        "Service/deepseek-v3-1-decode-pods", "StatefulSet/deepseek-v3-1-decode", "StatefulSet/deepseek-v3-1-decode-0",
        "ServiceAccount/deepseek-v3-1-router", "Role/deepseek-v3-1-router", "RoleBinding/deepseek-v3-1-router",
        "Service/deepseek-v3-1", "Deployment/deepseek-v3-1-router-" + rev);
    assertThat(objects.subList(0, 5)).allSatisfy(o -> assertThat(o.getMetadata().getLabels()).containsKey(Labels.SERVING_ROLE));
    io.fabric8.kubernetes.api.model.apps.StatefulSet decode = (io.fabric8.kubernetes.api.model.apps.StatefulSet) objects.get(3);
    assertThat(decode.getSpec().getSelector().getMatchLabels()).containsEntry(Labels.SERVING_ROLE, "decode")
        .containsEntry(Labels.POSITION, Labels.POSITION_LEADER);
    assertThat(decode.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(Labels.SERVING_ROLE, "decode");
  }

  /** What a new revision of each disaggregated example gets (golden/disaggregated/): changes only on purpose. */
  @ParameterizedTest
  @MethodSource("examples")
  void rendersTheCommittedObjects(String example) {
    String yaml = DesiredState.objects(Fixtures.example(example), LEADER)
        .stream().map(Serialization::asYaml).collect(Collectors.joining());
    Golden.assertMatches(example, yaml);
  }

  static JsonNode kvConfig(List<String> args) {
    try {
      return Json.MAPPER.readTree(value(args, "--kv-transfer-config"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static List<String> env(DeploymentModel role) {
    PodSpec pod = PodTemplates.leader(role, Revision.of(role.resource())).getSpec();
    return pod.getContainers().get(0).getEnv().stream().map((EnvVar e) -> e.getName() + "=" + e.getValue()).toList();
  }
}
