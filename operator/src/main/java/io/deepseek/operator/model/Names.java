package io.deepseek.operator.model;

/**
 * Every name the operator generates. Leader pods are {@code <set>-<group>}, workers {@code <set>-<group>-<rank>}, where the
 * set is the deployment's name, or with roles {@code <name>-prefill} and {@code <name>-decode}
 * ({@link DeploymentModel#setName()}).
 */
public final class Names {
  public static final String ENGINE_CONTAINER = "engine";
  /** The init container that downloads the weights from a hub (the status reports its failures). */
  public static final String MODEL_DOWNLOAD_CONTAINER = "model-download";
  public static final String FIELD_MANAGER = "deepseek-operator";

  private Names() {}

  /** Leader StatefulSet: one pod per group, ordinal = group index. */
  public static String leaderStatefulSet(DeploymentModel m) {
    return m.setName();
  }

  /** Worker StatefulSet of one group: ordinals 1..nodes-1 = node ranks. */
  public static String workerStatefulSet(DeploymentModel m, int group) {
    return m.setName() + "-" + group;
  }

  public static String leaderPod(DeploymentModel m, int group) {
    return leaderStatefulSet(m) + "-" + group;
  }

  /** Headless Service that gives every pod a stable DNS name, published before readiness. */
  public static String headlessService(DeploymentModel m) {
    return m.setName() + "-pods";
  }

  /** Client Service in front of the leaders; clients use http://<name>.<ns>.svc:<port>/v1. */
  public static String clientService(DeploymentModel m) {
    return m.name();
  }

  /** Stable DNS name of a group's leader pod. */
  public static String leaderAddress(DeploymentModel m, int group) {
    return leaderPod(m, group) + "." + headlessService(m) + "." + m.namespace() + ".svc";
  }

  public static String endpoint(DeploymentModel m, int servicePort) {
    return "http://" + clientService(m) + "." + m.namespace() + ".svc:" + servicePort + "/v1";
  }

  /** With roles: the router's service account, Role and RoleBinding (pods it may discover). */
  public static String router(DeploymentModel m) {
    return m.name() + "-router";
  }

  /** With roles: the router Deployment of one revision, which routes only between groups of that revision. */
  public static String routerDeployment(DeploymentModel m, String revision) {
    return router(m) + "-" + revision;
  }
}
