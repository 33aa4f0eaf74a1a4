package io.deepseek.operator.engine;

import io.deepseek.operator.api.v1alpha1.EngineSpec;
import io.deepseek.operator.api.v1alpha1.SpeculativeSpec;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.EngineVersion;
import io.deepseek.operator.model.EnvVars;
import io.deepseek.operator.model.PodEnv;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SGLang (flags as of v0.5.18, see shared/engine-flags). Canonical flag names only: {@code --tp}/{@code --dp} work in SGLang
 * only as argparse prefixes and {@code --pp} is ambiguous. {@code --tp-size} is the total over all nodes of the group.
 */
public final class SGLangCommand implements EngineCommand {
  public static final SGLangCommand INSTANCE = new SGLangCommand();

  private SGLangCommand() {}

  static final List<String> ENTRYPOINT = List.of("python3", "-m", "sglang.launch_server");

  /** Where SGLang reads its API key from (a file only the engine's user can read, made when the container starts). */
  static final String API_KEY_CONFIG = "/tmp/deepseek-operator-api-key.yaml";
  /**
   * Writes the key from the Secret-backed variable into an SGLang config file (JSON is YAML, so any key is quoted right)
   * and starts SGLang with it: the key never appears in a command line or the process list.
   */
  static final String WITH_API_KEY_FILE = "umask 077 && python3 -c 'import json, os, sys; open(sys.argv[1], \"w\").write("
      + "\"api-key: \" + json.dumps(os.environ[\"" + Secrets.API_KEY_ENV + "\"]) + \"\\n\")' " + API_KEY_CONFIG
      + " && exec \"$@\"";

  /** Every rank runs the same command; its rank comes from $(DS_NODE_RANK). */
  @Override
  public Launch leader(DeploymentModel m) {
    return launch(m);
  }

  @Override
  public Launch worker(DeploymentModel m) {
    return launch(m);
  }

  private Launch launch(DeploymentModel m) {
    if (!apiKeyFromFile(m)) {
      return new Launch(ENTRYPOINT, flags(m));
    }
    List<String> args = new ArrayList<>(ENTRYPOINT);
    args.addAll(flags(m));
    return new Launch(List.of("/bin/sh", "-c", WITH_API_KEY_FILE, "sglang-api-key"), args);
  }

  /** Hardened rendering with an API key: SGLang reads it from its --config file instead of --api-key. */
  static boolean apiKeyFromFile(DeploymentModel m) {
    return m.hardened() && m.engine().apiKeySecretRef != null;
  }

  @Override
  public boolean workersServeHealth() {
    return true;
  }

