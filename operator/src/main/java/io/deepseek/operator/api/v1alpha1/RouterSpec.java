package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;

/**
 * The router in front of a disaggregated deployment's groups: it sends each request to a prefill group and a decode group
 * of one revision. SGLang: the SGLang Model Gateway (smg); vLLM and vllm-ascend: vllm-router.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouterSpec {
  public enum Policy {
    /** Prefix-cache aware, balanced by load (the routers' own default for P/D). */
    CacheAware,
    /** The less loaded of two random groups. */
    PowerOfTwo,
    RoundRobin,
    Random
  }

  @Pattern("^\\S+$")
  @Size(max = 512)
  @JsonPropertyDescription("Router image. Default for SGLang: lightseekorg/smg:1.13.0 (runs python3 -m smg.launch_router)."
      + " Required for VLLM and VLLMAscend: an image with vllm-router 0.1.17 (pip install vllm-router==0.1.17) on its PATH.")
  public String image;

  @Min(1)
  @Max(16)
  @JsonPropertyDescription("Router pods per revision (default 2: one may go while the other serves).")
  public Integer replicas;

  @JsonPropertyDescription("How the router picks a group of each role: CacheAware (default), PowerOfTwo, RoundRobin or Random.")
  public Policy policy;

  @JsonPropertyDescription("CPU of each router pod (request and limit), e.g. \"2\". Default: none set.")
  public Quantity cpu;

  @JsonPropertyDescription("Memory of each router pod (request and limit), e.g. 4Gi. Default: none set.")
  public Quantity memory;

  @JsonPropertyDescription("Extra router arguments, verbatim after the generated ones.")
  @Size(max = 64)
  @ValidationRule(value = "self.all(a, a.size() <= 1024)", message = "router.extraArgs: each argument is at most 1024 characters")
  public List<String> extraArgs;
}
