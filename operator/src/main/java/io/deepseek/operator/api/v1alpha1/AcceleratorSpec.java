package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AcceleratorSpec {
  @Default("NvidiaGPU")
  @JsonPropertyDescription("Accelerator family: NvidiaGPU.")
  public AcceleratorType type;

  @Required
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Devices each pod requests (a whole node is usually 8).")
  public Integer perNode;

  @Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
  @JsonPropertyDescription("Extended resource the device plugin registers. Default by type: nvidia.com/gpu.")
  public String resourceName;

  @JsonPropertyDescription("Accelerator product. When set, pods only run on nodes whose nvidia.com/gpu.product label is that product.")
  public AcceleratorProduct product;
}
