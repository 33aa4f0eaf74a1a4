package io.deepseek.operator.observe;

import io.deepseek.operator.model.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One group as observed in this reconcile: its leader pod, its worker StatefulSet and worker pods, and what follows from
 * them. Facts only; what to do about them is the plan's.
 *
 * @param index the leader's ordinal
 * @param leaderPod the pod named for this group's leader, terminating or not; null when there is none
 * @param workerSet the StatefulSet named for this group's workers, whoever it was made for; null when there is none
 * @param workersOfLeader whether {@code workerSet} was made for this leader pod (its leader-uid label)
 * @param workers worker pods labelled with this group, by rank
 * @param members worker pods the worker set owns (empty unless it was made for this leader)
 * @param ready the leader is ready and so are all nodes-1 workers made for it, at its revision
 * @param unschedulable which pod the scheduler cannot place, and why; null when none
 * @param downloadFailure which pod failed to download the model, and how; null when none
 */
public record GroupView(int index, Pod leaderPod, StatefulSet workerSet, boolean workersOfLeader, List<Pod> workers,
    List<Pod> members, boolean ready, String unschedulable, String downloadFailure) {

  /** The leader pod unless it is terminating: a terminating pod leads no group. */
  public Pod leader() {
    return leaderPod == null || Pods.terminating(leaderPod) ? null : leaderPod;
  }

  public boolean hasLeader() {
    return leader() != null;
  }

  /** The revision the group runs: its leader's. */
  public String revision() {
    return leader() == null ? null : Pods.label(leader(), Labels.REVISION);
  }

  public String leaderUid() {
    return leader() == null ? null : leader().getMetadata().getUid();
  }

  public String leaderName() {
    return leader() == null ? null : leader().getMetadata().getName();
  }

  /** Nodes of the leader and the workers, by rank ("" while a pod is not scheduled). */
  public List<String> nodes() {
    List<String> nodes = new ArrayList<>();
    if (leader() != null) {
      nodes.add(Objects.requireNonNullElse(Pods.node(leader()), ""));
      workers.forEach(w -> nodes.add(Objects.requireNonNullElse(Pods.node(w), "")));
    }
    return nodes;
  }

  /** Workers that are ready at the leader's revision. */
  public long readyWorkers() {
    return workers.stream().filter(Pods::ready)
        .filter(w -> Objects.equals(revision(), Pods.label(w, Labels.REVISION))).count();
  }
}