  @Override
  public Map<String, Integer> leaderRendezvousPorts(DeploymentModel m) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    if (m.multiNode()) {
      ports.put("dist-init", m.distInitPort());
      if (Boolean.TRUE.equals(m.engine().dataParallelAttention)) {
        // SGLang binds ZeroMQ on dist-init-port+1..+6 on the leader.
        for (int i = 1; i <= 6; i++) {
          ports.put("zmq-" + i, m.distInitPort() + i);
        }
      }
    }
    Disaggregation.leaderPorts(m, ports);
    return ports;
  }

  List<String> flags(DeploymentModel m) {
    EngineSpec e = m.engine();
    List<String> a = new ArrayList<>();
    add(a, "--model-path", m.modelMountPath());
    add(a, "--served-model-name", m.servedName());
    add(a, "--tp-size", m.tensor());
    boolean dpAttention = Boolean.TRUE.equals(e.dataParallelAttention);
    boolean attnDpSize = dpAttention && attnDpSize(m.flagsVersion());
    if (m.data() > 1 && !attnDpSize) {
      add(a, "--dp-size", m.data());
    }
    if (m.pipeline() > 1) {
      add(a, "--pp-size", m.pipeline());
    }
    if (attnDpSize) {
      // 0.5.23 deprecates --dp-size N --enable-dp-attention for --attn-dp-size N (and refuses both widths together).
      add(a, "--attn-dp-size", m.data());
    } else if (dpAttention) {
      a.add("--enable-dp-attention");
    }
    if (Boolean.TRUE.equals(e.expertParallel)) {
      add(a, "--ep-size", m.tensor());
    }
    if (m.multiNode()) {
      // An IP, not the leader's DNS name: ZeroMQ (used with DP attention) cannot bind to names.
      add(a, "--dist-init-addr", "$(" + PodEnv.LEADER_IP + "):" + m.distInitPort());
      add(a, "--nnodes", m.nodes());
      add(a, "--node-rank", "$(" + PodEnv.NODE_RANK + ")");
    }
    add(a, "--host", "0.0.0.0");
    add(a, "--port", m.enginePort());
    if (Boolean.TRUE.equals(e.trustRemoteCode)) {
      a.add("--trust-remote-code");
    }
    add(a, "--mem-fraction-static", e.memoryFraction);
    add(a, "--max-running-requests", e.maxRunningRequests);
    add(a, "--chunked-prefill-size", e.chunkedPrefillSize);
    add(a, "--context-length", e.maxModelLen);
    add(a, "--quantization", e.quantization);
    add(a, "--kv-cache-dtype", e.kvCacheDtype);
    if (Boolean.TRUE.equals(e.torchCompile)) {
      a.add("--enable-torch-compile");
    }
    SpeculativeSpec s = e.speculative;
    if (s != null) {
      // SGLang's current spelling: NEXTN and DeepSeek MTP both run as EAGLE (NEXTN is rewritten to EAGLE anyway).
      add(a, "--speculative-algorithm", "EAGLE");
      add(a, "--speculative-num-steps", s.numSteps);
      add(a, "--speculative-eagle-topk", s.topK);
      add(a, "--speculative-num-draft-tokens", s.numDraftTokens);
    }
    add(a, "--speculative-draft-model-path", m.draftMountPath());
    add(a, "--reasoning-parser", reasoningParser(e.reasoningParser));
    if (apiKeyFromFile(m)) {
      add(a, "--config", API_KEY_CONFIG);
    } else if (e.apiKeySecretRef != null) {
      // Legacy rendering: expanded by the kubelet from the Secret-backed variable, so the key is never in the pod spec,
      // but it is in the engine's command line (the process list of the node).
      add(a, "--api-key", "$(" + Secrets.API_KEY_ENV + ")");
    }
    // Metrics on every rank (workers serve theirs on the same port): the basis for dashboards and autoscaling.
    a.add("--enable-metrics");
    Disaggregation.sglangFlags(m, a);
    if (e.extraArgs != null) {
      a.addAll(e.extraArgs);
    }
    return a;
  }

  /** SGLang spells DeepSeek's parsers with a hyphen (deepseek-r1); vLLM with an underscore. */
  static String reasoningParser(String value) {
    if (value == null) {
      return null;
    }
    String v = value.toLowerCase(Locale.ROOT);
    return v.startsWith("deepseek_") ? v.replace('_', '-') : v;
  }

  @Override
  public List<EnvVar> env(DeploymentModel m) {
    List<EnvVar> env = new ArrayList<>(Secrets.apiKeyEnv(m, Secrets.API_KEY_ENV));
    if (m.multiNode()) {
      // SGLang advertises this IP to the other ranks; without it a multi-NIC host may pick the wrong one.
      env.add(EnvVars.value("SGLANG_HOST_IP", "$(" + PodEnv.POD_IP + ")"));
    }
    if (m.drains()) {
      // SGLang's /health otherwise runs a one-token generation through the request queue and answers 503 after 20 s: an
      // overloaded leader would fail its liveness probe and the kubelet would restart it, its group and all its requests
      // with it, and under load everywhere every group would leave the Service at once. Without the generation /health
      // still answers 503 while the engine starts or stops, and a dead scheduler still ends the server process.
      env.add(EnvVars.value(HEALTH_GENERATION_ENV, "false"));
    }
    return env;
  }

  /** SGLang's switch for the generation inside /health (default true). */
  public static final String HEALTH_GENERATION_ENV = "SGLANG_ENABLE_HEALTH_ENDPOINT_GENERATION";

  @Override
  public Map<String, String> ownedFlags(DeploymentModel m) {
    EngineSpec e = m.engine();
    Map<String, String> owned = new LinkedHashMap<>();
    for (String f : List.of("--model-path", "--model")) {
      owned.put(f, "spec.model");
    }
    owned.put("--served-model-name", "spec.model.servedName");
    for (String f : List.of("--tp-size", "--tensor-parallel-size", "--tp")) {
      owned.put(f, "spec.parallelism.tensor");
    }
    for (String f : List.of("--dp-size", "--data-parallel-size", "--dp")) {
      owned.put(f, "spec.parallelism.data");
    }
    for (String f : List.of("--pp-size", "--pipeline-parallel-size", "--pp")) {
      owned.put(f, "spec.parallelism.pipeline");
    }
    for (String f : List.of("--dist-init-addr", "--nccl-init-addr")) {
      owned.put(f, "spec.network.distInitPort");
    }
    owned.put("--nnodes", "spec.parallelism.nodes");
    owned.put("--node-rank", null);
    owned.put("--host", null);
    owned.put("--port", "spec.engine.port");
    owned.put("--enable-metrics", null);
    ownedIf(owned, e.dataParallelAttention != null, "spec.engine.dataParallelAttention", "--enable-dp-attention",
        "--attn-dp-size", "--attention-data-parallel-size");
    ownedIf(owned, e.expertParallel != null, "spec.engine.expertParallel", "--ep-size", "--expert-parallel-size", "--ep");
    ownedIf(owned, e.trustRemoteCode != null, "spec.engine.trustRemoteCode", "--trust-remote-code");
    ownedIf(owned, e.memoryFraction != null, "spec.engine.memoryFraction", "--mem-fraction-static");
    ownedIf(owned, e.maxRunningRequests != null, "spec.engine.maxRunningRequests", "--max-running-requests");
    ownedIf(owned, e.chunkedPrefillSize != null, "spec.engine.chunkedPrefillSize", "--chunked-prefill-size");
    ownedIf(owned, e.maxModelLen != null, "spec.engine.maxModelLen", "--context-length");
    ownedIf(owned, e.quantization != null, "spec.engine.quantization", "--quantization");
    ownedIf(owned, e.kvCacheDtype != null, "spec.engine.kvCacheDtype", "--kv-cache-dtype");
    ownedIf(owned, e.torchCompile != null, "spec.engine.torchCompile", "--enable-torch-compile");
    ownedIf(owned, e.speculative != null, "spec.engine.speculative", "--speculative-algorithm",
        "--speculative-num-steps", "--speculative-eagle-topk", "--speculative-num-draft-tokens");
    ownedIf(owned, m.draftPath() != null, "spec.model.draftPath", "--speculative-draft-model-path", "--speculative-draft-model");
    ownedIf(owned, e.reasoningParser != null, "spec.engine.reasoningParser", "--reasoning-parser");
    owned.put("--api-key", "spec.engine.apiKeySecretRef");
    ownedIf(owned, apiKeyFromFile(m), "spec.engine.apiKeySecretRef", "--config");
    Disaggregation.owned(m, owned, true);
    return owned;
  }

  /** The first release that spells data-parallel attention --attn-dp-size (sgl-project/sglang PR #41818). */
  public static final EngineVersion ATTN_DP_SIZE = new EngineVersion(0, 5, 23);

  static boolean attnDpSize(EngineVersion v) {
    return v != null && v.atLeast(ATTN_DP_SIZE);
  }

  static void ownedIf(Map<String, String> owned, boolean set, String field, String... flags) {
    if (set) {
      for (String f : flags) {
        owned.put(f, field);
      }
    }
  }

  @Override
  public String healthPath() {
    return "/health";
  }

  static void add(List<String> args, String flag, Object value) {
    if (value != null) {
      args.add(flag);
      args.add(value instanceof Double d ? formatDouble(d) : value.toString());
    }
  }

  private static String formatDouble(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
