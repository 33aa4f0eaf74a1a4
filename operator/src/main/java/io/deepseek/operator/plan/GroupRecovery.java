package io.deepseek.operator.plan;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.GroupStatus;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Annotations;
import io.deepseek.operator.observe.Pods;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One distributed process group cannot lose a rank and go on: its other ranks hang in collectives. So when any pod of a
 * group restarts a container, fails, is replaced, or misses the start-up budget, the whole group is recreated (its
 * leader pod deleted, its workers with it), with exponential back-off, and after failure.maxRestarts recreations it is
 * marked failed and left alone. Pure: the clock comes in as {@code now}; the counters live in the status.
 */
public final class GroupRecovery {
  static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

  /**
   * Recreations of a group, persisted in status.groups[]; the leader pod UID the group was formed around (null right
   * after the operator recreated it); and the UID of the leader pod the operator deleted in its last recreation (while
   * the operator's view still shows that pod, the recreation is under way: nothing new to decide or count).
   */
  public record State(int restarts, String lastRestartTime, boolean failed, String lastFailure, String leaderUid,
      String retiredLeaderUid) {
    public static final State NONE = new State(0, null, false, null, null, null);

    public State(int restarts, String lastRestartTime, boolean failed, String lastFailure, String leaderUid) {
      this(restarts, lastRestartTime, failed, lastFailure, leaderUid, null);
    }

    State with(int restarts, String lastRestartTime, boolean failed, String lastFailure) {
      return new State(restarts, lastRestartTime, failed, lastFailure, leaderUid, retiredLeaderUid);
    }
  }

  /**
   * NONE; RECREATE the group; WAIT for the back-off; FAIL: mark it failed; RECREATED: Kubernetes replaced its leader
   * already (the group comes back whole by itself), so only count it; RECREATING: the operator deleted this leader pod
   * in a recreation already, and its view has not caught up (a lagging cache, or a delete that did not go through):
   * delete it again, by UID, and count nothing.
   */
  public enum Action {
    NONE, RECREATE, WAIT, FAIL, RECREATED, RECREATING
  }

  /** What to do about a group, its state afterwards, and until when to wait. */
  public record Decision(Action action, State state, String failure, Instant waitUntil) {}

  private GroupRecovery() {}

  /** A group's entry in a recorded status, by role (null without roles) and index; null if it has none. */
  public static GroupStatus recorded(DeepSeekDeploymentStatus status, String role, Integer index) {
    return status == null ? null : status.groups.stream().filter(g -> Objects.equals(g.role, role) && Objects.equals(g.index, index))
        .findFirst().orElse(null);
  }

  /** Whether the decision recreates the group in this reconcile (its pods are going). */
  public static boolean recreates(Decision decision) {
    return decision != null && (decision.action() == Action.RECREATE || decision.action() == Action.RECREATING);
  }

  /** Whether a decision changes the counters in the status (which must be written before the group is touched). */
  public static boolean counts(Decision decision) {
    return decision.action() == Action.RECREATE || decision.action() == Action.FAIL || decision.action() == Action.RECREATED;
  }

  /**
   * The counters recorded for a group in the status. A group at another revision is another group: a spec change gives a
   * failed group a fresh start.
   */
  public static State recorded(DeepSeekDeploymentStatus status, int index, String revision) {
    return recorded(status, null, index, revision);
  }

  /** The counters of a group of a role (null: a deployment without roles). */
  public static State recorded(DeepSeekDeploymentStatus status, io.deepseek.operator.api.v1alpha1.ServingRole role, int index,
      String revision) {
    if (status == null) {
      return State.NONE;
    }
    String roleId = role == null ? null : role.id();
    return status.groups.stream()
        .filter(g -> Objects.equals(g.role, roleId) && Objects.equals(g.index, index) && Objects.equals(g.revision, revision))
        .findFirst()
        .map(g -> new State(g.restarts == null ? 0 : g.restarts, g.lastRestartTime, Boolean.TRUE.equals(g.failed),
            g.lastFailure, g.leaderUID, g.retiredLeaderUID))
        .orElse(State.NONE);
  }

  /**
   * A decision's counters into a group's status entry (the operator's memory of the group's failures); {@code gs} has
   * the observed leader's UID.
   */
  public static void record(GroupStatus gs, Decision d) {
    State st = d.state();
    gs.restarts = st.restarts();
    gs.lastRestartTime = st.lastRestartTime();
    gs.failed = st.failed() ? Boolean.TRUE : null;
    gs.lastFailure = st.lastFailure();
    gs.retiredLeaderUID = st.retiredLeaderUid();
    if (d.action() == Action.RECREATE) {
      // The leader being deleted: while the operator still sees it, the recreation is under way.
      gs.retiredLeaderUID = gs.leaderUID;
    }
    if (d.action() == Action.RECREATE || d.action() == Action.RECREATING) {
      // The next leader is the operator's own doing: it must not count as a lost leader.
      gs.leaderUID = null;
    }
  }

