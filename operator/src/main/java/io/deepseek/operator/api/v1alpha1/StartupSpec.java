package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class StartupSpec {
  @Default("60m")
  @Pattern("^([0-9]{1,4}h)?([0-9]{1,6}m)?([0-9]{1,8}s)?$")
  @JsonPropertyDescription("How long a pod may take from start to serving (weight load, warm-up), e.g. 45m or 1h30m."
      + " It becomes the startup probe's budget, and a group not ready this long after its last pod was scheduled has"
      + " failed (see failure). Default 60m.")
  public String timeout;
}
