package io.deepseek.operator.scenarios;

import static io.deepseek.operator.scenarios.Rendered.engineArgs;
import static io.deepseek.operator.scenarios.Rendered.envValues;
import static io.deepseek.operator.scenarios.Rendered.line;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each scenario of shared/SCENARIOS.md, as its example renders it, checked flag by flag against the command the source
 * document runs by hand. Deliberate differences (current flag spellings, IPs for names) are listed in docs/scenarios.md.
 */
class ScenarioCommandsTest {

  @Test
  void s1SglangOneNodeDistill() {
    // python3 -m sglang.launch_server --model deepseek-ai/DeepSeek-R1-Distill-Qwen-32B --tp 8 --trust-remote-code --port 30000
    Rendered r = Rendered.of("deepseek-r1-distill-qwen-32b-sglang-1x8-h100.yaml");
    assertThat(line(engineArgs(r.leader()))).contains(" --model-path /models/DeepSeek-R1-Distill-Qwen-32B ", " --tp-size 8 ",
        " --trust-remote-code ", " --port 30000 ").doesNotContain("--nnodes", "--dist-init-addr");
    assertThat(r.worker()).isNull();
    assertThat(shm(r)).isEqualTo("50Gi");
    assertThat(r.leader().getInitContainers()).singleElement().satisfies(c ->
        assertThat(containerEnv(c.getEnv())).containsEntry("DS_MODEL_REPO", "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B"));
  }

  @Test
  void s2VllmOneNodeWithApiKeyFromASecret() {
    // vllm serve .../DeepSeek-R1-Distill-Qwen-1.5B --dtype auto --api-key 123 --port 30002 --served-model-name
    //   DeepSeek-R1-Distill-Qwen-1.5B --gpu-memory-utilization 0.4 --enforce-eager --max-model-len 32000
    //   --tensor-parallel-size 2 --enable-reasoning --reasoning-parser deepseek_r1
    Rendered r = Rendered.of("deepseek-r1-distill-qwen-1.5b-vllm-1x2-gpu.yaml");
    assertThat(Rendered.engine(r.leader()).getCommand()).containsExactly("vllm", "serve");
    assertThat(engineArgs(r.leader()).get(0)).isEqualTo("/models/DeepSeek-R1-Distill-Qwen-1.5B");
    assertThat(line(engineArgs(r.leader()))).contains(" --dtype auto ", " --port 30002 ",
        " --served-model-name DeepSeek-R1-Distill-Qwen-1.5B ", " --gpu-memory-utilization 0.4 ", " --enforce-eager ",
        " --max-model-len 32000 ", " --tensor-parallel-size 2 ", " --reasoning-parser deepseek_r1 ")
        .doesNotContain("--api-key", "--enable-reasoning");
    EnvVar key = Rendered.env(r.leader()).get("VLLM_API_KEY");
    assertThat(key.getValue()).isNull();
    assertThat(key.getValueFrom().getSecretKeyRef().getName()).isEqualTo("ds-api-key");
    assertThat(Rendered.engine(r.leader()).getResources().getLimits().get("nvidia.com/gpu").toString()).isEqualTo("2");
  }

  @Test
  void s3SglangTwoNodesWithHfTokenFromASecret() {
    Rendered r = Rendered.of("deepseek-v3-sglang-2x8-h200.yaml");
    for (var pod : List.of(r.leader(), r.worker())) {
      assertThat(line(engineArgs(pod))).contains(" --model-path /models/DeepSeek-V3 ", " --tp-size 16 ",
          " --dist-init-addr $(DS_LEADER_IP):20000 ", " --nnodes 2 ", " --node-rank $(DS_NODE_RANK) ", " --trust-remote-code ",
          " --host 0.0.0.0 ", " --port 40000 ");
      assertThat(pod.getHostNetwork()).isTrue();
    }
    assertThat(envValues(r.worker())).containsEntry("DS_LEADER_IP", Rendered.LEADER_IP);
    EnvVar token = r.leader().getInitContainers().get(0).getEnv().stream().filter(e -> e.getName().equals("HF_TOKEN")).findFirst().orElseThrow();
    assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("hf-token");
    assertThat(shm(r)).isEqualTo("32Gi");
  }

  @Test
  void s4SglangTwoMachinesPerInstance() {
    Rendered r = Rendered.of("deepseek-r1-sglang-2x8-h100.yaml");
    assertThat(line(engineArgs(r.worker()))).contains(" --model-path /models/DeepSeek-R1 ", " --tp-size 16 ",
        " --dist-init-addr $(DS_LEADER_IP):20000 ", " --nnodes 2 ", " --node-rank $(DS_NODE_RANK) ", " --trust-remote-code ",
        " --host 0.0.0.0 ", " --port 30000 ", " --allow-auto-truncate ");
    assertThat(Rendered.engine(r.worker()).getCommand()).startsWith("/bin/sh", "-c");
    assertThat(Rendered.engine(r.worker()).getCommand().get(2)).contains("until python3 -c", "\"$DS_LEADER_IP\" 20000", "exec \"$@\"");
  }

