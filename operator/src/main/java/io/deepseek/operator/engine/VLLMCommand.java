package io.deepseek.operator.engine;

import static io.deepseek.operator.engine.SGLangCommand.add;
import static io.deepseek.operator.engine.SGLangCommand.ownedIf;
import static io.deepseek.operator.model.EnvVars.value;

import io.deepseek.operator.api.v1alpha1.EngineSpec;
import io.deepseek.operator.api.v1alpha1.EngineType;
import io.deepseek.operator.api.v1alpha1.SpeculativeSpec;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.PodEnv;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * vLLM (flags as of v0.25.1, see shared/engine-flags), and vllm-ascend, which adds no flags of its own. Always
 * {@code vllm serve}: only it implements --headless and the data-parallel modes. A group runs in one of three shapes:
 * <ul>
 *   <li>data parallel (parallelism.data > 1): every node runs its share of the DP ranks; non-leaders are --headless and
 *       start at rank x dataLocal;
 *   <li>native multi-node (default for nodes > 1): one engine over --nnodes, workers --headless;
 *   <li>Ray (engine.multiNode: Ray): a Ray cluster per group, vllm serve on the leader with the Ray executor.
 * </ul>
 */
public final class VLLMCommand implements EngineCommand {
  public static final VLLMCommand INSTANCE = new VLLMCommand();
  static final List<String> SERVE = List.of("vllm", "serve");

  private VLLMCommand() {}

  public static boolean ray(DeploymentModel m) {
    return m.multiNode() && m.engine().multiNode == EngineSpec.MultiNode.Ray;
  }

  public static boolean dataParallel(DeploymentModel m) {
    return m.data() > 1;
  }

  @Override
  public Launch leader(DeploymentModel m) {
    List<String> args = new ArrayList<>(SERVE);
    args.addAll(serveFlags(m, true));
    if (!ray(m)) {
      return new Launch(args.subList(0, 2), args.subList(2, args.size()));
    }
    // Start the group's Ray head, wait until every node of the group has joined, then serve over Ray.
    String script = "ray start --head --port=" + m.distInitPort() + " --node-ip-address=\"$" + PodEnv.POD_IP + "\" --disable-usage-stats"
        + " && until python3 -c 'import ray, sys; ray.init(address=\"auto\", logging_level=\"ERROR\");"
        + " sys.exit(0 if sum(1 for n in ray.nodes() if n[\"Alive\"]) >= int(sys.argv[1]) else 1)' " + m.nodes() + " 2>/dev/null;"
        + " do echo \"waiting for " + m.nodes() + " Ray nodes\"; sleep 5; done && exec \"$@\"";
    return new Launch(List.of("/bin/sh", "-c", script, "ray-head"), args);
  }

  @Override
  public Launch worker(DeploymentModel m) {
    if (ray(m)) {
      return new Launch(List.of("ray", "start"), List.of("--address=$(" + PodEnv.LEADER_IP + "):" + m.distInitPort(),
          "--node-ip-address=$(" + PodEnv.POD_IP + ")", "--block"));
    }
    return new Launch(SERVE, serveFlags(m, false));
  }

  @Override
  public List<String> workerComputedArgs(DeploymentModel m) {
    if (dataParallel(m) && m.multiNode()) {
      return List.of("--data-parallel-start-rank", "\"$((" + PodEnv.NODE_RANK + " * " + m.dataLocal() + "))\"");
    }
    return List.of();
  }

  List<String> serveFlags(DeploymentModel m, boolean leader) {
    EngineSpec e = m.engine();
    List<String> a = new ArrayList<>();
    a.add(m.modelMountPath());
    add(a, "--served-model-name", m.servedName());
    add(a, "--tensor-parallel-size", m.tensor());
    if (m.pipeline() > 1) {
      add(a, "--pipeline-parallel-size", m.pipeline());
    }
    if (dataParallel(m)) {
      add(a, "--data-parallel-size", m.data());
      if (m.multiNode()) {
        add(a, "--data-parallel-size-local", m.dataLocal());
        // ZeroMQ binds this on the leader: an IP, never a DNS name.
        add(a, "--data-parallel-address", "$(" + PodEnv.LEADER_IP + ")");
        add(a, "--data-parallel-rpc-port", m.distInitPort());
        if (!leader) {
          a.add("--headless");
        }
      }
    } else if (m.multiNode() && !ray(m)) {
      add(a, "--nnodes", m.nodes());
      add(a, "--node-rank", "$(" + PodEnv.NODE_RANK + ")");
      add(a, "--master-addr", "$(" + PodEnv.LEADER_IP + ")");
      add(a, "--master-port", m.distInitPort());
      if (!leader) {
        a.add("--headless");
      }
    }
    if (ray(m)) {
      add(a, "--distributed-executor-backend", "ray");
    }
    if (leader) {
      add(a, "--host", "0.0.0.0");
      add(a, "--port", m.enginePort());
    }
    if (Boolean.TRUE.equals(e.trustRemoteCode)) {
      a.add("--trust-remote-code");
    }
    add(a, "--gpu-memory-utilization", e.memoryFraction);
    add(a, "--max-num-seqs", e.maxRunningRequests);
    add(a, "--max-num-batched-tokens", e.chunkedPrefillSize);
    add(a, "--max-model-len", e.maxModelLen);
    add(a, "--quantization", e.quantization);
    add(a, "--kv-cache-dtype", e.kvCacheDtype);
    if (Boolean.TRUE.equals(e.expertParallel)) {
      // On every node: the MoE layers are split the same way everywhere.
      a.add("--enable-expert-parallel");
    }
    add(a, "--speculative-config", speculativeConfig(m));
    add(a, "--reasoning-parser", reasoningParser(e.reasoningParser));
    Disaggregation.vllmFlags(m, a);
    if (e.extraArgs != null) {
      a.addAll(e.extraArgs);
    }
    return a;
  }

