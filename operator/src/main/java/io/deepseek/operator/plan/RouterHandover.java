package io.deepseek.operator.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Hands clients over from an old revision's router to the update revision's before the old revision stops forming a
 * prefill/decode pair. Each revision has its own router (it pairs only within its revision) and the client Service
 * sends requests to every router of the deployment; a router whose revision has lost all its groups of one role answers
 * 503 to every request it gets until its readiness probe fails (found by DisaggregationIT: 305 of 812 requests in one
 * rolling upgrade). So a step that would take away an old revision's last group of a role is held while that revision's
 * router exists: once the update revision's router is ready and the client Service's endpoints hold it (the EndpointSlice
 * controller publishes a ready pod later than its Deployment counts it, seconds later on a busy control plane), the old
 * router is retired (deleted, waiting for its pods to drain), and the step goes on when it is gone. Where the update
 * revision cannot form a pair without that step (a role of one group and no surge), the step is not held: such a rollout
 * cannot keep serving, whatever the order. Pure.
 */
public final class RouterHandover {
  /** A group with a leader: its role, index and revision. */
  public record Member(String role, int index, String revision) {}

  /**
   * A revision's router Deployment as observed.
   *
   * @param ready a pod of it is ready
   * @param inService the client Service's endpoints hold a ready pod of it (what clients are sent to)
   */
  public record Router(boolean ready, boolean terminating, boolean inService) {
    /** A router whose readiness the client Service already shows. */
    public Router(boolean ready, boolean terminating) {
      this(ready, terminating, ready);
    }
  }

  /**
   * @param steps the roles' steps, some held
   * @param retire old revisions whose router to delete now (waiting for its pods)
   * @param recheck a step waits for the client Service's endpoints, which nothing watched reports: plan again soon
   */
  public record Decision(Map<String, GroupRollout.Step> steps, Set<String> retire, boolean recheck) {}

  private RouterHandover() {}

  /**
   * @param revision the update revision
   * @param steps each role's step (after {@link Lockstep})
   * @param held each role's partition that releases no group beyond those already released at the update revision
   * @param members every group with a leader, of every role
   * @param routers the routers that exist, by revision
   */
  public static Decision decide(String revision, Map<String, GroupRollout.Step> steps, Map<String, Integer> held,
      List<Member> members, Map<String, Router> routers) {
    Map<String, GroupRollout.Step> out = new LinkedHashMap<>(steps);
    Set<String> retire = new TreeSet<>();
    Router next = routers.get(revision);
    boolean nextReady = next != null && next.ready() && !next.terminating();
    boolean nextServes = nextReady && next.inService();
    boolean recheck = false;
    boolean nextHasEveryRole = steps.keySet().stream()
        .allMatch(role -> members.stream().anyMatch(g -> g.role().equals(role) && revision.equals(g.revision())));
    for (Map.Entry<String, Router> r : routers.entrySet()) {
      String old = r.getKey();
      if (old.equals(revision)) {
        continue;
      }
      List<String> breaking = new ArrayList<>();
      for (Map.Entry<String, GroupRollout.Step> e : steps.entrySet()) {
        if (losesLastGroup(e.getKey(), e.getValue(), old, members)) {
          breaking.add(e.getKey());
        }
      }
      if (breaking.isEmpty()) {
        continue;
      }
      String why;
      if (r.getValue().terminating()) {
        why = "held until the router of revision " + old + " has drained";
      } else if (nextServes) {
        retire.add(old);
        why = "held until the router of revision " + old + " has drained (its last prefill/decode pair goes next)";
      } else if (nextReady) {
        recheck = true;
        why = "held until the client Service sends to the router of revision " + revision + " (its ready pod is not yet"
            + " among the Service's endpoints), before revision " + old + " loses its last prefill/decode pair";
      } else if (nextHasEveryRole) {
        why = "held until the router of revision " + revision + " is ready, before revision " + old
            + " loses its last prefill/decode pair";
      } else {
        continue;
      }
      for (String role : breaking) {
        GroupRollout.Step s = out.get(role);
        int keep = members.stream().filter(g -> g.role().equals(role) && old.equals(g.revision()))
            .mapToInt(g -> g.index() + 1).max().orElse(0);
        out.put(role, new GroupRollout.Step(Math.max(s.replicas(), keep), Math.max(s.partition(), held.get(role)), true,
            s.updated(), s.step() + "; " + why));
      }
    }
    return new Decision(out, retire, recheck);
  }

  /**
   * Whether the step takes away every group of the role at the old revision: the StatefulSet controller replaces ordinals
   * at or above the partition that are not at the template's revision, and removes ordinals at or above its replicas.
   */
  static boolean losesLastGroup(String role, GroupRollout.Step step, String old, List<Member> members) {
    int at = 0;
    int kept = 0;
    for (Member g : members) {
      if (g.role().equals(role) && old.equals(g.revision())) {
        at++;
        kept += g.index() < Math.min(step.partition(), step.replicas()) ? 1 : 0;
      }
    }
    return at > 0 && kept == 0;
  }
}
