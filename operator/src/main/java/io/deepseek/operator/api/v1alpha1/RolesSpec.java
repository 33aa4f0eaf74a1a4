package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** The roles of a disaggregated deployment: both are needed, each is its own set of groups. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolesSpec {
  @Required
  @JsonPropertyDescription("Groups that compute the prompt (prefill) and hand its KV cache to a decode group.")
  public RoleSpec prefill;

  @Required
  @JsonPropertyDescription("Groups that receive the KV cache of a prompt and generate the answer (decode).")
  public RoleSpec decode;

  public RoleSpec get(ServingRole role) {
    return role == ServingRole.PREFILL ? prefill : decode;
  }
}
