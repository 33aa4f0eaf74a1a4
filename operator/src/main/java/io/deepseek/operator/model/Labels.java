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

  public static Map<String, String> leaderSelector(DeepSeekDeployment d) {
    Map<String, String> m = new TreeMap<>();
    m.put(DEPLOYMENT, d.getMetadata().getName());
    m.put(POSITION, POSITION_LEADER);
    return m;
  }

  public static Map<String, String> workerSelector(DeepSeekDeployment d, int group) {
    Map<String, String> m = new TreeMap<>();
    m.put(DEPLOYMENT, d.getMetadata().getName());
    m.put(POSITION, POSITION_WORKER);
    m.put(GROUP_INDEX, Integer.toString(group));
    return m;
  }

  public static Map<String, String> allPodsSelector(DeepSeekDeployment d) {
    return new TreeMap<>(Map.of(DEPLOYMENT, d.getMetadata().getName()));
  }

  /** The selector string of the /scale subresource: leader pods, one per group. */
  public static String selectorString(Map<String, String> selector) {
    return selector.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }
}
