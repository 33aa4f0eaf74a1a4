package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ParallelismSpec {
  @Default("1")
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Pods per group, one per node. Rank 0 is the leader; ranks 1..nodes-1 are workers.")
  public Integer nodes;

  @Min(1)
  @JsonPropertyDescription("Tensor-parallel size across the whole group (SGLang --tp-size). Default: nodes x perNode / pipeline.")
  public Integer tensor;

  @Min(1)
  @JsonPropertyDescription("Data-parallel size inside a group (SGLang --dp-size, needs engine.dataParallelAttention).")
  public Integer data;

  @Min(1)
  @JsonPropertyDescription("Pipeline-parallel size (SGLang --pp-size).")
  public Integer pipeline;
}
