package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** What happens when a rank of a group fails: one process group cannot lose a member and go on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailureSpec {
  @Default("RecreateGroup")
  @JsonPropertyDescription("RecreateGroup: when any pod of a group restarts a container, is deleted, loses its node or"
      + " misses its start-up budget, the whole group is recreated. None: pods are left to the kubelet.")
  public Policy policy;

  @Default("5")
  @Min(1)
  @JsonPropertyDescription("Recreations of one group within failure.window after which it is marked failed and left"
      + " alone (condition Degraded, reason GroupFailed) instead of restarting again.")
  @Max(1000)
  public Integer maxRestarts;

  @Default("1h")
  @Pattern("^([0-9]{1,4}h)?([0-9]{1,6}m)?([0-9]{1,8}s)?$")
  @JsonPropertyDescription("The window in which recreations are counted, e.g. 1h.")
  public String window;

  @Default("30s")
  @Pattern("^([0-9]{1,4}h)?([0-9]{1,6}m)?([0-9]{1,8}s)?$")
  @JsonPropertyDescription("The first recreation of a group is immediate; the next waits this long, each further one"
      + " twice as long as the one before, up to 10m.")
  public String backoff;

  public enum Policy {
    RecreateGroup, None
  }
}
