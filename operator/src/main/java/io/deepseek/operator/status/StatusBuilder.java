package io.deepseek.operator.status;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.GroupStatus;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.desired.ModelDownload;
import io.deepseek.operator.recovery.GroupRecovery;
import io.deepseek.operator.rollout.GroupRollout;
import io.deepseek.operator.model.Names;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/** Observed children -> status. Pure: the clock comes in as {@code now}. */
public final class StatusBuilder {
  private StatusBuilder() {}

  /** What the reconciler saw of a deployment's children. */
  public record Observed(List<Pod> pods, List<StatefulSet> statefulSets) {}

  public static DeepSeekDeploymentStatus build(DeploymentModel m, String revision, Observed o, List<String> problems,
      DeepSeekDeploymentStatus previous, String now) {
    return build(m, revision, o, problems, previous, now, null, Map.of());
  }

  /** The groups as observed: index, leader, revision, readiness, nodes, what each waits for. */
  public static List<GroupStatus> groups(DeploymentModel m, String revision, Observed o) {
    return build(m, revision, o, List.of(), null, "1970-01-01T00:00:00Z").groups;
  }

  /**
   * @param plan the rollout step, or null
   * @param recovery per group index: the failure handling decided this reconcile (counters persist in the status)
   */
  public static DeepSeekDeploymentStatus build(DeploymentModel m, String revision, Observed o, List<String> problems,
      DeepSeekDeploymentStatus previous, String now, GroupRollout.Plan plan, Map<Integer, GroupRecovery.Decision> recovery) {
    long generation = Optional.ofNullable(m.resource().getMetadata().getGeneration()).orElse(0L);
    List<Condition> before = previous == null ? List.of() : previous.conditions;
    DeepSeekDeploymentStatus s = new DeepSeekDeploymentStatus();
    s.observedGeneration = generation;
    s.selector = Labels.selectorString(Labels.leaderSelector(m.resource()));
    s.endpoint = Names.endpoint(m.resource(), m.servicePort());
    s.accelerator = m.acceleratorSummary();
    s.updateRevision = revision;

    TreeSet<Integer> indexes = new TreeSet<>();
    for (int g = 0; g < m.replicas(); g++) {
      indexes.add(g);
    }
    o.pods().stream().filter(p -> isLeader(p)).map(StatusBuilder::podIndex).filter(Objects::nonNull).forEach(indexes::add);
    List<String> unschedulable = new ArrayList<>();
    List<String> downloadFailures = new ArrayList<>();
    List<String> failedGroups = new ArrayList<>();
    List<String> restarting = new ArrayList<>();
    int existing = 0;
    int ready = 0;
    int updated = 0;
    for (int g : indexes) {
      GroupStatus gs = group(m, revision, g, o, unschedulable, downloadFailures);
      if (gs.leader == null) {
        GroupStatus carried = g < m.replicas() ? carried(m, previous, g) : null;
        if (carried != null) {
          s.groups.add(carried);
        }
        continue;
      }
      GroupRecovery.Decision decision = recovery.get(g);
      if (decision != null) {
        applyRecovery(m, gs, decision, failedGroups, restarting);
      }
      existing++;
      s.groups.add(gs);
      if (Boolean.TRUE.equals(gs.ready)) {
        ready++;
      }
      if (revision.equals(gs.revision)) {
        updated++;
      }
    }
    s.replicas = existing;
    s.readyReplicas = ready;
    s.updatedReplicas = updated;
    s.ready = ready + "/" + m.replicas();
    String previousCurrent = previous == null ? null : previous.currentRevision;
    s.currentRevision = updated == existing || previousCurrent == null ? revision : previousCurrent;

    int desired = m.replicas();
    if (!problems.isEmpty()) {
      String msg = "The spec is invalid, nothing was changed: " + String.join("; ", problems);
      s.conditions.add(Conditions.make(Conditions.READY, false, "InvalidSpec", msg, generation, before, now));
      s.conditions.add(Conditions.make(Conditions.PROGRESSING, false, "InvalidSpec", "Fix the spec to continue.", generation, before, now));
      s.conditions.add(Conditions.make(Conditions.DEGRADED, true, "InvalidSpec", msg, generation, before, now));
      return s;
    }
    String notReady = s.groups.stream().filter(gs -> !Boolean.TRUE.equals(gs.ready) && gs.message != null)
        .map(gs -> "group " + gs.index + ": " + gs.message).reduce((a, b) -> a + "; " + b).orElse("");
    if (desired == 0 && existing == 0) {
      s.conditions.add(Conditions.make(Conditions.READY, true, "ScaledToZero", "No groups requested (spec.replicas is 0).", generation, before, now));
    } else if (ready >= desired) {
      s.conditions.add(Conditions.make(Conditions.READY, true, "Ready", "All " + desired + " groups are ready.", generation, before, now));
    } else {
      String reason = !failedGroups.isEmpty() ? "GroupFailed" : !unschedulable.isEmpty() ? "Unschedulable"
          : !downloadFailures.isEmpty() ? "ModelDownloadFailed" : !restarting.isEmpty() ? "GroupRestarting" : "GroupsNotReady";
      s.conditions.add(Conditions.make(Conditions.READY, false, reason,
          ready + " of " + desired + " groups ready" + (notReady.isEmpty() ? "." : "; " + notReady), generation, before, now));
    }
    if (plan != null && plan.inProgress()) {
      s.conditions.add(Conditions.make(Conditions.PROGRESSING, true, "RollingUpdate", "Rolling out: " + plan.step() + ".",
          generation, before, now));
    } else if (existing != desired) {
      s.conditions.add(Conditions.make(Conditions.PROGRESSING, true, existing < desired ? "ScalingUp" : "ScalingDown",
          "Scaling from " + existing + " to " + desired + " groups.", generation, before, now));
    } else if (updated < existing && plan != null && m.partition() > 0) {
      // Everything the partition lets go has been rolled: a canary, held until the user lowers the partition.
      int hold = Math.min(m.partition(), desired);
      s.conditions.add(Conditions.make(Conditions.PROGRESSING, false, "PartitionHeld", updated + " of " + existing
          + " groups run revision " + revision + "; partition " + hold + " holds groups 0-" + (hold - 1)
          + " at their revision. Lower spec.rollout.partition to roll them.", generation, before, now));
    } else if (updated < existing) {
      s.conditions.add(Conditions.make(Conditions.PROGRESSING, true, "RollingUpdate",
          updated + " of " + existing + " groups run revision " + revision + ".", generation, before, now));
    } else if (ready < desired) {
      s.conditions.add(Conditions.make(Conditions.PROGRESSING, true, "GroupsStarting",
          ready + " of " + desired + " groups ready; the others are starting.", generation, before, now));
    } else {
      s.conditions.add(Conditions.make(Conditions.PROGRESSING, false, "Complete",
          "All groups run revision " + revision + ".", generation, before, now));
    }
    if (!failedGroups.isEmpty()) {
      s.conditions.add(Conditions.make(Conditions.DEGRADED, true, "GroupFailed", String.join("; ", failedGroups)
          + ". The group is left alone: fix the cause and change the spec (a new revision recreates it), or delete its leader"
          + " pod to try again.", generation, before, now));
    } else if (!unschedulable.isEmpty()) {
      s.conditions.add(Conditions.make(Conditions.DEGRADED, true, "Unschedulable", String.join("; ", unschedulable), generation, before, now));
    } else if (!downloadFailures.isEmpty()) {
      s.conditions.add(Conditions.make(Conditions.DEGRADED, true, "ModelDownloadFailed",
          String.join("; ", downloadFailures) + " (kubectl logs <pod> -c " + ModelDownload.CONTAINER + " shows why; the download is retried)",
          generation, before, now));
    } else if (!restarting.isEmpty()) {
      s.conditions.add(Conditions.make(Conditions.DEGRADED, true, "GroupRestarting", String.join("; ", restarting), generation, before, now));
    } else {
      s.conditions.add(Conditions.make(Conditions.DEGRADED, false, "AsExpected", "No problem found.", generation, before, now));
    }
    return s;
  }

