package io.deepseek.operator.model;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Owner references: garbage collection removes what the operator made when its owner goes. */
public final class Owners {
  private Owners() {}

  public static OwnerReference deployment(DeepSeekDeployment d) {
    return new OwnerReferenceBuilder()
        .withApiVersion(DeepSeekDeployment.GROUP + "/" + DeepSeekDeployment.VERSION)
        .withKind(DeepSeekDeployment.KIND)
        .withName(d.getMetadata().getName())
        .withUid(d.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** A group's workers belong to its leader pod: when the leader pod goes, so do they (the group is recreated whole). */
  public static OwnerReference leaderPod(String podName, String podUid) {
    return new OwnerReferenceBuilder()
        .withApiVersion("v1")
        .withKind("Pod")
        .withName(podName)
        .withUid(podUid)
        .withController(true)
        .withBlockOwnerDeletion(false)
        .build();
  }
}