  /** vLLM's MTP for DeepSeek is method "mtp" (deepseek_mtp is deprecated); EAGLE needs the draft weights. */
  static String speculativeConfig(DeploymentModel m) {
    SpeculativeSpec s = m.engine().speculative;
    if (s == null) {
      return null;
    }
    StringBuilder json = new StringBuilder("{\"method\":\"").append(s.method == SpeculativeSpec.SpeculativeMethod.EAGLE ? "eagle" : "mtp").append('"');
    if (s.numSteps != null) {
      json.append(",\"num_speculative_tokens\":").append(s.numSteps);
    }
    if (m.draftMountPath() != null) {
      json.append(",\"model\":\"").append(m.draftMountPath()).append('"');
    }
    return json.append('}').toString();
  }

  /** vLLM spells DeepSeek's parsers with an underscore (deepseek_r1); SGLang with a hyphen. */
  static String reasoningParser(String value) {
    if (value == null) {
      return null;
    }
    String v = value.toLowerCase(Locale.ROOT);
    return v.startsWith("deepseek-") ? v.replace('-', '_') : v;
  }

  @Override
  public List<EnvVar> env(DeploymentModel m) {
    List<EnvVar> env = new ArrayList<>(Secrets.apiKeyEnv(m, "VLLM_API_KEY"));
    if (m.multiNode()) {
      // Each node's own reachable IP, for Ray and the torch process group; set before ray start.
      env.add(value("VLLM_HOST_IP", "$(" + PodEnv.POD_IP + ")"));
    }
    if (m.startupTimeout() != null) {
      // vLLM gives its engines 600 s to come up by default; a 671B model needs the whole start-up budget.
      env.add(value("VLLM_ENGINE_READY_TIMEOUT_S", Long.toString(m.startupTimeout().toSeconds())));
    }
    if (m.engineType() == EngineType.VLLMAscend) {
      env.addAll(AscendEnv.of(m));
    }
    env.addAll(Disaggregation.vllmEnv(m));
    return env;
  }

  @Override
  public Map<String, String> ownedFlags(DeploymentModel m) {
    EngineSpec e = m.engine();
    Map<String, String> owned = new LinkedHashMap<>();
    owned.put("--model", "spec.model");
    owned.put("--served-model-name", "spec.model.servedName");
    for (String f : List.of("--tensor-parallel-size", "-tp")) {
      owned.put(f, "spec.parallelism.tensor");
    }
    for (String f : List.of("--pipeline-parallel-size", "-pp")) {
      owned.put(f, "spec.parallelism.pipeline");
    }
    for (String f : List.of("--data-parallel-size", "-dp")) {
      owned.put(f, "spec.parallelism.data");
    }
    for (String f : List.of("--data-parallel-size-local", "-dpl")) {
      owned.put(f, "spec.parallelism.dataLocal");
    }
    for (String f : List.of("--data-parallel-address", "-dpa", "--data-parallel-rpc-port", "-dpp", "--master-port")) {
      owned.put(f, "spec.network.distInitPort");
    }
    for (String f : List.of("--data-parallel-start-rank", "-dpr", "--nnodes", "-n", "--node-rank", "-r", "--master-addr",
        "--headless", "--host")) {
      owned.put(f, null);
    }
    owned.put("--distributed-executor-backend", "spec.engine.multiNode");
    owned.put("--port", "spec.engine.port");
    owned.put("--api-key", "spec.engine.apiKeySecretRef");
    ownedIf(owned, e.trustRemoteCode != null, "spec.engine.trustRemoteCode", "--trust-remote-code");
    ownedIf(owned, e.memoryFraction != null, "spec.engine.memoryFraction", "--gpu-memory-utilization");
    ownedIf(owned, e.maxRunningRequests != null, "spec.engine.maxRunningRequests", "--max-num-seqs");
    ownedIf(owned, e.chunkedPrefillSize != null, "spec.engine.chunkedPrefillSize", "--max-num-batched-tokens");
    ownedIf(owned, e.maxModelLen != null, "spec.engine.maxModelLen", "--max-model-len");
    ownedIf(owned, e.quantization != null, "spec.engine.quantization", "--quantization", "-q");
    ownedIf(owned, e.kvCacheDtype != null, "spec.engine.kvCacheDtype", "--kv-cache-dtype");
    ownedIf(owned, e.expertParallel != null, "spec.engine.expertParallel", "--enable-expert-parallel", "-ep");
    ownedIf(owned, e.speculative != null, "spec.engine.speculative", "--speculative-config", "-sc", "--spec-method",
        "--spec-model", "--spec-tokens");
    ownedIf(owned, e.reasoningParser != null, "spec.engine.reasoningParser", "--reasoning-parser");
    Disaggregation.owned(m, owned, false);
    return owned;
  }

  @Override
  public String healthPath() {
    return "/health";
  }

  @Override
  public boolean workersServeHealth() {
    return false;
  }

  @Override
  public Map<String, Integer> leaderRendezvousPorts(DeploymentModel m) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    if (m.multiNode()) {
      ports.put(ray(m) ? "ray-gcs" : dataParallel(m) ? "dp-rpc" : "master", m.distInitPort());
    }
    Disaggregation.leaderPorts(m, ports);
    return ports;
  }
}
