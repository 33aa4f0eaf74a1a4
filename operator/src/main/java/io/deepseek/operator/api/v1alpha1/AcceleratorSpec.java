package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.hostDriverMounts) || !self.hostDriverMounts || self.type == 'AscendNPU'",
    message = "accelerator.hostDriverMounts is for type AscendNPU only")
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.product) || (self.type == 'AscendNPU') == self.product.startsWith('Ascend')",
    message = "accelerator.product must be a product of accelerator.type (H100-80GB, ... for NvidiaGPU; Ascend910B-64GB, Ascend910C-64GB for AscendNPU)")
public class AcceleratorSpec {
  @Default("NvidiaGPU")
  @JsonPropertyDescription("Accelerator family: NvidiaGPU or AscendNPU.")
  public AcceleratorType type;

  @Required
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Devices each pod requests (a whole node is usually 8).")
  public Integer perNode;

  @Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
  @JsonPropertyDescription("Extended resource the device plugin registers. Default by type: nvidia.com/gpu,"
      + " huawei.com/Ascend910 (Huawei Cloud CCE names it huawei.com/ascend-1980).")
  @Size(max = 253)
  public String resourceName;

  @JsonPropertyDescription("Accelerator product. Enables the sizing check, and pods only run on nodes labelled with it"
      + " (nvidia.com/gpu.product for GPUs, node.kubernetes.io/npu.chip.name for Ascend).")
  public AcceleratorProduct product;

  @JsonPropertyDescription("AscendNPU only: mount the Ascend driver libraries and tools of the node (npu-smi, hccn_tool,"
      + " /usr/local/Ascend/driver/lib64, ...) read-only, for clusters whose container runtime does not inject them.")
  public Boolean hostDriverMounts;
}
