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
  @JsonPropertyDescription("Tensor-parallel size. SGLang: across the whole group (--tp-size), default nodes x perNode /"
      + " pipeline. vLLM: per engine (--tensor-parallel-size), default perNode / (data ranks per node).")
  @Max(1024)
  public Integer tensor;

  @Min(1)
  @JsonPropertyDescription("Data-parallel size of a group (SGLang --dp-size, needs engine.dataParallelAttention;"
      + " vLLM --data-parallel-size).")
  @Max(1024)
  public Integer data;

  @Min(1)
  @JsonPropertyDescription("vLLM only: data-parallel ranks per node (--data-parallel-size-local). Default data / nodes.")
  @Max(64)
  public Integer dataLocal;

  @Min(1)
  @JsonPropertyDescription("Pipeline-parallel size (SGLang --pp-size, vLLM --pipeline-parallel-size). vLLM multi-node"
      + " default: nodes (tensor parallel inside a node, pipeline across nodes).")
  @Max(64)
  public Integer pipeline;
}
