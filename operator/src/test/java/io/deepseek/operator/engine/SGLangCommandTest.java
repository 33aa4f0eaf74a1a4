package io.deepseek.operator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.SpeculativeSpec;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.testing.Fixtures;
import io.deepseek.operator.testing.EngineFlagList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SGLangCommandTest {

  static List<String> flags(DeepSeekDeployment d, boolean leader) {
    DeploymentModel m = DeploymentModel.of(d);
    return leader ? SGLangCommand.INSTANCE.leader(m).args() : SGLangCommand.INSTANCE.worker(m).args();
  }

  static String joined(DeepSeekDeployment d) {
    return String.join(" ", flags(d, true));
  }

  @Test
  void s4IsTheDocumentsTwoNodeCommandWithCanonicalFlagNames() {
    // seed 001: --model-path /path/DeepSeek-R1 --tp 16 --dist-init-addr <leader>:<port> --nnodes 2 --node-rank <0|1>
    //           --trust-remote-code --host 0.0.0.0 --port <port> --allow-auto-truncate
    String cmd = joined(Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml"));
    assertThat(cmd).contains("--model-path /models/DeepSeek-R1", "--tp-size 16", "--dist-init-addr $(DS_LEADER_IP):20000",
        "--nnodes 2", "--node-rank $(DS_NODE_RANK)", "--trust-remote-code", "--host 0.0.0.0", "--port 30000",
        "--allow-auto-truncate", "--mem-fraction-static 0.75", "--max-running-requests 1024", "--enable-torch-compile",
        "--grammar-backend xgrammar", "--schedule-conservativeness 0.01", "--watchdog-timeout 3600");
    assertThat(flags(Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml"), true)).doesNotContain("--tp", "--dp", "--pp");
  }

  @Test
  void leaderAndWorkersRunTheSameFlagsTheirRankComesFromTheEnvironment() {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    assertThat(flags(d, false)).isEqualTo(flags(d, true));
  }

  @Test
  void s3IsTheDocumentsCommand() {
    // seed 000: --model-path deepseek-ai/DeepSeek-V3 --tp 16 --dist-init-addr <leader>:20000 --nnodes 2 --node-rank 0
    //           --trust-remote-code --host 0.0.0.0 --port 40000
    assertThat(joined(Fixtures.example("deepseek-v3-sglang-2x8-h200.yaml"))).contains("--model-path /models/DeepSeek-V3",
        "--tp-size 16", "--dist-init-addr $(DS_LEADER_IP):20000", "--nnodes 2", "--node-rank $(DS_NODE_RANK)",
        "--trust-remote-code", "--host 0.0.0.0", "--port 40000", "--chunked-prefill-size 4096");
  }

  @Test
  void singleNodeHasNoRendezvousFlags() {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getSpec().parallelism.nodes = 1;
    d.getSpec().parallelism.tensor = null;
    assertThat(joined(d)).contains("--tp-size 8").doesNotContain("--dist-init-addr", "--nnodes", "--node-rank");
  }

  @Test
  void typedTuningFieldsUseSGLangsSpelling() {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getSpec().engine.speculative = new SpeculativeSpec();
    d.getSpec().engine.speculative.method = SpeculativeSpec.SpeculativeMethod.NEXTN;
    d.getSpec().engine.speculative.numSteps = 3;
    d.getSpec().engine.speculative.topK = 1;
    d.getSpec().engine.speculative.numDraftTokens = 4;
    d.getSpec().engine.reasoningParser = "deepseek_r1";
    d.getSpec().engine.expertParallel = true;
    d.getSpec().engine.dataParallelAttention = true;
    d.getSpec().parallelism.data = 16;
    d.getSpec().engine.kvCacheDtype = "fp8_e5m2";
    d.getSpec().engine.quantization = "fp8";
    d.getSpec().engine.maxModelLen = 32000;
    d.getSpec().model.draftPath = "/data/models/DeepSeek-R1-NextN";
    assertThat(joined(d)).contains("--speculative-algorithm EAGLE", "--speculative-num-steps 3", "--speculative-eagle-topk 1",
        "--speculative-num-draft-tokens 4", "--speculative-draft-model-path /models/DeepSeek-R1-NextN",
        "--reasoning-parser deepseek-r1", "--ep-size 16", "--enable-dp-attention", "--dp-size 16",
        "--kv-cache-dtype fp8_e5m2", "--quantization fp8", "--context-length 32000");
    assertEveryFlagExists(flags(d, true));
  }

  @Test
  void everyGeneratedFlagOfTheExamplesExistsInSGLang() {
    for (String example : List.of("deepseek-r1-sglang-2x8-h100.yaml", "deepseek-v3-sglang-2x8-h200.yaml")) {
      assertEveryFlagExists(flags(Fixtures.example(example), true));
    }
  }

  static void assertEveryFlagExists(List<String> args) {
    EngineFlagList.assertKnown("sglang-v0.5.18.txt", args);
  }

  @Test
  void theApiKeyReachesSglangThroughAFileNeverItsCommandLine() throws Exception {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getSpec().engine.apiKeySecretRef = new io.deepseek.operator.api.v1alpha1.SecretKeyRef("ds-api-key", "key");
    DeploymentModel m = DeploymentModel.of(d);
    EngineCommand.Launch leader = SGLangCommand.INSTANCE.leader(m);
    assertThat(leader.command()).startsWith("/bin/sh", "-c");
    assertThat(leader.args()).startsWith("python3", "-m", "sglang.launch_server").contains("--config", SGLangCommand.API_KEY_CONFIG)
        .doesNotContain("--api-key");
    assertThat(String.join(" ", leader.command()) + String.join(" ", leader.args())).doesNotContain("$(DS_API_KEY)");
    assertEveryFlagExists(leader.args().subList(3, leader.args().size()));
    assertThat(SGLangCommand.INSTANCE.ownedFlags(m)).containsKey("--config");

    // The script for real: a key with quotes, colons and a hash sign comes out as one YAML string, readable only by the
    // engine's user; then it execs the engine (here: cat of the file).
    String key = "sk-\"we'ird: #key\\";
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", leader.command().get(2), "test", "sh", "-c",
        "cat " + SGLangCommand.API_KEY_CONFIG + "; stat -c %a " + SGLangCommand.API_KEY_CONFIG);
    pb.environment().put(Secrets.API_KEY_ENV, key);
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    java.util.List<String> lines = out.lines().toList();
    Map<?, ?> config = new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal(lines.get(0), Map.class);
    assertThat(config.get("api-key")).isEqualTo(key);
    assertThat(lines.get(1)).isEqualTo("600");

    DeploymentModel legacy = m.renderedAs(io.deepseek.operator.model.RenderVersion.LEGACY);
    assertThat(SGLangCommand.INSTANCE.leader(legacy).args()).containsSequence("--api-key", "$(DS_API_KEY)");
  }
}
