package io.deepseek.operator.model;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;

/** Every name the operator generates. Leader pods are {@code <name>-<group>}, workers {@code <name>-<group>-<rank>}. */
public final class Names {
  public static final String ENGINE_CONTAINER = "engine";
  /** The init container that downloads the weights from a hub (the status reports its failures). */
  public static final String MODEL_DOWNLOAD_CONTAINER = "model-download";
  public static final String FIELD_MANAGER = "deepseek-operator";

  private Names() {}

  /** Leader StatefulSet: one pod per group, ordinal = group index. */
  public static String leaderStatefulSet(DeepSeekDeployment d) {
    return d.getMetadata().getName();
  }

  /** Worker StatefulSet of one group: ordinals 1..nodes-1 = node ranks. */
  public static String workerStatefulSet(DeepSeekDeployment d, int group) {
    return d.getMetadata().getName() + "-" + group;
  }

  public static String leaderPod(DeepSeekDeployment d, int group) {
    return leaderStatefulSet(d) + "-" + group;
  }

  /** Headless Service that gives every pod a stable DNS name, published before readiness. */
  public static String headlessService(DeepSeekDeployment d) {
    return d.getMetadata().getName() + "-pods";
  }

  /** Client Service in front of the leaders; clients use http://<name>.<ns>.svc:<port>/v1. */
  public static String clientService(DeepSeekDeployment d) {
    return d.getMetadata().getName();
  }

  /** Stable DNS name of a group's leader pod. */
  public static String leaderAddress(DeepSeekDeployment d, int group) {
    return leaderPod(d, group) + "." + headlessService(d) + "." + d.getMetadata().getNamespace() + ".svc";
  }

  public static String endpoint(DeepSeekDeployment d, int servicePort) {
    return "http://" + clientService(d) + "." + d.getMetadata().getNamespace() + ".svc:" + servicePort + "/v1";
  }
}