  /**
   * Whether the observed leader pod is the one the operator deleted in its last recreation of the group: the deletion is
   * not seen yet, so the group's failure is the one counted already.
   */
  public static boolean retired(State before, Pod leader) {
    String uid = leader.getMetadata().getUid();
    return before != null && uid != null && uid.equals(before.retiredLeaderUid());
  }

  /** The decision while a recreation is under way: the same failure, nothing counted, the old leader deleted again. */
  public static Decision recreating(State before) {
    return new Decision(Action.RECREATING, before, before.lastFailure(), null);
  }

  /**
   * Why the group is broken, or null. Workers count only when their StatefulSet was made for this leader; {@code members}
   * are the workers the group was formed with ({@link #members(List)}), null while not known. When several
   * ranks failed (one rank's death takes the others down within moments), the first one is the cause: a worker that is
   * gone or was replaced, else the container that terminated first; the next one is named as having followed it.
   */
  public static String failure(DeploymentModel m, Pod leader, List<Pod> workers, String members, boolean groupReady,
      Instant now) {
    List<Pod> pods = new ArrayList<>();
    pods.add(leader);
    pods.addAll(workers);
    List<Fault> faults = new ArrayList<>();
    for (Pod p : pods) {
      Fault restarted = restarted(p);
      if (restarted != null) {
        faults.add(restarted);
      } else if (p.getStatus() != null && "Failed".equals(p.getStatus().getPhase())) {
        faults.add(new Fault(null, false, "pod " + p.getMetadata().getName() + on(p) + " failed"
            + (p.getStatus().getReason() != null ? " (" + p.getStatus().getReason() + ")" : "")));
      }
    }
    String lostMember = null;
    if (members != null) {
      Map<String, String> expected = parseMembers(members);
      // A member being deleted is gone already: its rank stops within its grace period, and the others follow it.
      Set<String> present = workers.stream().filter(w -> !Pods.terminating(w)).map(w -> w.getMetadata().getUid())
          .collect(Collectors.toSet());
      for (Map.Entry<String, String> member : expected.entrySet()) {
        if (lostMember == null && !present.contains(member.getKey())) {
          lostMember = "worker pod " + member.getValue() + " is gone (deleted, evicted or its node lost)";
        }
      }
      for (Pod w : workers) {
        if (lostMember == null && !expected.containsKey(w.getMetadata().getUid())) {
          lostMember = "worker pod " + w.getMetadata().getName() + " was replaced (deleted, evicted or its node lost)";
        }
      }
    }
    // A lost member has no termination time left to compare: it comes first, and what failed with it followed. Times
    // have a second's precision: within one second, a rank killed by a signal (OOM, SIGKILL: exit code >= 128) comes
    // before one that exited by itself (a rank that loses a peer exits with an error of its own).
    List<Fault> ordered = new ArrayList<>(faults);
    ordered.sort(java.util.Comparator.comparing(Fault::at, java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder()))
        .thenComparing(f -> !f.killed()));
    if (lostMember != null) {
      ordered.add(0, new Fault(null, false, lostMember));
    }
    if (!ordered.isEmpty()) {
      return ordered.get(0).what() + (ordered.size() > 1 ? "; then " + ordered.get(1).what() : "");
    }
    Duration budget = m.startupTimeout();
    Instant started = groupReady || budget == null || workers.size() < m.nodes() - 1 ? null : allScheduledAt(pods);
    if (started != null && started.plus(budget).isBefore(now)) {
      return "the group was not ready within startup.timeout (" + m.engine().image + " loading " + m.modelName() + " for over "
          + budget.toMinutes() + "m since its pods were scheduled)";
    }
    return null;
  }

  /** A rank's failure, when it happened (a container's termination) if known, and whether a signal killed it. */
  record Fault(Instant at, boolean killed, String what) {}

  /**
   * The group's members: each worker it was formed with, as {@code uid/pod/node}, comma separated (status.groups[].members;
   * operators before 0.2 kept it in the worker StatefulSet's annotation {@link Annotations#MEMBERS}).
   */
  public static String members(List<Pod> workers) {
    return workers.stream().sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
        .map(p -> p.getMetadata().getUid() + "/" + p.getMetadata().getName() + "/"
            + (p.getSpec() == null || p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName()))
        .collect(Collectors.joining(","));
  }

  /** uid -> "pod on node gpu-3", in the annotation's order. */
  static Map<String, String> parseMembers(String members) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String entry : members.split(",")) {
      String[] parts = entry.split("/", -1);
      if (parts[0].isBlank()) {
        continue;
      }
      String pod = parts.length > 1 ? parts[1] : "with UID " + parts[0];
      String node = parts.length > 2 && !parts[2].isBlank() ? " on node " + parts[2] : "";
      out.put(parts[0], pod + node);
    }
    return out;
  }

  /**
   * When the last pod of the group was scheduled, or null while any is not: the start-up budget is for loading the model,
   * and a group waiting for accelerators (reported as Unschedulable) is not restarted for it.
   */
  static Instant allScheduledAt(List<Pod> pods) {
    Instant last = null;
    for (Pod p : pods) {
      Instant at = p.getStatus() == null || p.getStatus().getConditions() == null ? null : p.getStatus().getConditions().stream()
          .filter(c -> "PodScheduled".equals(c.getType()) && "True".equals(c.getStatus()) && c.getLastTransitionTime() != null)
          .map(c -> Instant.parse(c.getLastTransitionTime())).findFirst().orElse(null);
      if (at == null) {
        return null;
      }
      last = last == null || at.isAfter(last) ? at : last;
    }
    return last;
  }

  /** Why the group's leader changed without the operator recreating the group, or null. */
  public static String leaderReplaced(State before, Pod leader) {
    String uid = leader.getMetadata().getUid();
    if (before == null || before.leaderUid() == null || uid == null || before.leaderUid().equals(uid)) {
      return null;
    }
    return "leader pod " + leader.getMetadata().getName() + " was replaced (deleted, evicted or its node lost)";
  }

  public static Decision decide(DeploymentModel m, State before, String failure, boolean groupReady, Instant now) {
    return decide(m, before, failure, false, groupReady, now);
  }

  /**
   * @param alreadyRecreated the failure is a lost leader: the group is coming back whole by itself; it is counted (and may
   *     mark the group failed) but nothing is deleted and there is nothing to wait for
   */
  public static Decision decide(DeploymentModel m, State before, String failure, boolean alreadyRecreated, boolean groupReady,
      Instant now) {
    State s = before == null ? State.NONE : before;
    if (s.lastRestartTime() != null && Instant.parse(s.lastRestartTime()).plus(m.failureWindow()).isBefore(now) && !s.failed()) {
      // A whole window without a recreation: the count starts over.
      s = s.with(0, s.lastRestartTime(), false, s.lastFailure());
    }
    if (failure == null) {
      if (s.failed() && groupReady) {
        return new Decision(Action.NONE, s.with(s.restarts(), s.lastRestartTime(), false, s.lastFailure()), null, null);
      }
      return new Decision(Action.NONE, s, null, null);
    }
    if (!m.recreateGroupOnFailure() || s.failed()) {
      return new Decision(Action.NONE, s, failure, null);
    }
    if (s.restarts() >= m.maxRestarts()) {
      return new Decision(Action.FAIL, s.with(s.restarts(), s.lastRestartTime(), true, failure), failure, null);
    }
    if (alreadyRecreated) {
      return new Decision(Action.RECREATED, s.with(s.restarts() + 1, now.toString(), false, failure), failure, null);
    }
    if (s.restarts() > 0 && s.lastRestartTime() != null) {
      Instant until = Instant.parse(s.lastRestartTime()).plus(backoff(m, s.restarts()));
      if (until.isAfter(now)) {
        return new Decision(Action.WAIT, s, failure, until);
      }
    }
    return new Decision(Action.RECREATE, s.with(s.restarts() + 1, now.toString(), false, failure), failure, null);
  }

  /** Before recreation n+1 (n done already): backoff x 2^(n-1), at most 10 minutes. The first one is immediate. */
  static Duration backoff(DeploymentModel m, int done) {
    Duration d = m.failureBackoff();
    for (int i = 1; i < done && d.compareTo(MAX_BACKOFF) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  private static Fault restarted(Pod p) {
    if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus c : p.getStatus().getContainerStatuses()) {
      if (c.getRestartCount() != null && c.getRestartCount() > 0) {
        ContainerStateTerminated t = c.getLastState() == null ? null : c.getLastState().getTerminated();
        Instant at = t == null || t.getFinishedAt() == null ? null : parseTime(t.getFinishedAt());
        boolean killed = t != null && t.getExitCode() != null && t.getExitCode() >= 128;
        return new Fault(at, killed, "container " + c.getName() + " of pod " + p.getMetadata().getName() + on(p) + " restarted"
            + (t == null ? "" : " (" + Objects.requireNonNullElse(t.getReason(), "exit") + ", exit code " + t.getExitCode() + ")"));
      }
    }
    return null;
  }

  private static Instant parseTime(String text) {
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static String on(Pod p) {
    return p.getSpec() == null || p.getSpec().getNodeName() == null ? "" : " on node " + p.getSpec().getNodeName();
  }
}
