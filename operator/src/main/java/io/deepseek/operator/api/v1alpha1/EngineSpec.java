package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** Unset optional fields generate no flag: the engine's own default applies. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EngineSpec {
  @Default("SGLang")
  @JsonPropertyDescription("Serving engine: SGLang.")
  public EngineType type;

  @Required
  @Pattern("^\\S+$")
  @JsonPropertyDescription("Engine container image, e.g. lmsysorg/sglang:v0.5.18.")
  public String image;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("HTTP port of the engine in each pod. Default: the engine's (SGLang 30000).")
  public Integer port;

  @Min(0.05)
  @Max(0.99)
  @JsonPropertyDescription("Fraction of accelerator memory for weights and KV cache (SGLang --mem-fraction-static).")
  public Double memoryFraction;

  @Min(1)
  @JsonPropertyDescription("Most requests running at once (SGLang --max-running-requests).")
  public Integer maxRunningRequests;

  @Min(-1)
  @JsonPropertyDescription("Chunked prefill size in tokens, -1 disables (SGLang --chunked-prefill-size). Lower it on prefill OOM.")
  public Integer chunkedPrefillSize;

  @Min(1)
  @JsonPropertyDescription("Longest context in tokens (SGLang --context-length).")
  public Integer maxModelLen;

  @Pattern("^[a-z0-9_-]+$")
  @JsonPropertyDescription("Weight quantization (--quantization), e.g. fp8. Never set fp8 for the official FP8 DeepSeek checkpoints.")
  public String quantization;

  @Pattern("^[a-z0-9_]+$")
  @JsonPropertyDescription("KV cache data type (--kv-cache-dtype), e.g. fp8_e5m2.")
  public String kvCacheDtype;

  @JsonPropertyDescription("Compile the model with torch.compile (SGLang --enable-torch-compile).")
  public Boolean torchCompile;

  @JsonPropertyDescription("Data-parallel attention (SGLang --enable-dp-attention); needed for parallelism.data > 1.")
  public Boolean dataParallelAttention;

  @JsonPropertyDescription("Expert parallelism for the MoE layers (SGLang --ep-size = tensor parallel size).")
  public Boolean expertParallel;

  @JsonPropertyDescription("Speculative decoding (multi-token prediction).")
  public SpeculativeSpec speculative;

  @Pattern("^[a-z0-9_-]+$")
  @JsonPropertyDescription("Reasoning parser, e.g. deepseek-r1; written in the engine's own spelling.")
  public String reasoningParser;

  @JsonPropertyDescription("Allow custom model code from the model repository (--trust-remote-code).")
  public Boolean trustRemoteCode;

  @JsonPropertyDescription("Extra engine arguments, passed verbatim after the generated flags. Flags the operator generates"
      + " (parallelism, addresses, ports, typed fields) are refused here: set the typed field instead.")
  public List<String> extraArgs;

  @JsonPropertyDescription("Environment variables of the engine container, merged over the generated ones (these win)."
      + " The DS_* contract variables cannot be overridden.")
  public List<EnvVar> env;
}
