package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How groups move to a new revision: whole groups, a few at a time. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@io.fabric8.generator.annotation.ValidationRule(
    value = "(has(self.maxUnavailable) ? self.maxUnavailable : 1) + (has(self.maxSurge) ? self.maxSurge : 0) >= 1",
    message = "rollout.maxUnavailable + rollout.maxSurge must be at least 1, or no group could ever move to a new revision")
public class RolloutSpec {
  @Default("1")
  @Min(0)
  @JsonPropertyDescription("Groups that may be unavailable during a rollout (below spec.replicas ready groups).")
  @Max(512)
  public Integer maxUnavailable;

  @Default("0")
  @Min(0)
  @JsonPropertyDescription("Extra groups at the new revision during a rollout (they need spare accelerators); removed"
      + " when it ends. maxSurge 1 with maxUnavailable 0 keeps full capacity.")
  @Max(512)
  public Integer maxSurge;

  @Default("0")
  @Min(0)
  @JsonPropertyDescription("Groups with an index below this keep their revision (canary: roll the groups above it, then"
      + " lower it to 0 to promote).")
  @Max(512)
  public Integer partition;
}
