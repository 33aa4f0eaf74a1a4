package io.deepseek.operator.plan;

import io.deepseek.operator.api.v1alpha1.AutoscalingSpec.Metric;
import io.deepseek.operator.model.AutoscalingPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How many groups one set of groups should have, from what its serving groups measure. Pure: metrics, groups and the
 * clock in, a count and the state of the stabilization windows out; one decision per set of groups (prefill and decode
 * roles will each have theirs).
 *
 * <ul>
 *   <li>Each target asks for groups: the group-summed metric (waiting or running requests over all ranks) over the target
 *   per group, or the serving groups times the observed mean over the target (KV-cache usage, time to first token). Within
 *   10% of the current count it asks for the current count. The largest ask wins, clamped to [min, max].</li>
 *   <li>Only serving groups are measured: ready, not failed, not surge. With none serving there is nothing to measure and
 *   the count holds.</li>
 *   <li>Up: groups that are starting are capacity on the way; while any starts, the ask must exceed the groups that exist
 *   by more than those starting (the backlog that builds while a group loads is no reason for another). The ask must hold
 *   for the whole scale-up window; then the count rises to the lowest ask seen in it, by at most maxGroupsPerStep.</li>
 *   <li>Down: the ask must stay below the count for the whole scale-down window (default 10m: a group takes minutes to
 *   come back); then the count falls to the highest ask seen in it, by at most maxGroupsPerStep. Never during a rollout.
 *   The leader StatefulSet removes the highest index, which drains first (spec.shutdown).</li>
 * </ul>
 */
public final class GroupAutoscaler {
  static final double TOLERANCE = 0.1;

  private GroupAutoscaler() {}


  /** One serving group's load: requests summed over all its ranks, KV-cache usage the mean of its ranks. */
  public record GroupLoad(int index, double waiting, double running, double kvUsage, int ranks) {}

  /**
   * @param current groups that exist (the leader StatefulSet's replicas, surge excluded)
   * @param starting groups that exist but do not serve yet (and have not failed)
   * @param rolling a rollout is under way (no scale-down then)
   * @param loads the serving groups' loads
   * @param timeToFirstToken the observed percentile of each TimeToFirstToken target, by percentile; null when unknown
   */
  public record Input(int current, int starting, boolean rolling, List<GroupLoad> loads,
      java.util.Map<Integer, Double> timeToFirstToken) {}

  /** The windows' memory, kept in the status so that an operator restart does not reset them. */
  public record State(Instant aboveSince, Integer lowestAbove, Instant belowSince, Integer highestBelow, Instant lastScale) {
    public static final State NONE = new State(null, null, null, null, null);
  }

  public record Decision(int desired, int recommended, State state, String reason, boolean changed) {}

  public static Decision decide(AutoscalingPolicy p, int desiredBefore, Input in, State before, Instant now) {
    Decision d = decideWithin(p, desiredBefore, in, before, now);
    int bounded = clamp(desiredBefore, p);
    if (bounded != desiredBefore && d.desired() == bounded) {
      // The count moved only because minReplicas or maxReplicas says so.
      String bound = bounded > desiredBefore ? "minReplicas is " + p.min() : "maxReplicas is " + p.max();
      return new Decision(d.desired(), d.recommended(), d.state(), bound + ": " + desiredBefore + " -> " + bounded
          + " group(s); " + d.reason(), true);
    }
    return d;
  }

