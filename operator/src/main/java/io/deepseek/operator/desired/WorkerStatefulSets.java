package io.deepseek.operator.desired;

import io.deepseek.operator.model.Owners;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Names;
import io.deepseek.operator.model.DeploymentModel;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.Map;

/**
 * The workers of one group: nodes-1 pods whose ordinals 1..nodes-1 are their ranks. Made for one leader pod (owned by
 * it, with its IP written in), at that leader's revision, so a group never mixes revisions.
 */
public final class WorkerStatefulSets {
  private WorkerStatefulSets() {}

  public static StatefulSet build(DeploymentModel m, String revision, int group, String leaderPodName, String leaderPodUid,
      String leaderIp) {
    Map<String, String> labels = Labels.common(m, Labels.POSITION_WORKER);
    labels.put(Labels.GROUP_INDEX, Integer.toString(group));
    labels.put(Labels.REVISION, revision);
    labels.put(Labels.LEADER_UID, leaderPodUid);
    StatefulSet sts = new StatefulSetBuilder()
        .withNewMetadata()
        .withName(Names.workerStatefulSet(m, group))
        .withNamespace(m.namespace())
        .withLabels(labels)
        .withOwnerReferences(Owners.leaderPod(leaderPodName, leaderPodUid))
        .endMetadata()
        .withNewSpec()
        .withReplicas(m.nodes() - 1)
        .withNewOrdinals().withStart(1).endOrdinals()
        .withServiceName(Names.headlessService(m))
        .withPodManagementPolicy("Parallel")
        .withNewSelector().withMatchLabels(Labels.workerSelector(m, group)).endSelector()
        // Never rolled in place: a new revision replaces the whole group through its leader.
        .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
        .endSpec()
        .build();
    // Set, not copied in by the builder (PodTemplates).
    sts.getSpec().setTemplate(PodTemplates.worker(m, revision, group, leaderIp));
    return sts;
  }
}
