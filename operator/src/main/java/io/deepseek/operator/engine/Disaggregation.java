package io.deepseek.operator.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deepseek.operator.api.v1alpha1.DeepEPMode;
import io.deepseek.operator.api.v1alpha1.DisaggregationSpec.TransferBackend;
import io.deepseek.operator.api.v1alpha1.EngineType;
import io.deepseek.operator.api.v1alpha1.ServingRole;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.EnvVars;
import io.deepseek.operator.model.Json;
import io.deepseek.operator.model.PodEnv;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a prefill or decode group's engine is told about its role and the KV transfer (../shared/research/engines.md 1.2,
 * anchors-2026-12.md 3), and DeepEP, which the roles usually set differently. Nothing without spec.roles.
 */
final class Disaggregation {
  /** vllm-ascend's Mooncake connector: a plug-in module, not one of vLLM's registered connectors. */
  static final String ASCEND_CONNECTOR = "MooncakeConnectorV1";
  static final String ASCEND_CONNECTOR_MODULE = "vllm_ascend.distributed.mooncake_connector";


  private Disaggregation() {}

  /** SGLang: --disaggregation-mode and the transfer; the bootstrap server runs on prefill leaders. */
  static void sglangFlags(DeploymentModel m, List<String> a) {
    if (m.engine().deepEP != null) {
      SGLangCommand.add(a, "--moe-a2a-backend", "deepep");
      SGLangCommand.add(a, "--deepep-mode", switch (m.engine().deepEP) {
        case Normal -> "normal";
        case LowLatency -> "low_latency";
        case Auto -> "auto";
      });
    }
    if (m.role() == null) {
      return;
    }
    SGLangCommand.add(a, "--disaggregation-mode", m.role().id());
    SGLangCommand.add(a, "--disaggregation-transfer-backend", switch (m.transferBackend()) {
      case Mooncake -> "mooncake";
      case NIXL -> "nixl";
      case Ascend -> "ascend";
    });
    if (m.role() == ServingRole.PREFILL) {
      SGLangCommand.add(a, "--disaggregation-bootstrap-port", m.bootstrapPort());
    }
    if (!m.ibDevices().isEmpty()) {
      SGLangCommand.add(a, "--disaggregation-ib-device", String.join(",", m.ibDevices()));
    }
  }

  /** vLLM: --all2all-backend for DeepEP, and --kv-transfer-config on every node of a role's group. */
  static void vllmFlags(DeploymentModel m, List<String> a) {
    if (m.engine().deepEP != null) {
      SGLangCommand.add(a, "--all2all-backend",
          m.engine().deepEP == DeepEPMode.LowLatency ? "deepep_low_latency" : "deepep_high_throughput");
    }
    if (m.role() != null) {
      SGLangCommand.add(a, "--kv-transfer-config", kvTransferConfig(m));
    }
  }

  /**
   * vLLM's KV connector: prefill produces, decode consumes. The engine id names the group ({@code <name>-<role>-<index>}),
   * so that every group is a distinct peer; vllm-ascend's connector also needs both roles' shapes.
   */
  static String kvTransferConfig(DeploymentModel m) {
    boolean prefill = m.role() == ServingRole.PREFILL;
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.put("engine_id", m.setName() + "-$(" + PodEnv.GROUP_INDEX + ")");
    c.put("kv_role", prefill ? "kv_producer" : "kv_consumer");
    if (m.engineType() == EngineType.VLLMAscend) {
      c.put("kv_connector", ASCEND_CONNECTOR);
      c.put("kv_connector_module_path", ASCEND_CONNECTOR_MODULE);
      c.put("kv_buffer_device", "npu");
      c.put("kv_parallel_size", 1);
      c.put("kv_rank", prefill ? 0 : 1);
      c.put("kv_port", Integer.toString(m.bootstrapPort()));
      ObjectNode extra = c.putObject("kv_connector_extra_config");
      for (ServingRole r : ServingRole.values()) {
        DeploymentModel role = m.forRole(r);
        extra.putObject(r.id()).put("dp_size", role.data()).put("tp_size", role.tensor());
      }
    } else {
      c.put("kv_connector", m.transferBackend() == TransferBackend.Mooncake ? "MooncakeConnector" : "NixlConnector");
    }
    return c.toString();
  }

  /**
   * vLLM's Mooncake connector serves its bootstrap on prefill at this port. Its NIXL connector tells decode to fetch the
   * KV cache from {@code VLLM_NIXL_SIDE_CHANNEL_HOST}, which defaults to localhost: on another pod that is decode itself,
   * so every transfer would fail; each pod names its own IP.
   */
  static List<EnvVar> vllmEnv(DeploymentModel m) {
    List<EnvVar> env = new ArrayList<>();
    if (m.role() != null && m.engineType() == EngineType.VLLM && m.transferBackend() == TransferBackend.NIXL) {
      env.add(EnvVars.value("VLLM_NIXL_SIDE_CHANNEL_HOST", "$(" + PodEnv.POD_IP + ")"));
    }
    if (m.role() == ServingRole.PREFILL && m.engineType() == EngineType.VLLM && m.transferBackend() == TransferBackend.Mooncake) {
      env.add(EnvVars.value("VLLM_MOONCAKE_BOOTSTRAP_PORT", Integer.toString(m.bootstrapPort())));
    }
    return env;
  }

  /** The bootstrap port a prefill leader serves, for the router and decode groups; none elsewhere. */
  static void leaderPorts(DeploymentModel m, Map<String, Integer> ports) {
    boolean bootstrap = m.engineType() == EngineType.SGLang
        || m.engineType() == EngineType.VLLMAscend
        || m.transferBackend() == TransferBackend.Mooncake;
    if (m.role() == ServingRole.PREFILL && bootstrap) {
      ports.put("kv-bootstrap", m.bootstrapPort());
    }
  }

  /** The flags these fields generate, refused in extraArgs. */
  static void owned(DeploymentModel m, Map<String, String> owned, boolean sglang) {
    if (m.engine().deepEP != null) {
      for (String f : sglang ? List.of("--moe-a2a-backend", "--deepep-mode") : List.of("--all2all-backend")) {
        owned.put(f, "spec.engine.deepEP");
      }
    }
    if (m.role() != null) {
      for (String f : sglang ? List.of("--disaggregation-mode", "--disaggregation-transfer-backend",
          "--disaggregation-bootstrap-port", "--disaggregation-ib-device") : List.of("--kv-transfer-config", "-kvt")) {
        owned.put(f, "spec.roles and spec.disaggregation");
      }
    }
  }
}
