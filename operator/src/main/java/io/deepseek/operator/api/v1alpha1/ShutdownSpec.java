package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/**
 * How a group's leader leaves when its group goes (a rolling upgrade, a scale-down, a deletion): out of the client
 * Service first, then the requests in flight finish, then the engine stops. No CRD defaults: a field that appears in
 * every existing spec would change every revision and restart every group on an operator upgrade; the operator applies
 * the defaults itself.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShutdownSpec {
  @Pattern("^([0-9]{1,4}h)?([0-9]{1,6}m)?([0-9]{1,8}s)?$")
  @JsonPropertyDescription("How long a leader that is leaving keeps serving after it is taken out of the client Service,"
      + " before its engine is told to stop (a preStop hook): the time kube-proxy and gateways need to stop sending it new"
      + " requests. Default 5s.")
  public String drainDelay;

  @Pattern("^([0-9]{1,4}h)?([0-9]{1,6}m)?([0-9]{1,8}s)?$")
  @JsonPropertyDescription("How long the engine then has to finish the requests in flight before it is killed (with"
      + " drainDelay, the pod's terminationGracePeriodSeconds). Long generations need minutes. Default 10m.")
  public String gracePeriod;
}
