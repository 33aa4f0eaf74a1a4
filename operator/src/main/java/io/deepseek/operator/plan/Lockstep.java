package io.deepseek.operator.plan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rolls the roles of a disaggregated deployment together (LeaderWorkerSet's DisaggregatedSet is the anchor: one revision
 * for all roles, moved in proportion). Each role's step is planned on its own, within its own maxUnavailable and
 * maxSurge; then a role that is ahead, by the share of its groups that run the new revision and are ready, releases no
 * further group until the others catch up. So prefill and decode never drift far apart in revision: while one role is
 * mostly new, the other is too, and the pairs the router can form at each revision stay in proportion. Pure.
 */
public final class Lockstep {
  /**
   * How far one role got.
   *
   * @param done groups below the role's replicas at the new revision, ready and not being recreated
   * @param replicas the role's groups wanted
   * @param held the partition that releases no group beyond those already released at the new revision
   */
  public record Progress(int done, int replicas, int held) {
    double share() {
      return replicas <= 0 ? 1.0 : (double) done / replicas;
    }
  }

  private Lockstep() {}

  /** The steps, with those of roles that are ahead held at what they have already released. */
  public static Map<String, GroupRollout.Step> hold(Map<String, GroupRollout.Step> steps, Map<String, Progress> progress) {
    double behind = Double.MAX_VALUE;
    String slowest = null;
    for (Map.Entry<String, GroupRollout.Step> e : steps.entrySet()) {
      if (e.getValue().inProgress() && progress.get(e.getKey()).share() < behind) {
        behind = progress.get(e.getKey()).share();
        slowest = e.getKey();
      }
    }
    Map<String, GroupRollout.Step> out = new LinkedHashMap<>();
    for (Map.Entry<String, GroupRollout.Step> e : steps.entrySet()) {
      GroupRollout.Step step = e.getValue();
      Progress p = progress.get(e.getKey());
      if (slowest == null || !step.inProgress() || p.share() <= behind + 1e-9 || step.partition() >= p.held()) {
        out.put(e.getKey(), step);
        continue;
      }
      out.put(e.getKey(), new GroupRollout.Step(step.replicas(), p.held(), true, step.updated(),
          step.step() + "; held in lockstep until " + slowest + " catches up (" + p.done() + "/" + p.replicas() + " here, "
              + progress.get(slowest).done() + "/" + progress.get(slowest).replicas() + " there)"));
    }
    return out;
  }
}
