package io.deepseek.operator.api.v1alpha1;

/** How the MoE layers exchange tokens between experts with DeepEP. */
public enum DeepEPMode {
  /** High-throughput kernels, for prefill (SGLang --deepep-mode normal, vLLM --all2all-backend deepep_high_throughput). */
  Normal,
  /** Low-latency kernels, for decode (SGLang low_latency, vLLM deepep_low_latency). */
  LowLatency,
  /** SGLang picks per batch (--deepep-mode auto); SGLang only. */
  Auto
}
