package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.numSteps) || (!has(self.topK) && !has(self.numDraftTokens))",
    message = "speculative.topK and speculative.numDraftTokens need speculative.numSteps; leave all three unset for the engine's choice")
public class SpeculativeSpec {
  @Required
  @JsonPropertyDescription("MTP (DeepSeek's multi-token prediction; SGLang EAGLE), NEXTN (same as MTP in SGLang) or EAGLE.")
  public SpeculativeMethod method;

  @Min(1)
  @JsonPropertyDescription("Draft steps per verification (SGLang --speculative-num-steps).")
  @Max(64)
  public Integer numSteps;

  @Min(1)
  @JsonPropertyDescription("Branching factor of the draft tree (SGLang --speculative-eagle-topk).")
  @Max(64)
  public Integer topK;

  @Min(1)
  @JsonPropertyDescription("Draft tokens verified per step (SGLang --speculative-num-draft-tokens).")
  @Max(1024)
  public Integer numDraftTokens;

  public enum SpeculativeMethod {
    MTP, NEXTN, EAGLE
  }
}
