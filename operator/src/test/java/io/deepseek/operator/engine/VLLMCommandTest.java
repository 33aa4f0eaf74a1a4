package io.deepseek.operator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.SpeculativeSpec;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.testing.Fixtures;
import io.deepseek.operator.testing.EngineFlagList;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** vLLM and vllm-ascend command lines in each of a group's three shapes: native multi-node, data parallel, Ray. */
class VLLMCommandTest {
  static final String RAY = "deepseek-r1-vllm-ray-2x8-h100.yaml";
  static final String ASCEND_DP = "deepseek-r1-w8a8-vllm-ascend-2x8-a2.yaml";
  static final String SINGLE = "deepseek-r1-distill-qwen-1.5b-vllm-1x2-gpu.yaml";

  static DeploymentModel model(String example) {
    return DeploymentModel.of(Fixtures.example(example));
  }

  /** The whole command line of a rank, as one list: command then arguments. */
  static List<String> line(EngineCommand.Launch launch) {
    List<String> all = new ArrayList<>(launch.command());
    all.addAll(launch.args());
    return all;
  }

  static String joined(EngineCommand.Launch launch) {
    return String.join(" ", line(launch));
  }

  static Map<String, String> env(DeploymentModel m) {
    return VLLMCommand.INSTANCE.env(m).stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void aSingleNodeGroupIsOnePlainVllmServe() {
    DeploymentModel m = model(SINGLE);
    EngineCommand.Launch leader = VLLMCommand.INSTANCE.leader(m);
    assertThat(leader.command()).containsExactly("vllm", "serve");
    assertThat(leader.args().get(0)).isEqualTo(m.modelMountPath());
    assertThat(joined(leader)).contains("--tensor-parallel-size 2", "--host 0.0.0.0", "--port 30002")
        .doesNotContain("--nnodes", "--headless", "--data-parallel", "--master-addr");
    assertThat(VLLMCommand.INSTANCE.leaderRendezvousPorts(m)).isEmpty();
  }

  @Test
  void nativeMultiNodeRunsOneEngineOverTheNodesWithHeadlessWorkers() {
    DeepSeekDeployment d = Fixtures.example(RAY);
    d.getSpec().engine.multiNode = null;
    DeploymentModel m = DeploymentModel.of(d);
    String leader = joined(VLLMCommand.INSTANCE.leader(m));
    String worker = joined(VLLMCommand.INSTANCE.worker(m));
    assertThat(leader).contains("--nnodes 2", "--node-rank $(DS_NODE_RANK)", "--master-addr $(DS_LEADER_IP)",
        "--master-port 6379", "--pipeline-parallel-size 2", "--tensor-parallel-size 8", "--port 8000").doesNotContain("--headless");
    assertThat(worker).contains("--nnodes 2", "--headless").doesNotContain("--port", "--host");
    assertThat(VLLMCommand.INSTANCE.leaderRendezvousPorts(m)).containsExactly(Map.entry("master", 6379));
    assertThat(VLLMCommand.INSTANCE.workersServeHealth()).as("headless workers serve no HTTP").isFalse();
    assertThat(env(m)).containsEntry("VLLM_HOST_IP", "$(DS_POD_IP)");
  }

  @Test
  void rayStartsAHeadWaitsForEveryNodeThenServesOverRay() {
    DeploymentModel m = model(RAY);
    EngineCommand.Launch leader = VLLMCommand.INSTANCE.leader(m);
    assertThat(leader.command().get(2)).contains("ray start --head --port=6379", "sum(1 for n in ray.nodes() if n[\"Alive\"])",
        "exec \"$@\"");
    assertThat(leader.args()).startsWith("vllm", "serve");
    assertThat(joined(leader)).contains("--distributed-executor-backend ray").doesNotContain("--nnodes", "--headless");
    assertThat(line(VLLMCommand.INSTANCE.worker(m))).containsExactly("ray", "start", "--address=$(DS_LEADER_IP):6379",
        "--node-ip-address=$(DS_POD_IP)", "--block");
    assertThat(VLLMCommand.INSTANCE.leaderRendezvousPorts(m)).containsExactly(Map.entry("ray-gcs", 6379));
  }

  @Test
  void dataParallelGivesEveryNodeItsShareOfRanksAndWorkersTheirStartRank() {
    DeploymentModel m = model(ASCEND_DP);
    String leader = joined(VLLMCommand.INSTANCE.leader(m));
    assertThat(leader).contains("--data-parallel-size 4", "--data-parallel-size-local 2",
        "--data-parallel-address $(DS_LEADER_IP)", "--data-parallel-rpc-port 13389", "--tensor-parallel-size 4",
        "--enable-expert-parallel", "--quantization ascend").doesNotContain("--headless", "--nnodes");
    assertThat(joined(VLLMCommand.INSTANCE.worker(m))).contains("--headless");
    assertThat(VLLMCommand.INSTANCE.workerComputedArgs(m))
        .containsExactly("--data-parallel-start-rank", "\"$((DS_NODE_RANK * 2))\"");
    assertThat(VLLMCommand.INSTANCE.leaderRendezvousPorts(m)).containsExactly(Map.entry("dp-rpc", 13389));
  }

  @Test
  void vllmAscendGetsHcclOnThePodIpAndTheDocumentsMultiNodeSettings() {
    Map<String, String> env = env(model(ASCEND_DP));
    assertThat(env).containsEntry("HCCL_IF_IP", "$(DS_POD_IP)").containsEntry("HCCL_SOCKET_IFNAME", "eth0")
        .containsEntry("TP_SOCKET_IFNAME", "eth0").containsEntry("HCCL_BUFFSIZE", "200").containsEntry("OMP_NUM_THREADS", "1")
        .doesNotContainKey("HCCL_OP_EXPANSION_MODE");
    assertThat(env).as("the whole start-up budget, not vLLM's 600 s").containsEntry("VLLM_ENGINE_READY_TIMEOUT_S", "3600");
  }

  @Test
  void typedTuningFieldsUseVllmsSpelling() {
    DeepSeekDeployment d = Fixtures.example(RAY);
    d.getSpec().engine.reasoningParser = "deepseek-r1";
    d.getSpec().engine.memoryFraction = 0.9;
    d.getSpec().engine.maxRunningRequests = 256;
    d.getSpec().engine.chunkedPrefillSize = 8192;
    d.getSpec().engine.maxModelLen = 32000;
    d.getSpec().engine.kvCacheDtype = "fp8";
    d.getSpec().engine.speculative = new SpeculativeSpec();
    d.getSpec().engine.speculative.method = SpeculativeSpec.SpeculativeMethod.MTP;
    d.getSpec().engine.speculative.numSteps = 1;
    String cmd = joined(VLLMCommand.INSTANCE.leader(DeploymentModel.of(d)));
    assertThat(cmd).contains("--reasoning-parser deepseek_r1", "--gpu-memory-utilization 0.9", "--max-num-seqs 256",
        "--max-num-batched-tokens 8192", "--max-model-len 32000", "--kv-cache-dtype fp8",
        "--speculative-config {\"method\":\"mtp\",\"num_speculative_tokens\":1}");
    assertEveryFlagExists(VLLMCommand.INSTANCE.leader(DeploymentModel.of(d)).args());
  }

  @Test
  void theApiKeyComesFromTheSecretAsVllmsOwnVariable() {
    DeepSeekDeployment d = Fixtures.example(SINGLE);
    assertThat(d.getSpec().engine.apiKeySecretRef).as("S2 has an API key").isNotNull();
    assertThat(VLLMCommand.INSTANCE.env(DeploymentModel.of(d))).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("VLLM_API_KEY");
      assertThat(e.getValue()).isNull();
      assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(d.getSpec().engine.apiKeySecretRef.name);
    });
    assertThat(joined(VLLMCommand.INSTANCE.leader(DeploymentModel.of(d)))).doesNotContain("--api-key");
  }

  @Test
  void flagsTheOperatorGeneratesNameTheFieldToSetInstead() {
    Map<String, String> owned = VLLMCommand.INSTANCE.ownedFlags(model(RAY));
    assertThat(owned).containsEntry("--tensor-parallel-size", "spec.parallelism.tensor").containsEntry("-tp", "spec.parallelism.tensor")
        .containsEntry("--distributed-executor-backend", "spec.engine.multiNode").containsEntry("--headless", null)
        .containsEntry("--trust-remote-code", "spec.engine.trustRemoteCode");
  }

  @Test
  void everyGeneratedFlagOfTheExamplesExistsInVllm() {
    for (String example : List.of(RAY, ASCEND_DP, SINGLE)) {
      DeploymentModel m = model(example);
      assertEveryFlagExists(VLLMCommand.INSTANCE.leader(m).args());
      assertEveryFlagExists(VLLMCommand.INSTANCE.worker(m).args());
    }
  }

  static void assertEveryFlagExists(List<String> args) {
    // ray start's own flags (a Ray worker's command) are not vLLM's.
    EngineFlagList.assertKnown("vllm-v0.25.1.txt", args.stream().filter(a -> !a.startsWith("--address")
        && !a.startsWith("--node-ip") && !a.equals("--block")).toList());
  }
}