  private static GroupStatus group(DeploymentModel m, String revision, int g, Observed o, List<String> unschedulable,
      List<String> downloadFailures) {
    GroupStatus gs = new GroupStatus();
    gs.index = g;
    String leaderName = Names.leaderPod(m.resource(), g);
    Pod leader = o.pods().stream().filter(p -> isLeader(p) && leaderName.equals(p.getMetadata().getName())).findFirst().orElse(null);
    if (leader == null) {
      return gs;
    }
    gs.leader = leaderName;
    gs.revision = label(leader, Labels.REVISION);
    List<Pod> workers = o.pods().stream()
        .filter(p -> Labels.POSITION_WORKER.equals(label(p, Labels.POSITION)) && Integer.toString(g).equals(label(p, Labels.GROUP_INDEX)))
        .sorted(Comparator.comparing(p -> Optional.ofNullable(podIndex(p)).orElse(Integer.MAX_VALUE)))
        .toList();
    gs.nodes.add(Optional.ofNullable(leader.getSpec().getNodeName()).orElse(""));
    workers.forEach(w -> gs.nodes.add(Optional.ofNullable(w.getSpec().getNodeName()).orElse("")));

    String leaderUid = leader.getMetadata().getUid();
    gs.leaderUID = leaderUid;
    StatefulSet workerSet = o.statefulSets().stream()
        .filter(ss -> Names.workerStatefulSet(m.resource(), g).equals(ss.getMetadata().getName())).findFirst().orElse(null);
    boolean workersOfThisLeader = workerSet != null && leaderUid != null
        && leaderUid.equals(workerSet.getMetadata().getLabels().get(Labels.LEADER_UID));
    long readyWorkers = workers.stream().filter(StatusBuilder::podReady).filter(w -> Objects.equals(gs.revision, label(w, Labels.REVISION))).count();
    boolean leaderReady = podReady(leader);
    int wanted = m.nodes() - 1;
    gs.ready = leaderReady && (wanted == 0 || (workersOfThisLeader && readyWorkers == wanted && workers.size() == wanted));
    String pending = unschedulableMessage(leader);
    if (pending == null) {
      pending = workers.stream().map(StatusBuilder::unschedulableMessage).filter(Objects::nonNull).findFirst().orElse(null);
      if (pending != null) {
        Pod w = workers.stream().filter(p -> unschedulableMessage(p) != null).findFirst().orElseThrow();
        pending = "worker pod " + w.getMetadata().getName() + " cannot be scheduled: " + pending;
      }
    } else {
      pending = "leader pod " + leaderName + " cannot be scheduled: " + pending;
    }
    String download = java.util.stream.Stream.concat(java.util.stream.Stream.of(leader), workers.stream())
        .map(StatusBuilder::downloadFailure).filter(Objects::nonNull).findFirst().orElse(null);
    if (pending != null) {
      unschedulable.add("group " + g + ": " + pending);
      gs.message = pending;
    } else if (download != null) {
      downloadFailures.add("group " + g + ": " + download);
      gs.message = download;
    } else if (Boolean.TRUE.equals(gs.ready)) {
      gs.message = null;
    } else if (leader.getStatus() == null || leader.getStatus().getPodIP() == null) {
      gs.message = "waiting for leader pod " + leaderName + " to start";
    } else if (wanted > 0 && !workersOfThisLeader) {
      gs.message = "creating the workers of leader pod " + leaderName;
    } else if (wanted > 0 && readyWorkers < wanted) {
      gs.message = readyWorkers + " of " + wanted + " workers ready";
    } else {
      gs.message = "leader pod " + leaderName + " is loading the model (not ready yet)";
    }
    return gs;
  }

