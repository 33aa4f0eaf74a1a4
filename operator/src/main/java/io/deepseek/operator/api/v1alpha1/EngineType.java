package io.deepseek.operator.api.v1alpha1;

/** Serving engines the operator can render command lines for, each with the port it serves on by default. */
public enum EngineType {
  /** SGLang: one process group across the nodes of a group (--dist-init-addr, --nnodes, --node-rank). */
  SGLang(30000, "SGLang"),
  /** vLLM on NVIDIA GPUs: native multi-node (--nnodes, --headless workers), data parallel, or a Ray cluster. */
  VLLM(8000, "vLLM"),
  /** vLLM with the vllm-ascend plugin on Huawei Ascend NPUs (HCCL). */
  VLLMAscend(8000, "vllm-ascend");

  private final int defaultPort;
  private final String displayName;

  EngineType(int defaultPort, String displayName) {
    this.defaultPort = defaultPort;
    this.displayName = displayName;
  }

  /** The engine's name as its project spells it, for messages: SGLang, vLLM, vllm-ascend. */
  public String displayName() {
    return displayName;
  }

  /** The engine's own default of --port, used when engine.port is unset. */
  public int defaultPort() {
    return defaultPort;
  }
}
