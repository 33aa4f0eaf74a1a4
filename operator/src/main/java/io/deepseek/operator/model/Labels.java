package io.deepseek.operator.model;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every label key the operator sets (annotations are in {@link Annotations}). A pod's place in its group (leader or worker)
 * is its {@link #POSITION}; the cluster sees the key {@code role} for it, which running pods carry, so it stays.
 */
public final class Labels {
  public static final String PREFIX = DeepSeekDeployment.GROUP + "/";
  public static final String DEPLOYMENT = PREFIX + "deployment";
  public static final String GROUP_INDEX = PREFIX + "group-index";
  public static final String RANK = PREFIX + "rank";
  /** Leader or worker of a group (not a serving role such as prefill or decode). */
  public static final String POSITION = PREFIX + "role";
  public static final String REVISION = PREFIX + "revision";
  /** With spec.roles: the serving role (prefill or decode) of a pod, a StatefulSet or a headless Service. */
  public static final String SERVING_ROLE = PREFIX + "serving-role";
  /** On a ControllerRevision: the {@link RenderVersion} its pods are rendered with. */
  public static final String RENDER_VERSION = PREFIX + "render-version";
  /** On a worker StatefulSet: UID of the leader pod it was made for. */
  public static final String LEADER_UID = PREFIX + "leader-uid";

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "deepseek-operator";
  /** Set by the StatefulSet controller on every pod: the pod's ordinal. */
  public static final String POD_INDEX = "apps.kubernetes.io/pod-index";
  public static final String STS_POD_NAME = "statefulset.kubernetes.io/pod-name";

  public static final String POSITION_LEADER = "leader";
  public static final String POSITION_WORKER = "worker";

  private Labels() {}

  /** Labels of every object of a deployment. */
  public static Map<String, String> common(DeepSeekDeployment d, String component) {
    Map<String, String> m = new TreeMap<>();
    m.put(NAME, "deepseek");
    m.put(INSTANCE, d.getMetadata().getName());
    m.put(COMPONENT, component);
    m.put(MANAGED_BY, MANAGED_BY_VALUE);
    m.put(DEPLOYMENT, d.getMetadata().getName());
    return m;
  }

  /** Labels of every object of one set of groups: {@link #common}, and the role with roles. */
  public static Map<String, String> common(DeploymentModel model, String component) {
    Map<String, String> m = common(model.resource(), component);
    role(m, model);
    return m;
  }

  /** Leader pods of the model's set (one role's with roles). */
  public static Map<String, String> leaderSelector(DeploymentModel model) {
    Map<String, String> m = new TreeMap<>();
    m.put(DEPLOYMENT, model.name());
    m.put(POSITION, POSITION_LEADER);
    role(m, model);
    return m;
  }

  public static Map<String, String> workerSelector(DeploymentModel model, int group) {
    Map<String, String> m = new TreeMap<>();
    m.put(DEPLOYMENT, model.name());
    m.put(POSITION, POSITION_WORKER);
    m.put(GROUP_INDEX, Integer.toString(group));
    role(m, model);
    return m;
  }

  /** Every pod of the model's set (one role's with roles, else the deployment's). */
  public static Map<String, String> allPodsSelector(DeploymentModel model) {
    Map<String, String> m = new TreeMap<>(Map.of(DEPLOYMENT, model.name()));
    role(m, model);
    return m;
  }

  private static void role(Map<String, String> m, DeploymentModel model) {
    if (model.role() != null) {
      m.put(SERVING_ROLE, model.role().id());
    }
  }

  /** The selector string of the /scale subresource: leader pods, one per group. */
  public static String selectorString(Map<String, String> selector) {
    return selector.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }
}
