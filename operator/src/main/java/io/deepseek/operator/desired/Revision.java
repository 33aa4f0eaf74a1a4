package io.deepseek.operator.desired;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;

/**
 * The revision of what a group's pods run: a hash of the spec without the fields that never touch a pod (replicas and the
 * client Service). Every pod carries it as a label; groups of different revisions never mix.
 */
public final class Revision {
  private Revision() {}

  public static String of(DeepSeekDeployment d) {
    ObjectNode spec = Hashes.CANONICAL.valueToTree(d.getSpec());
    spec.remove("replicas");
    spec.remove("service");
    return Hashes.of(spec, 10);
  }
}
