package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** How prefill groups hand the KV cache of a prompt to decode groups; the same for both roles. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DisaggregationSpec {
  public enum TransferBackend {
    /** Mooncake's transfer engine over RDMA (SGLang's default; vLLM MooncakeConnector). */
    Mooncake,
    /** NVIDIA's NIXL (vLLM NixlConnector, SGLang nixl). */
    NIXL,
    /** Ascend NPUs: vllm-ascend's Mooncake connector over HCCS/RoCE (needs /etc/hccn.conf on the node). */
    Ascend
  }

  @JsonPropertyDescription("KV-cache transfer backend. Default: Mooncake for SGLang, NIXL for VLLM, Ascend for"
      + " VLLMAscend (the only one it runs).")
  public TransferBackend transferBackend;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port on each prefill leader that decode groups and the router reach to arrange a transfer"
      + " (SGLang --disaggregation-bootstrap-port; vLLM Mooncake VLLM_MOONCAKE_BOOTSTRAP_PORT; vllm-ascend kv_port)."
      + " Default 8998.")
  public Integer bootstrapPort;

  @Size(max = 32)
  @JsonPropertyDescription("RDMA devices the transfer uses, e.g. [mlx5_0, mlx5_1] (SGLang --disaggregation-ib-device)."
      + " Default: the engine detects them.")
  public List<String> ibDevices;

  @Pattern("^/[^\\s]*$")
  @Size(max = 512)
  @JsonPropertyDescription("VLLMAscend: the node's HCCN configuration file, mounted read-only at /etc/hccn.conf; a pod"
      + " on a node without it does not start (without it transfers run but emit garbage tokens). Default /etc/hccn.conf;"
      + " with accelerator.hostDriverMounts the node's /etc/hccn.conf is mounted (and required) with the driver.")
  public String hccnConfig;

  @io.fabric8.generator.annotation.Default("10m")
  @Pattern("^([0-9]{1,4}h)?([0-9]{1,6}m)?([0-9]{1,8}s)?$")
  @Size(max = 32)
  @JsonPropertyDescription("How long one role's first group may wait for the scheduler while the other role's first group"
      + " holds its nodes; then both are removed, so that neither holds accelerators it cannot use, and created again"
      + " after as long. Default 10m.")
  public String placementTimeout;

  @JsonPropertyDescription("With autoscaling roles: the band the ratio of prefill groups to decode groups stays in, e.g."
      + " {min: \"0.5\", max: \"2\"}. When the autoscalers' counts leave it, the role that has too few groups gets more"
      + " (within its maxReplicas), else the other fewer (within its minReplicas); a role without autoscaling is never"
      + " changed.")
  public RatioBand prefillPerDecode;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @io.fabric8.generator.annotation.ValidationRule(value = "!has(self.min) || !has(self.max) || double(self.min) <= double(self.max)",
      message = "disaggregation.prefillPerDecode: min must not be above max")
  public static class RatioBand {
    @Pattern("^[0-9]{1,4}(\\.[0-9]{1,4})?$")
    @Size(max = 9)
    @JsonPropertyDescription("The fewest prefill groups per decode group, e.g. \"0.5\".")
    public String min;

    @Pattern("^[0-9]{1,4}(\\.[0-9]{1,4})?$")
    @Size(max = 9)
    @JsonPropertyDescription("The most prefill groups per decode group, e.g. \"2\".")
    public String max;
  }
}
