package io.deepseek.operator.desired;

import io.deepseek.operator.model.Owners;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Names;
import io.deepseek.operator.model.DeploymentModel;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.Map;

/** The leader StatefulSet: one pod per group, ordinal = group index; the /scale subresource drives its replicas. */
public final class LeaderStatefulSets {
  private LeaderStatefulSets() {}

  /** A new deployment: every group at the current revision. */
  public static StatefulSet build(DeploymentModel m, String revision) {
    return build(m, revision, m.replicas(), Math.min(m.partition(), m.replicas()));
  }

  /**
   * @param replicas groups, surge groups of a rollout included
   * @param partition leader ordinals below it keep their revision (the rollout plan lowers it group by group)
   */
  public static StatefulSet build(DeploymentModel m, String revision, int replicas, int partition) {
    Map<String, String> labels = Labels.common(m, Labels.POSITION_LEADER);
    StatefulSet sts = new StatefulSetBuilder()
        .withNewMetadata()
        .withName(Names.leaderStatefulSet(m))
        .withNamespace(m.namespace())
        .withLabels(labels)
        .withOwnerReferences(Owners.deployment(m.resource()))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName(Names.headlessService(m))
        // Groups start together: OrderedReady would load one model after another, hours for a few groups.
        .withPodManagementPolicy("Parallel")
        .withNewSelector().withMatchLabels(Labels.leaderSelector(m)).endSelector()
        .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate().withPartition(partition).endRollingUpdate()
        .endUpdateStrategy()
        .endSpec()
        .build();
    // Set, not copied in by the builder (PodTemplates).
    sts.getSpec().setTemplate(PodTemplates.leader(m, revision));
    return sts;
  }
}
