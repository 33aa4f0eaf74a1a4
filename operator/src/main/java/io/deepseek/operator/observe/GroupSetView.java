package io.deepseek.operator.observe;

import io.deepseek.operator.model.Labels;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.SortedMap;

/**
 * A set of groups that share one leader StatefulSet: today the deployment's only set; with prefill/decode roles, one per
 * role. Everything the plan needs to roll, recover and scale these groups.
 *
 * @param name the set's name ({@link #SERVING} for a deployment without roles)
 * @param leaderSet the leader StatefulSet, or null before it exists
 * @param groups every group that has a leader pod or a worker set, by index
 * @param workerSets worker StatefulSets of this set that are not being deleted, by name
 */
public record GroupSetView(String name, StatefulSet leaderSet, SortedMap<Integer, GroupView> groups, List<StatefulSet> workerSets) {
  public static final String SERVING = "serving";

  /** The group at an index; a view without pods when nothing of it exists. */
  public GroupView group(int index) {
    GroupView g = groups.get(index);
    return g != null ? g : new GroupView(index, null, null, false, List.of(), List.of(), false, null, null);
  }

  /** The revision in the leader StatefulSet's pod template, or null before it exists. */
  public String templateRevision() {
    return leaderSet == null ? null : leaderSet.getSpec().getTemplate().getMetadata().getLabels().get(Labels.REVISION);
  }

  /** The leader StatefulSet's rolling-update partition, or null when it has none (or does not exist). */
  public Integer partition() {
    return leaderSet == null || leaderSet.getSpec().getUpdateStrategy() == null
        || leaderSet.getSpec().getUpdateStrategy().getRollingUpdate() == null ? null
        : leaderSet.getSpec().getUpdateStrategy().getRollingUpdate().getPartition();
  }

  public Integer leaderReplicas() {
    return leaderSet == null ? null : leaderSet.getSpec().getReplicas();
  }
}