  /**
   * A group whose leader pod is being replaced keeps its entry (counters and the lost leader's UID), so that the new
   * leader is recognised as a lost leader and the recreation counted, however long the old pod takes to terminate.
   */
  private static GroupStatus carried(DeploymentModel m, DeepSeekDeploymentStatus previous, int g) {
    GroupStatus was = previous == null ? null
        : previous.groups.stream().filter(x -> Objects.equals(x.index, g)).findFirst().orElse(null);
    if (was == null || (was.leaderUID == null && !Boolean.TRUE.equals(was.failed) && (was.restarts == null || was.restarts == 0))) {
      return null;
    }
    GroupStatus c = io.fabric8.kubernetes.client.utils.Serialization.clone(was);
    c.ready = false;
    c.leader = null;
    c.nodes = new ArrayList<>();
    c.message = "waiting for a new leader pod " + Names.leaderPod(m.resource(), g);
    return c;
  }

  /** A recovery decision's counters into a group's status entry (the operator's memory of the group's failures). */
  public static void recordCounters(GroupStatus gs, GroupRecovery.Decision d) {
    GroupRecovery.State st = d.state();
    gs.restarts = st.restarts();
    gs.lastRestartTime = st.lastRestartTime();
    gs.failed = st.failed() ? Boolean.TRUE : null;
    gs.lastFailure = st.lastFailure();
    if (d.action() == GroupRecovery.Action.RECREATE) {
      // The next leader is the operator's own doing: it must not count as a lost leader.
      gs.leaderUID = null;
    }
  }

