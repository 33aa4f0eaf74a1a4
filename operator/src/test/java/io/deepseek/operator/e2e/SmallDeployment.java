package io.deepseek.operator.e2e;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The smallest multi-node deployment (one group of 2 nodes with 1 GPU each, SGLang): for tests about groups, not engines. */
final class SmallDeployment {
  private SmallDeployment() {}

  static DeepSeekDeployment named(String name) {
    return Serialization.unmarshal("""
        apiVersion: serving.deepseek-operator.io/v1alpha1
        kind: DeepSeekDeployment
        metadata: {name: %s}
        spec:
          replicas: 1
          model: {name: deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B, source: {hostPath: /data/models/DeepSeek-R1-Distill-Qwen-1.5B}}
          engine: {type: SGLang, image: lmsysorg/sglang:v0.5.18}
          accelerator: {type: NvidiaGPU, perNode: 1}
          parallelism: {nodes: 2, tensor: 2}
          shutdown: {drainDelay: 0s}
        """.formatted(name), DeepSeekDeployment.class);
  }
}
