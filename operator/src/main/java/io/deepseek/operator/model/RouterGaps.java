package io.deepseek.operator.model;

import io.deepseek.operator.api.v1alpha1.DisaggregationSpec.TransferBackend;
import io.deepseek.operator.api.v1alpha1.EngineType;

/** What the routers the operator runs cannot do yet, where it changes what a deployment gets. */
public final class RouterGaps {
  private RouterGaps() {}

  /** The last vllm-router release known to leave discovered prefill leaders without Mooncake bootstrap info. */
  public static final EngineVersion VLLM_ROUTER_MOONCAKE_DISCOVERY_GAP = new EngineVersion(0, 1, 17);

  /**
   * Why this deployment's requests would run without a KV transfer, or null. vllm-router (0.1.17 and before) asks a
   * prefill's Mooncake bootstrap server for its engine ids only for the --prefill URLs it starts with, never for leaders
   * it discovers (vllm-project/router#209, open): in --kv-connector mooncake mode it then sends decode no
   * kv_transfer_params, and decode computes every prompt itself (seen in DisaggregationIT). The answers are right, the
   * disaggregation is gone. A router image whose tag names a later release is trusted to have the fix.
   */
  public static String withoutKvTransfer(DeploymentModel m) {
    if (!m.disaggregated() || m.engineType() == EngineType.SGLang || m.transferBackend() == TransferBackend.NIXL) {
      return null;
    }
    EngineVersion v = EngineVersion.ofImage(m.routerImage());
    if (v != null && v.compareTo(VLLM_ROUTER_MOONCAKE_DISCOVERY_GAP) > 0) {
      return null;
    }
    return "the router (" + m.routerImage() + ", vllm-router --kv-connector mooncake) does not ask the prefill leaders it discovers"
        + " for their Mooncake bootstrap info (vllm-project/router#209), so it sends decode no KV transfer: decode computes"
        + " every prompt itself and the deployment serves, undisaggregated."
        + (m.engineType() == EngineType.VLLM ? " Use disaggregation.transferBackend: NIXL, or" : " Use")
        + " a vllm-router image with that fix (a release after 0.1.17)";
  }

}
