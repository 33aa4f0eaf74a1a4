package io.deepseek.operator.recovery;

import io.deepseek.operator.desired.DeploymentModel;
import io.deepseek.operator.desired.Labels;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One distributed process group cannot lose a rank and go on: its other ranks hang in collectives. So when any pod of a
 * group restarts a container, fails, is replaced, or misses the start-up budget, the whole group is recreated (its
 * leader pod deleted, its workers with it), with exponential back-off, and after failure.maxRestarts recreations it is
 * marked failed and left alone. Pure: the clock comes in as {@code now}; the counters live in the status.
 */
public final class GroupRecovery {
  static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

  /** Recreations of a group, persisted in status.groups[]. */
  public record State(int restarts, String lastRestartTime, boolean failed, String lastFailure) {
    public static final State NONE = new State(0, null, false, null);
  }

  public enum Action {
    NONE, RECREATE, WAIT, FAIL
  }

  /** What to do about a group, its state afterwards, and until when to wait. */
  public record Decision(Action action, State state, String failure, Instant waitUntil) {}

  private GroupRecovery() {}

  /** Why the group is broken, or null. Workers count only when their StatefulSet was made for this leader. */
  public static String failure(DeploymentModel m, Pod leader, List<Pod> workers, StatefulSet workerSet, boolean groupReady,
      Instant now) {
    List<Pod> pods = new ArrayList<>();
    pods.add(leader);
    pods.addAll(workers);
    for (Pod p : pods) {
      String restarted = restarted(p);
      if (restarted != null) {
        return restarted;
      }
      if (p.getStatus() != null && "Failed".equals(p.getStatus().getPhase())) {
        return "pod " + p.getMetadata().getName() + on(p) + " failed" + (p.getStatus().getReason() != null ? " (" + p.getStatus().getReason() + ")" : "");
      }
    }
    String members = workerSet == null || workerSet.getMetadata().getAnnotations() == null ? null
        : workerSet.getMetadata().getAnnotations().get(Labels.MEMBERS);
    if (members != null) {
      Set<String> expected = new TreeSet<>(Arrays.asList(members.split(",")));
      for (Pod w : workers) {
        if (!expected.contains(w.getMetadata().getUid())) {
          return "worker pod " + w.getMetadata().getName() + " was replaced (deleted, evicted or its node lost)";
        }
      }
      Set<String> present = workers.stream().map(w -> w.getMetadata().getUid()).collect(Collectors.toSet());
      if (!present.containsAll(expected)) {
        return "a worker pod is gone (deleted, evicted or its node lost)";
      }
    }
    Duration budget = m.startupTimeout();
    if (!groupReady && budget != null && leader.getMetadata().getCreationTimestamp() != null
        && Instant.parse(leader.getMetadata().getCreationTimestamp()).plus(budget).isBefore(now)) {
      return "the group was not ready within startup.timeout (" + m.engine().image + " loading " + m.modelName() + " for over "
          + budget.toMinutes() + "m)";
    }
    return null;
  }

  public static Decision decide(DeploymentModel m, State before, String failure, boolean groupReady, Instant now) {
    State s = before == null ? State.NONE : before;
    if (s.lastRestartTime() != null && Instant.parse(s.lastRestartTime()).plus(m.failureWindow()).isBefore(now) && !s.failed()) {
      // A whole window without a recreation: the count starts over.
      s = new State(0, s.lastRestartTime(), false, s.lastFailure());
    }
    if (failure == null) {
      if (s.failed() && groupReady) {
        return new Decision(Action.NONE, new State(s.restarts(), s.lastRestartTime(), false, s.lastFailure()), null, null);
      }
      return new Decision(Action.NONE, s, null, null);
    }
    if (!m.recreateGroupOnFailure() || s.failed()) {
      return new Decision(Action.NONE, s, failure, null);
    }
    if (s.restarts() >= m.maxRestarts()) {
      return new Decision(Action.FAIL, new State(s.restarts(), s.lastRestartTime(), true, failure), failure, null);
    }
    if (s.restarts() > 0 && s.lastRestartTime() != null) {
      Instant until = Instant.parse(s.lastRestartTime()).plus(backoff(m, s.restarts()));
      if (until.isAfter(now)) {
        return new Decision(Action.WAIT, s, failure, until);
      }
    }
    return new Decision(Action.RECREATE, new State(s.restarts() + 1, now.toString(), false, failure), failure, null);
  }

  /** Before recreation n+1 (n done already): backoff x 2^(n-1), at most 10 minutes. The first one is immediate. */
  static Duration backoff(DeploymentModel m, int done) {
    Duration d = m.failureBackoff();
    for (int i = 1; i < done && d.compareTo(MAX_BACKOFF) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  private static String restarted(Pod p) {
    if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus c : p.getStatus().getContainerStatuses()) {
      if (c.getRestartCount() != null && c.getRestartCount() > 0) {
        ContainerStateTerminated t = c.getLastState() == null ? null : c.getLastState().getTerminated();
        return "container " + c.getName() + " of pod " + p.getMetadata().getName() + on(p) + " restarted"
            + (t == null ? "" : " (" + Objects.requireNonNullElse(t.getReason(), "exit") + ", exit code " + t.getExitCode() + ")");
      }
    }
    return null;
  }

  private static String on(Pod p) {
    return p.getSpec() == null || p.getSpec().getNodeName() == null ? "" : " on node " + p.getSpec().getNodeName();
  }
}
