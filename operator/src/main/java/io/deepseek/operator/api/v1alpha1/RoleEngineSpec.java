package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** The engine fields a role may tune on its own; unset fields are spec.engine's. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RoleEngineSpec {
  @Min(0.05)
  @Max(0.99)
  @JsonPropertyDescription("Over spec.engine.memoryFraction for this role.")
  public Double memoryFraction;

  @Min(1)
  @Max(1000000)
  @JsonPropertyDescription("Over spec.engine.maxRunningRequests for this role.")
  public Integer maxRunningRequests;

  @Min(-1)
  @Max(10000000)
  @JsonPropertyDescription("Over spec.engine.chunkedPrefillSize for this role.")
  public Integer chunkedPrefillSize;

  @JsonPropertyDescription("Over spec.engine.torchCompile for this role (SGLang).")
  public Boolean torchCompile;

  @JsonPropertyDescription("Over spec.engine.dataParallelAttention for this role (SGLang).")
  public Boolean dataParallelAttention;

  @JsonPropertyDescription("Over spec.engine.expertParallel for this role.")
  public Boolean expertParallel;

  @JsonPropertyDescription("Over spec.engine.deepEP for this role: Normal for prefill, LowLatency for decode is the usual pair.")
  public DeepEPMode deepEP;

  @JsonPropertyDescription("Over spec.engine.speculative for this role, e.g. MTP on decode only.")
  public SpeculativeSpec speculative;

  @JsonPropertyDescription("Extra engine arguments of this role, after spec.engine.extraArgs. The same flags are refused as there.")
  @Size(max = 256)
  @ValidationRule(value = "self.all(a, a.size() <= 4096)", message = "engine.extraArgs: each argument is at most 4096 characters")
  public List<String> extraArgs;

  @JsonPropertyDescription("Environment variables of this role's engine container, over spec.engine.env.")
  @Size(max = 256)
  @ValidationRule(value = "self.all(e, e.name.size() <= 256 && (!has(e.value) || e.value.size() <= 32768))", message = "engine.env: names are at most 256 characters and values at most 32768")
  public List<EnvVar> env;
}
