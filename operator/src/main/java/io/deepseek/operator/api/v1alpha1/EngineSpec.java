package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** Unset optional fields generate no flag: the engine's own default applies. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.multiNode) || self.type != 'SGLang'",
    message = "engine.multiNode is for VLLM and VLLMAscend; SGLang always forms its own process group")
@ValidationRule(
    value = "self.type == 'SGLang' || ((!has(self.torchCompile) || !self.torchCompile) && (!has(self.dataParallelAttention) || !self.dataParallelAttention))",
    message = "engine.torchCompile and engine.dataParallelAttention are SGLang flags; with vLLM use extraArgs (e.g. --compilation-config)")
public class EngineSpec {
  public enum MultiNode {
    Native, Ray
  }

  @Default("SGLang")
  @JsonPropertyDescription("Serving engine: SGLang, VLLM (NVIDIA GPUs) or VLLMAscend (vllm-ascend on Ascend NPUs).")
  public EngineType type;

  @Required
  @Pattern("^\\S+$")
  @JsonPropertyDescription("Engine container image, e.g. lmsysorg/sglang:v0.5.18, vllm/vllm-openai:v0.25.1 or"
      + " quay.io/ascend/vllm-ascend:v0.25.1rc1.")
  @Size(max = 512)
  public String image;

  @Pattern("^v?[0-9]{1,4}\\.[0-9]{1,4}(\\.[0-9]{1,4})?([.+_-]?[A-Za-z0-9.+_-]*)?$")
  @JsonPropertyDescription("Engine release the image runs, e.g. 0.5.23, when its tag does not say (a digest, latest,"
      + " nightly). Flags are written in that release's spelling and typed fields it cannot do are refused. When the tag"
      + " names a release, this must agree with it.")
  @Size(max = 64)
  public String version;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("HTTP port of the engine in each pod. Default: the engine's (SGLang 30000, vLLM 8000).")
  public Integer port;

  @Min(0.05)
  @Max(0.99)
  @JsonPropertyDescription("Fraction of accelerator memory for weights and KV cache (SGLang --mem-fraction-static,"
      + " vLLM --gpu-memory-utilization).")
  public Double memoryFraction;

  @Min(1)
  @JsonPropertyDescription("Most requests running at once (SGLang --max-running-requests, vLLM --max-num-seqs per"
      + " data-parallel rank).")
  @Max(1000000)
  public Integer maxRunningRequests;

  @Min(-1)
  @JsonPropertyDescription("Tokens per prefill chunk (SGLang --chunked-prefill-size, -1 disables; vLLM"
      + " --max-num-batched-tokens). Lower it on prefill OOM.")
  @Max(10000000)
  public Integer chunkedPrefillSize;

  @Min(1)
  @JsonPropertyDescription("Longest context in tokens (SGLang --context-length, vLLM --max-model-len).")
  @Max(10000000)
  public Integer maxModelLen;

  @Pattern("^[a-z0-9_-]+$")
  @JsonPropertyDescription("Weight quantization (--quantization), e.g. fp8, or ascend for vllm-ascend W8A8 weights."
      + " Never set fp8 for the official FP8 DeepSeek checkpoints.")
  @Size(max = 64)
  public String quantization;

  @Pattern("^[a-z0-9_]+$")
  @JsonPropertyDescription("KV cache data type (--kv-cache-dtype), e.g. fp8_e5m2.")
  @Size(max = 64)
  public String kvCacheDtype;

  @JsonPropertyDescription("SGLang only: compile the model with torch.compile (--enable-torch-compile).")
  public Boolean torchCompile;

  @JsonPropertyDescription("SGLang only: data-parallel attention (--enable-dp-attention); needed for parallelism.data > 1.")
  public Boolean dataParallelAttention;

  @JsonPropertyDescription("Expert parallelism for the MoE layers (SGLang --ep-size = tensor parallel size, vLLM"
      + " --enable-expert-parallel).")
  public Boolean expertParallel;

  @JsonPropertyDescription("DeepEP all-to-all for the MoE layers with expert parallelism (SGLang --moe-a2a-backend deepep"
      + " --deepep-mode; vLLM --all2all-backend deepep_high_throughput or deepep_low_latency). Needs expertParallel.")
  public DeepEPMode deepEP;

  @JsonPropertyDescription("Speculative decoding (multi-token prediction).")
  public SpeculativeSpec speculative;

  @Pattern("^[a-z0-9_-]+$")
  @JsonPropertyDescription("Reasoning parser, e.g. deepseek-r1; written in the engine's own spelling (SGLang"
      + " deepseek-r1, vLLM deepseek_r1).")
  @Size(max = 64)
  public String reasoningParser;

  @JsonPropertyDescription("Allow custom model code from the model repository (--trust-remote-code).")
  public Boolean trustRemoteCode;

  @JsonPropertyDescription("API key clients must send, from a Secret in the deployment's namespace. It reaches the engine"
      + " only through the environment: never in the pod spec, the status or an Event.")
  public SecretKeyRef apiKeySecretRef;

  @JsonPropertyDescription("vLLM only: how a multi-node group forms one engine. Native (default): vLLM's own --nnodes with"
      + " headless workers. Ray: a Ray cluster per group and --distributed-executor-backend ray.")
  public MultiNode multiNode;

  @JsonPropertyDescription("Extra engine arguments, passed verbatim after the generated flags. Flags the operator generates"
      + " (parallelism, addresses, ports, typed fields) are refused here: set the typed field instead.")
  @Size(max = 256)
  @ValidationRule(value = "self.all(a, a.size() <= 4096)", message = "engine.extraArgs: each argument is at most 4096 characters")
  public List<String> extraArgs;

  @JsonPropertyDescription("Environment variables of the engine container, merged over the generated ones (these win)."
      + " The DS_* contract variables cannot be overridden.")
  @Size(max = 256)
  @ValidationRule(value = "self.all(e, e.name.size() <= 256 && (!has(e.value) || e.value.size() <= 32768))", message = "engine.env: names are at most 256 characters and values at most 32768")
  public List<EnvVar> env;
}
