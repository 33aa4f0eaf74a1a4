package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Accelerator products the operator knows: memory per device (for sizing checks) and the node label values that the
 * device plugins' feature discovery writes for them (for node selection).
 */
public enum AcceleratorProduct {
  @JsonProperty("H100-80GB")
  H100_80GB("H100-80GB", AcceleratorType.NvidiaGPU, 80, true, List.of("NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-SXM5-80GB", "NVIDIA-H100-PCIe")),
  @JsonProperty("H800-80GB")
  H800_80GB("H800-80GB", AcceleratorType.NvidiaGPU, 80, true, List.of("NVIDIA-H800", "NVIDIA-H800-80GB-HBM3", "NVIDIA-H800-PCIe")),
  @JsonProperty("H200-141GB")
  H200_141GB("H200-141GB", AcceleratorType.NvidiaGPU, 141, true, List.of("NVIDIA-H200", "NVIDIA-H200-141GB-HBM3e")),
  @JsonProperty("H20-96GB")
  H20_96GB("H20-96GB", AcceleratorType.NvidiaGPU, 96, true, List.of("NVIDIA-H20")),
  @JsonProperty("A100-80GB")
  A100_80GB("A100-80GB", AcceleratorType.NvidiaGPU, 80, false, List.of("NVIDIA-A100-SXM4-80GB", "NVIDIA-A100-80GB-PCIe")),
  @JsonProperty("A800-80GB")
  A800_80GB("A800-80GB", AcceleratorType.NvidiaGPU, 80, false, List.of("NVIDIA-A800-SXM4-80GB", "NVIDIA-A800-80GB-PCIe")),
  @JsonProperty("B200-180GB")
  B200_180GB("B200-180GB", AcceleratorType.NvidiaGPU, 180, true, List.of("NVIDIA-B200")),
  /** Atlas 800 A2 (8 NPUs per node). */
  @JsonProperty("Ascend910B-64GB")
  ASCEND_910B_64GB("Ascend910B-64GB", AcceleratorType.AscendNPU, 64, false, List.of("910B", "910B1", "910B2", "910B3", "910B4")),
  /** Atlas 800 A3 (16 NPU dies per node: 8 cards x 2). */
  @JsonProperty("Ascend910C-64GB")
  ASCEND_910C_64GB("Ascend910C-64GB", AcceleratorType.AscendNPU, 64, false, List.of("910C", "Ascend910C"));

  private final String displayName;
  private final AcceleratorType type;
  private final int memoryGb;
  private final boolean fp8;
  private final List<String> nodeLabelValues;

  AcceleratorProduct(String displayName, AcceleratorType type, int memoryGb, boolean fp8, List<String> nodeLabelValues) {
    this.displayName = displayName;
    this.type = type;
    this.memoryGb = memoryGb;
    this.fp8 = fp8;
    this.nodeLabelValues = nodeLabelValues;
  }

  public String displayName() {
    return displayName;
  }

  public AcceleratorType type() {
    return type;
  }

  public int memoryGb() {
    return memoryGb;
  }

  /** Whether the device computes in FP8 (Hopper and later); A100/A800 do not. */
  public boolean fp8() {
    return fp8;
  }

  /** The node label that carries the product: GPU feature discovery's, or the Ascend device plugin's chip name. */
  public String nodeLabel() {
    return type == AcceleratorType.NvidiaGPU ? "nvidia.com/gpu.product" : "node.kubernetes.io/npu.chip.name";
  }

  public List<String> nodeLabelValues() {
    return nodeLabelValues;
  }
}
