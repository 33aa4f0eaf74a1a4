package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Accelerator products the operator knows, with the values that NVIDIA GPU feature discovery writes into the
 * {@code nvidia.com/gpu.product} node label for them.
 */
public enum AcceleratorProduct {
  @JsonProperty("H100-80GB")
  H100_80GB("H100-80GB", 80, List.of("NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-SXM5-80GB", "NVIDIA-H100-PCIe")),
  @JsonProperty("H800-80GB")
  H800_80GB("H800-80GB", 80, List.of("NVIDIA-H800", "NVIDIA-H800-80GB-HBM3", "NVIDIA-H800-PCIe")),
  @JsonProperty("H200-141GB")
  H200_141GB("H200-141GB", 141, List.of("NVIDIA-H200", "NVIDIA-H200-141GB-HBM3e")),
  @JsonProperty("H20-96GB")
  H20_96GB("H20-96GB", 96, List.of("NVIDIA-H20")),
  @JsonProperty("A100-80GB")
  A100_80GB("A100-80GB", 80, List.of("NVIDIA-A100-SXM4-80GB", "NVIDIA-A100-80GB-PCIe")),
  @JsonProperty("A800-80GB")
  A800_80GB("A800-80GB", 80, List.of("NVIDIA-A800-SXM4-80GB", "NVIDIA-A800-80GB-PCIe")),
  @JsonProperty("B200-180GB")
  B200_180GB("B200-180GB", 180, List.of("NVIDIA-B200"));

  public static final String NODE_LABEL = "nvidia.com/gpu.product";

  private final String displayName;
  private final int memoryGb;
  private final List<String> nodeLabelValues;

  AcceleratorProduct(String displayName, int memoryGb, List<String> nodeLabelValues) {
    this.displayName = displayName;
    this.memoryGb = memoryGb;
    this.nodeLabelValues = nodeLabelValues;
  }

  public String displayName() {
    return displayName;
  }

  public int memoryGb() {
    return memoryGb;
  }

  public List<String> nodeLabelValues() {
    return nodeLabelValues;
  }
}