  private static Decision decideWithin(AutoscalingPolicy p, int desiredBefore, Input in, State before, Instant now) {
    State s = before == null ? State.NONE : before;
    int desired = clamp(desiredBefore, p);
    if (in.loads().isEmpty()) {
      String why = "no group serves yet: nothing to measure; " + desired + " group(s) held";
      return new Decision(desired, desired, new State(null, null, null, null, s.lastScale()), why, desired != desiredBefore);
    }
    List<String> asks = new ArrayList<>();
    int recommended = p.min();
    for (AutoscalingPolicy.Target t : p.targets()) {
      Ask ask = ask(t, in, desired);
      if (ask != null) {
        asks.add(ask.why());
        recommended = Math.max(recommended, ask.groups());
      }
    }
    if (asks.isEmpty()) {
      return new Decision(desired, desired, new State(null, null, null, null, s.lastScale()),
          "no target could be measured yet; " + desired + " group(s) held", desired != desiredBefore);
    }
    recommended = clamp(recommended, p);
    String measured = String.join("; ", asks);
    if (recommended > desired) {
      if (in.starting() > 0 && recommended <= desired + in.starting()) {
        return new Decision(desired, recommended, new State(null, null, null, null, s.lastScale()), measured + "; "
            + in.starting() + " group(s) still starting: capacity on the way, " + desired + " held", desired != desiredBefore);
      }
      Instant since = s.aboveSince() == null ? now : s.aboveSince();
      int lowest = s.lowestAbove() == null ? recommended : Math.min(s.lowestAbove(), recommended);
      if (Duration.between(since, now).compareTo(p.upWindow()) < 0) {
        return new Decision(desired, recommended, new State(since, lowest, null, null, s.lastScale()), measured
            + "; waiting " + p.upWindow().getSeconds() + "s (scaleUp.stabilizationWindow) before adding groups", desired != desiredBefore);
      }
      int to = Math.min(lowest, desired + p.upStep());
      return new Decision(to, recommended, new State(null, null, null, null, now), measured + "; scaled up from " + desired
          + " to " + to + " group(s)", true);
    }
    if (recommended < desired) {
      if (in.rolling()) {
        return new Decision(desired, recommended, new State(null, null, null, null, s.lastScale()), measured
            + "; a rollout is under way: no group is removed during it", desired != desiredBefore);
      }
      Instant since = s.belowSince() == null ? now : s.belowSince();
      int highest = s.highestBelow() == null ? recommended : Math.max(s.highestBelow(), recommended);
      if (Duration.between(since, now).compareTo(p.downWindow()) < 0) {
        return new Decision(desired, recommended, new State(null, null, since, highest, s.lastScale()), measured
            + "; waiting " + p.downWindow().getSeconds() + "s (scaleDown.stabilizationWindow) before removing groups",
            desired != desiredBefore);
      }
      int to = Math.max(highest, desired - p.downStep());
      return new Decision(to, recommended, new State(null, null, null, null, now), measured + "; scaled down from " + desired
          + " to " + to + " group(s)", true);
    }
    return new Decision(desired, recommended, new State(null, null, null, null, s.lastScale()), measured + "; "
        + desired + " group(s) are right", desired != desiredBefore);
  }

  record Ask(int groups, String why) {}

  /** The groups one target asks for, or null when its metric is not measured. */
  static Ask ask(AutoscalingPolicy.Target t, Input in, int current) {
    int serving = in.loads().size();
    double raw;
    String observed;
    switch (t.metric()) {
      case WaitingRequests -> {
        double total = in.loads().stream().mapToDouble(GroupLoad::waiting).sum();
        raw = total / t.value();
        observed = fmt(total) + " waiting";
      }
      case RunningRequests -> {
        double total = in.loads().stream().mapToDouble(GroupLoad::running).sum();
        raw = total / t.value();
        observed = fmt(total) + " running";
      }
      case KVCacheUsage -> {
        double mean = in.loads().stream().mapToDouble(GroupLoad::kvUsage).average().orElse(0);
        raw = serving * mean / t.value();
        observed = "KV-cache usage " + fmt(mean);
      }
      case TimeToFirstToken -> {
        Double p = in.timeToFirstToken() == null ? null : in.timeToFirstToken().get(t.percentile());
        if (p == null) {
          return null;
        }
        raw = serving * p / t.value();
        observed = "p" + t.percentile() + " time to first token " + fmt(p) + "s";
      }
      default -> throw new IllegalArgumentException(t.metric().toString());
    }
    int groups = Math.abs(raw - current) <= TOLERANCE * current ? current : (int) Math.ceil(raw - 1e-9);
    return new Ask(groups, t.metric() + ": " + observed + " over " + serving + " serving group(s) asks for " + groups
        + " (target " + fmt(t.value()) + (t.metric() == Metric.KVCacheUsage || t.metric() == Metric.TimeToFirstToken ? "" : " per group") + ")");
  }

  static int clamp(int n, AutoscalingPolicy p) {
    return Math.max(p.min(), Math.min(p.max(), n));
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
