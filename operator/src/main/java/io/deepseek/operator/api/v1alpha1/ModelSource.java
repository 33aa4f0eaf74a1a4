package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "(has(self.hostPath) ? 1 : 0) + (has(self.persistentVolumeClaim) ? 1 : 0) == 1",
    message = "model.source must set exactly one of hostPath or persistentVolumeClaim")
public class ModelSource {
  @Pattern("^/.+")
  @JsonPropertyDescription("Absolute directory of the weights on every node that may run a pod of this deployment."
      + " Mounted read-only. The operator's allowed-prefix policy decides which node paths tenants may use.")
  public String hostPath;

  @JsonPropertyDescription("A PersistentVolumeClaim holding the weights (ReadOnlyMany or ReadWriteMany for multi-node groups).")
  public PvcSource persistentVolumeClaim;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PvcSource {
    @io.fabric8.generator.annotation.Required
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("Name of the claim, in the deployment's namespace.")
    public String claimName;

    @Pattern("^[^/].*")
    @JsonPropertyDescription("Directory inside the claim that holds the weights (relative). Default: the claim's root.")
    public String subPath;
  }
}
