package io.deepseek.operator.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import java.util.List;

/**
 * The revision of what a group's pods run: a hash of the spec without the fields that never touch a pod (replicas, the
 * client Service, rollout, failure and autoscaling settings, the router; with roles each role's replicas and autoscaling
 * and the prefill:decode band). Every pod carries it as a label; groups of different revisions never mix.
 */
public final class Revision {
  /** Spec fields that never touch a pod: changing them must never restart a group. */
  public static final List<String> NOT_COVERED = List.of("replicas", "service", "rollout", "failure", "autoscaling", "router");

  private Revision() {}

  public static String of(DeepSeekDeployment d) {
    return Hashes.of(podSpec(d), 10);
  }

  /** The part of the spec a revision stands for. */
  public static ObjectNode podSpec(DeepSeekDeployment d) {
    ObjectNode spec = Json.MAPPER.valueToTree(d.getSpec());
    spec.remove(NOT_COVERED);
    // The format of the weights on disk only informs the sizing check: saying it never restarts a group.
    if (spec.get("model") instanceof ObjectNode model) {
      model.remove("precision");
    }
    // Each role's replicas and autoscaling are its own scaling, the ratio band scaling too, and the router is not a group:
    // never a new revision (scaling must not look like a template change).
    if (spec.get("roles") instanceof ObjectNode roles) {
      roles.forEach(role -> {
        if (role instanceof ObjectNode r) {
          r.remove(List.of("replicas", "autoscaling"));
        }
      });
    }
    if (spec.get("disaggregation") instanceof ObjectNode disaggregation) {
      disaggregation.remove("prefillPerDecode");
    }
    return spec;
  }
}