  private static void applyRecovery(DeploymentModel m, GroupStatus gs, GroupRecovery.Decision d, List<String> failedGroups,
      List<String> restarting) {
    GroupRecovery.State st = d.state();
    recordCounters(gs, d);
    if (st.failed()) {
      gs.ready = gs.ready && d.failure() == null;
      gs.message = "failed after " + st.restarts() + " recreations: " + st.lastFailure();
      failedGroups.add("group " + gs.index + " failed after " + st.restarts() + " recreations within " + m.failureWindow().toMinutes() + "m"
          + "; last: " + st.lastFailure());
    } else if (d.failure() != null) {
      gs.ready = false;
      switch (d.action()) {
        case RECREATE, RECREATED -> gs.message = "recreating the group (" + st.restarts() + " of " + m.maxRestarts() + "): " + d.failure();
        case WAIT -> gs.message = "recreating the group at " + d.waitUntil() + " (back-off): " + d.failure();
        default -> gs.message = d.failure() + " (failure.policy None: left to the kubelet)";
      }
      restarting.add("group " + gs.index + ": " + gs.message);
    }
  }

  static boolean isLeader(Pod p) {
    return Labels.POSITION_LEADER.equals(label(p, Labels.POSITION)) && p.getMetadata().getDeletionTimestamp() == null;
  }

  static Integer podIndex(Pod p) {
    String v = label(p, Labels.POD_INDEX);
    if (v == null) {
      String name = p.getMetadata().getName();
      v = name.substring(name.lastIndexOf('-') + 1);
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String label(Pod p, String key) {
    Map<String, String> labels = p.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  public static boolean podReady(Pod p) {
    if (p.getStatus() == null || p.getStatus().getConditions() == null || p.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    return p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The model-download init container failed (it is retried with back-off, so look at its last termination). */
  static String downloadFailure(Pod p) {
    if (p.getStatus() == null || p.getStatus().getInitContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus c : p.getStatus().getInitContainerStatuses()) {
      if (!ModelDownload.CONTAINER.equals(c.getName())) {
        continue;
      }
      io.fabric8.kubernetes.api.model.ContainerStateTerminated t = c.getState() != null && c.getState().getTerminated() != null
          ? c.getState().getTerminated() : c.getLastState() != null ? c.getLastState().getTerminated() : null;
      if (t != null && t.getExitCode() != null && t.getExitCode() != 0) {
        return "model download failed on pod " + p.getMetadata().getName() + " (exit code " + t.getExitCode()
            + (t.getReason() != null ? ", " + t.getReason() : "") + (t.getMessage() != null ? ": " + t.getMessage().strip() : "") + ")";
      }
    }
    return null;
  }

  private static String unschedulableMessage(Pod p) {
    if (p.getStatus() == null || p.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition c : p.getStatus().getConditions()) {
      if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason())) {
        return c.getMessage();
      }
    }
    return null;
  }
}
