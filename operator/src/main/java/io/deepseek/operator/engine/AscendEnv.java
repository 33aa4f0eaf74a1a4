package io.deepseek.operator.engine;

import static io.deepseek.operator.model.EnvVars.value;

import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.PodEnv;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.List;

/**
 * The environment vllm-ascend needs (seed 003, vllm-ascend's DeepSeek-R1 tutorial): HCCL on the pod's own IP, the
 * socket NIC for GLOO/TP/HCCL, and the documents' defaults, each of which engine.env may override.
 */
final class AscendEnv {
  private AscendEnv() {}

  static List<EnvVar> of(DeploymentModel m) {
    List<EnvVar> env = new ArrayList<>();
    env.add(value("HCCL_IF_IP", "$(" + PodEnv.POD_IP + ")"));
    if (m.networkInterface() != null) {
      env.add(value("TP_SOCKET_IFNAME", m.networkInterface()));
      env.add(value("HCCL_SOCKET_IFNAME", m.networkInterface()));
    }
    if (!m.multiNode()) {
      // The single-node (Atlas 800 A3) setting of the source document; its multi-node recipe leaves it out.
      env.add(value("HCCL_OP_EXPANSION_MODE", "AIV"));
    }
    env.add(value("VLLM_ASCEND_BALANCE_SCHEDULING", "1"));
    env.add(value("PYTORCH_NPU_ALLOC_CONF", "expandable_segments:True"));
    if (m.multiNode()) {
      // The multi-node (Atlas 800 A2) settings of the source document.
      env.add(value("OMP_PROC_BIND", "false"));
      env.add(value("OMP_NUM_THREADS", "1"));
      env.add(value("HCCL_BUFFSIZE", "200"));
      env.add(value("HCCL_INTRA_PCIE_ENABLE", "1"));
      env.add(value("HCCL_INTRA_ROCE_ENABLE", "0"));
    }
    if (VLLMCommand.ray(m)) {
      // Ray must not narrow the NPUs a worker sees.
      env.add(value("RAY_EXPERIMENTAL_NOSET_ASCEND_RT_VISIBLE_DEVICES", "1"));
    }
    return env;
  }
}
