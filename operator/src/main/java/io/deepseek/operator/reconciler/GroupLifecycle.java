package io.deepseek.operator.reconciler;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.GroupStatus;
import io.deepseek.operator.desired.DeploymentModel;
import io.deepseek.operator.desired.Labels;
import io.deepseek.operator.desired.Names;
import io.deepseek.operator.recovery.GroupRecovery;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/** Carries out {@link GroupRecovery}'s decisions, and records which worker pods a group was formed with. */
final class GroupLifecycle {
  private static final Logger LOG = Logger.getLogger(GroupLifecycle.class);
  private final Applier applier;
  private final EventRecorder events;

  GroupLifecycle(Applier applier, EventRecorder events) {
    this.applier = applier;
    this.events = events;
  }

  /** Decides for every existing group and acts; returns the decisions by group index (for the status). */
  Map<Integer, GroupRecovery.Decision> recover(KubernetesClient client, DeepSeekDeployment d, DeploymentModel m,
      List<GroupStatus> groups, List<Pod> pods, Map<String, StatefulSet> sets, Instant now) {
    Map<Integer, GroupRecovery.Decision> decisions = new HashMap<>();
    for (GroupStatus gs : groups) {
      Pod leader = pod(pods, gs.leader);
      if (leader == null || leader.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      StatefulSet set = sets.get(Names.workerStatefulSet(d, gs.index));
      boolean ours = set != null && Objects.equals(leader.getMetadata().getUid(), set.getMetadata().getLabels().get(Labels.LEADER_UID));
      List<Pod> workers = ours ? workersOf(pods, set) : List.of();
      String failure = GroupRecovery.failure(m, leader, workers, ours ? set : null, Boolean.TRUE.equals(gs.ready), now);
      GroupRecovery.Decision decision = GroupRecovery.decide(m, previous(d, gs), failure, Boolean.TRUE.equals(gs.ready), now);
      decisions.put(gs.index, decision);
      switch (decision.action()) {
        case RECREATE -> {
          events.record(client, d, EventRecorder.WARNING, "RecreatingGroup", "Group " + gs.index + " (recreation "
              + decision.state().restarts() + " of " + m.maxRestarts() + "): " + failure);
          LOG.infof("%s/%s: recreating group %d: %s", d.getMetadata().getNamespace(), d.getMetadata().getName(), gs.index, failure);
          if (set != null) {
            applier.delete(client, set);
            sets.remove(set.getMetadata().getName());
          }
          applier.delete(client, leader);
        }
        case FAIL -> events.record(client, d, EventRecorder.WARNING, "GroupFailed", "Group " + gs.index + " failed "
            + decision.state().restarts() + " times within " + m.failureWindow().toMinutes() + "m and is left alone: " + failure);
        default -> { }
      }
    }
    return decisions;
  }

  /** Once a group's workers all exist, their UIDs are its members: any other worker pod later is a replacement. */
  void recordMembers(KubernetesClient client, DeploymentModel m, List<Pod> pods, Map<String, StatefulSet> sets) {
    for (StatefulSet set : sets.values()) {
      Map<String, String> labels = set.getMetadata().getLabels();
      if (!Labels.ROLE_WORKER.equals(labels.get(Labels.COMPONENT)) || set.getMetadata().getDeletionTimestamp() != null
          || (set.getMetadata().getAnnotations() != null && set.getMetadata().getAnnotations().containsKey(Labels.MEMBERS))) {
        continue;
      }
      List<Pod> workers = workersOf(pods, set);
      if (workers.size() == m.nodes() - 1 && workers.stream().allMatch(p -> p.getMetadata().getDeletionTimestamp() == null)) {
        String members = workers.stream().map(p -> p.getMetadata().getUid()).sorted().collect(Collectors.joining(","));
        applier.annotate(client, set, Labels.MEMBERS, members);
      }
    }
  }

  private static GroupRecovery.State previous(DeepSeekDeployment d, GroupStatus now) {
    if (d.getStatus() == null) {
      return GroupRecovery.State.NONE;
    }
    return d.getStatus().groups.stream()
        // A group at another revision is another group: a spec change gives a failed group a fresh start.
        .filter(g -> Objects.equals(g.index, now.index) && Objects.equals(g.revision, now.revision))
        .findFirst()
        .map(g -> new GroupRecovery.State(g.restarts == null ? 0 : g.restarts, g.lastRestartTime, Boolean.TRUE.equals(g.failed), g.lastFailure))
        .orElse(GroupRecovery.State.NONE);
  }

  static List<Pod> workersOf(List<Pod> pods, StatefulSet set) {
    String uid = set.getMetadata().getUid();
    return pods.stream().filter(p -> p.getMetadata().getOwnerReferences() != null && p.getMetadata().getOwnerReferences().stream()
        .map(OwnerReference::getUid).anyMatch(u -> Objects.equals(u, uid))).toList();
  }

  private static Pod pod(List<Pod> pods, String name) {
    return name == null ? null : pods.stream().filter(p -> name.equals(p.getMetadata().getName())).findFirst().orElse(null);
  }
}
