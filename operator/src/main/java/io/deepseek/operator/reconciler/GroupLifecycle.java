package io.deepseek.operator.reconciler;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.GroupStatus;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Annotations;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Names;
import io.deepseek.operator.recovery.GroupRecovery;
import io.deepseek.operator.status.StatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

  /** Decides for every existing group; writes nothing. The decisions by group index. */
  Map<Integer, GroupRecovery.Decision> decide(DeepSeekDeployment d, DeploymentModel m, List<GroupStatus> groups, List<Pod> pods,
      Map<String, StatefulSet> sets, Instant now) {
    Map<Integer, GroupRecovery.Decision> decisions = new HashMap<>();
    for (GroupStatus gs : groups) {
      Pod leader = pod(pods, gs.leader);
      if (leader == null || leader.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      StatefulSet set = sets.get(Names.workerStatefulSet(d, gs.index));
      boolean ours = set != null && Objects.equals(leader.getMetadata().getUid(), set.getMetadata().getLabels().get(Labels.LEADER_UID));
      List<Pod> workers = ours ? workersOf(pods, set) : List.of();
      GroupRecovery.State before = previous(d, gs);
      String lost = GroupRecovery.leaderReplaced(before, leader);
      String failure = lost != null ? lost
          : GroupRecovery.failure(m, leader, workers, ours ? set : null, Boolean.TRUE.equals(gs.ready), now);
      decisions.put(gs.index, GroupRecovery.decide(m, before, failure, lost != null, Boolean.TRUE.equals(gs.ready), now));
    }
    return decisions;
  }

  /** Whether a decision changes the counters in the status (which must be written before the group is touched). */
  static boolean counts(GroupRecovery.Decision decision) {
    return decision.action() == GroupRecovery.Action.RECREATE || decision.action() == GroupRecovery.Action.FAIL
        || decision.action() == GroupRecovery.Action.RECREATED;
  }

  /** Whether the group is being recreated by the operator in this reconcile (its pods are going). */
  static boolean recreating(Map<Integer, GroupRecovery.Decision> decisions, int group) {
    GroupRecovery.Decision decision = decisions.get(group);
    return decision != null && decision.action() == GroupRecovery.Action.RECREATE;
  }

  /**
   * The status as it was, with the counters of the groups about to be recreated or failed: written before acting, so
   * that an operator that dies in between never recreates a group without having counted it.
   */
  static DeepSeekDeploymentStatus counted(DeepSeekDeploymentStatus before, List<GroupStatus> groups,
      Map<Integer, GroupRecovery.Decision> decisions) {
    DeepSeekDeploymentStatus s = before == null ? new DeepSeekDeploymentStatus()
        : io.fabric8.kubernetes.client.utils.Serialization.clone(before);
    for (GroupStatus now : groups) {
      GroupRecovery.Decision decision = decisions.get(now.index);
      if (decision == null || !counts(decision)) {
        continue;
      }
      GroupStatus g = s.groups.stream().filter(x -> Objects.equals(x.index, now.index)).findFirst().orElse(null);
      if (g == null) {
        g = io.fabric8.kubernetes.client.utils.Serialization.clone(now);
        s.groups.add(g);
      }
      g.revision = now.revision;
      g.leaderUID = now.leaderUID;
      StatusBuilder.recordCounters(g, decision);
    }
    s.groups.sort(java.util.Comparator.comparing(g -> g.index));
    return s;
  }

  /** Carries out the decisions: recreates groups (worker StatefulSet and leader pod deleted) and records Events. */
  void act(KubernetesClient client, DeepSeekDeployment d, DeploymentModel m, Map<Integer, GroupRecovery.Decision> decisions,
      List<Pod> pods, Map<String, StatefulSet> sets) {
    decisions.forEach((index, decision) -> {
      switch (decision.action()) {
        case RECREATE -> {
          events.record(client, d, EventRecorder.WARNING, "RecreatingGroup", "Group " + index + " (recreation "
              + decision.state().restarts() + " of " + m.maxRestarts() + "): " + decision.failure());
          LOG.infof("%s/%s: recreating group %d: %s", d.getMetadata().getNamespace(), d.getMetadata().getName(), index,
              decision.failure());
          StatefulSet set = sets.remove(Names.workerStatefulSet(d, index));
          if (set != null) {
            applier.delete(client, set);
          }
          Pod leader = pod(pods, Names.leaderPod(d, index));
          if (leader != null) {
            applier.delete(client, leader);
          }
        }
        case RECREATED -> events.record(client, d, EventRecorder.WARNING, "RecreatingGroup", "Group " + index + " (recreation "
            + decision.state().restarts() + " of " + m.maxRestarts() + "): " + decision.failure() + "; its workers follow it");
        case FAIL -> events.record(client, d, EventRecorder.WARNING, "GroupFailed", "Group " + index + " failed "
            + decision.state().restarts() + " times within " + m.failureWindow().toMinutes() + "m and is left alone: "
            + decision.failure());
        default -> { }
      }
    });
  }

  /** Once a group's workers all exist, their UIDs are its members: any other worker pod later is a replacement. */
  void recordMembers(KubernetesClient client, DeploymentModel m, List<Pod> pods, Map<String, StatefulSet> sets) {
    for (StatefulSet set : sets.values()) {
      Map<String, String> labels = set.getMetadata().getLabels();
      if (!Labels.POSITION_WORKER.equals(labels.get(Labels.COMPONENT)) || set.getMetadata().getDeletionTimestamp() != null
          || (set.getMetadata().getAnnotations() != null && set.getMetadata().getAnnotations().containsKey(Annotations.MEMBERS))) {
        continue;
      }
      List<Pod> workers = workersOf(pods, set);
      if (workers.size() == m.nodes() - 1 && workers.stream().allMatch(p -> p.getMetadata().getDeletionTimestamp() == null)) {
        applier.annotate(client, set, Annotations.MEMBERS, GroupRecovery.members(workers));
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
        .map(g -> new GroupRecovery.State(g.restarts == null ? 0 : g.restarts, g.lastRestartTime, Boolean.TRUE.equals(g.failed),
            g.lastFailure, g.leaderUID))
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
