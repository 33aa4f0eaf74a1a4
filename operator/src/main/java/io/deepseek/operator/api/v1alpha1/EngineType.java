package io.deepseek.operator.api.v1alpha1;

/** Serving engines the operator can render command lines for. */
public enum EngineType {
  /** SGLang: one process group across the nodes of a group (--dist-init-addr, --nnodes, --node-rank). */
  SGLang,
  /** vLLM on NVIDIA GPUs: native multi-node (--nnodes, --headless workers), data parallel, or a Ray cluster. */
  VLLM,
  /** vLLM with the vllm-ascend plugin on Huawei Ascend NPUs (HCCL). */
  VLLMAscend
}