  @Test
  void s5VllmOverRay() {
    // leader: ray start --head --port=6379 ... vllm serve deepseek-ai/DeepSeek-R1 --tensor-parallel-size 8
    //   --pipeline-parallel-size 2 --quantization fp8 (Ray executor); workers: ray start --address=<leader>:6379
    Rendered r = Rendered.of("deepseek-r1-vllm-ray-2x8-h100.yaml");
    assertThat(Rendered.engine(r.leader()).getCommand().get(2)).contains("ray start --head --port=6379", "exec \"$@\"");
    assertThat(line(engineArgs(r.leader()))).contains(" --tensor-parallel-size 8 ", " --pipeline-parallel-size 2 ",
        " --quantization fp8 ", " --distributed-executor-backend ray ").doesNotContain("--nnodes", "--headless");
    assertThat(line(Rendered.argv(r.worker()))).contains(" ray start --address=$(DS_LEADER_IP):6379 ", " --block ");
    assertThat(engineArgs(r.worker())).isEmpty();
    for (var pod : List.of(r.leader(), r.worker())) {
      assertThat(envValues(pod)).containsEntry("NCCL_SOCKET_IFNAME", "eth0").containsEntry("VLLM_HOST_IP", "$(DS_POD_IP)");
    }
  }

  @Test
  void s6VllmAscendOneA3() throws Exception {
    Rendered r = Rendered.of("deepseek-r1-w8a8-vllm-ascend-1x16-a3.yaml");
    List<String> args = engineArgs(r.leader());
    assertThat(args.get(0)).isEqualTo("/models/DeepSeek-R1-W8A8");
    assertThat(line(args)).contains(" --host 0.0.0.0 ", " --port 8000 ", " --data-parallel-size 4 ", " --tensor-parallel-size 4 ",
        " --quantization ascend ", " --seed 1024 ", " --served-model-name deepseek_r1 ", " --enable-expert-parallel ",
        " --async-scheduling ", " --max-num-seqs 16 ", " --max-model-len 16384 ", " --max-num-batched-tokens 4096 ",
        " --trust-remote-code ", " --gpu-memory-utilization 0.92 ");
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(args.get(args.indexOf("--speculative-config") + 1)))
        .isEqualTo(json.readTree("{\"num_speculative_tokens\":3,\"method\":\"mtp\"}"));
    assertThat(json.readTree(args.get(args.indexOf("--compilation-config") + 1)))
        .isEqualTo(json.readTree("{\"cudagraph_capture_sizes\":[4,16,32,48,64], \"cudagraph_mode\": \"FULL_DECODE_ONLY\"}"));
    assertThat(envValues(r.leader())).containsEntry("HCCL_OP_EXPANSION_MODE", "AIV").containsEntry("HCCL_IF_IP", "$(DS_POD_IP)")
        .containsEntry("GLOO_SOCKET_IFNAME", "eth0").containsEntry("TP_SOCKET_IFNAME", "eth0").containsEntry("HCCL_SOCKET_IFNAME", "eth0")
        .containsEntry("VLLM_ASCEND_BALANCE_SCHEDULING", "1").containsEntry("PYTORCH_NPU_ALLOC_CONF", "expandable_segments:True")
        .doesNotContainKey("NCCL_SOCKET_IFNAME");
    assertThat(Rendered.engine(r.leader()).getResources().getLimits().get("huawei.com/Ascend910").toString()).isEqualTo("16");
    assertThat(r.leader().getVolumes().stream().filter(v -> v.getHostPath() != null).map(v -> v.getHostPath().getPath()))
        .contains("/usr/local/dcmi", "/etc/hccn.conf", "/usr/bin/hccn_tool", "/usr/local/Ascend/driver/tools/hccn_tool",
            "/usr/local/bin/npu-smi", "/usr/local/Ascend/driver/lib64", "/usr/local/Ascend/driver/version.info",
            "/etc/ascend_install.info");
  }

  @Test
  void s7VllmAscendTwoA2DataParallel() {
    Rendered r = Rendered.of("deepseek-r1-w8a8-vllm-ascend-2x8-a2.yaml");
    String dp = " --data-parallel-size 4 --data-parallel-size-local 2 --data-parallel-address $(DS_LEADER_IP) --data-parallel-rpc-port 13389 ";
    assertThat(line(engineArgs(r.leader()))).contains(dp).doesNotContain("--headless", "--data-parallel-start-rank");
    assertThat(line(engineArgs(r.worker()))).contains(dp, " --headless ").doesNotContain("--port");
    // node 1 starts at DP rank 2: the worker's wrapper computes rank x ranks-per-node.
    assertThat(Rendered.engine(r.worker()).getCommand().get(2)).endsWith("exec \"$@\" --data-parallel-start-rank \"$((DS_NODE_RANK * 2))\"");
    for (var pod : List.of(r.leader(), r.worker())) {
      assertThat(envValues(pod)).containsEntry("OMP_PROC_BIND", "false").containsEntry("OMP_NUM_THREADS", "1")
          .containsEntry("HCCL_BUFFSIZE", "200").containsEntry("HCCL_INTRA_PCIE_ENABLE", "1").containsEntry("HCCL_INTRA_ROCE_ENABLE", "0")
          .containsEntry("HCCL_IF_IP", "$(DS_POD_IP)");
    }
    assertThat(Rendered.engine(r.worker()).getStartupProbe().getHttpGet()).as("headless workers serve no HTTP").isNull();
    assertThat(Rendered.engine(r.worker()).getLivenessProbe().getExec().getCommand().get(2))
        .as("the rank probe: is the leader it joined still holding the rendezvous?").endsWith("\"$DS_LEADER_IP\" 13389");
  }

  static String shm(Rendered r) {
    Volume v = r.leader().getVolumes().stream().filter(x -> x.getName().equals("dshm")).findFirst().orElseThrow();
    return v.getEmptyDir().getSizeLimit().toString();
  }

  static java.util.Map<String, String> containerEnv(List<EnvVar> env) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    env.stream().filter(e -> e.getValue() != null).forEach(e -> m.put(e.getName(), e.getValue()));
    return m;
  }
}
