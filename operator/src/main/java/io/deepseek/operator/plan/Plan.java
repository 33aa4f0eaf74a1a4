package io.deepseek.operator.plan;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.model.Reasons;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one reconcile will do, decided before anything is done. The reconciler carries it out in a fixed order
 * (docs/design.md): {@link #countersFirst} (when set) before anything else, then {@link #deletes}, {@link #applies}
 * and {@link #events}; then the status is rendered from the observation and this plan.
 *
 * @param revision the update revision: what every group runs once rolled
 * @param problems why the spec cannot run (empty when it can); with problems nothing is written but the status
 * @param countersFirst the recorded status with the recreation counters of groups about to be recreated or failed, to be
 *     written before any group is touched (an operator that dies in between must never recreate a group uncounted);
 *     null when nothing is counted
 * @param groupSets per set of groups: its rollout step and recovery decisions (one, or one per role with spec.roles)
 * @param conflicts objects the plan would create whose names belong to someone else: left untouched, reported
 * @param blocked a new deployment with conflicts: nothing at all is created until they are resolved
 * @param refusal why {@code problems} refuse the spec: {@link Reasons#INVALID_SPEC} or {@link Reasons#POLICY_VIOLATION}
 * @param replicas the groups wanted: spec.replicas, or the autoscaler's decision with spec.autoscaling
 * @param autoscaling what the autoscaler measured and decided, for status.autoscaling; null without spec.autoscaling
 * @param autoscaleAt when a stabilization window that is running ends (the autoscaler decides again then, whether or
 *     not the metrics change), a role's ready group has settled with its router, placement looks again, or a router
 *     hand-over looks at the client Service's endpoints again, or a pod that outlived its StatefulSet is due for
 *     deletion; null when none
 * @param placement with roles: whether both roles' first groups are placed together (Placement), for status.placement;
 *     null without roles
 */
public record Plan(String revision, List<String> problems, DeepSeekDeploymentStatus countersFirst, List<Delete> deletes,
    List<Apply> applies, List<Event> events, List<GroupSetPlan> groupSets,
    List<String> conflicts, boolean blocked, String refusal, int replicas,
    DeepSeekDeploymentStatus.AutoscalingStatus autoscaling, Instant autoscaleAt,
    DeepSeekDeploymentStatus.PlacementStatus placement) {

  /** Server-side apply {@code desired} (already stamped with its hash); {@code actual} is the cached object it replaces. */
  public record Apply(HasMetadata desired, HasMetadata actual) {}

  /**
   * Delete an object; {@code why} is logged.
   *
   * @param foreground the object stays, terminating, until what it owns is gone (its pods have drained)
   */
  public record Delete(HasMetadata object, String why, boolean foreground) {}

  /** A Kubernetes Event on the deployment. */
  public record Event(boolean warning, String reason, String message) {}

  /**
   * The decisions for one set of groups.
   *
   * @param rollout the leader StatefulSet's replicas and partition, and the rollout's step; null when the spec is invalid
   * @param recovery per group index: what failure handling decided
   * @param replicas the set's groups wanted (its autoscaler's count when it has one)
   * @param autoscaling what the set's autoscaler measured and decided; null without one
   */
  public record GroupSetPlan(String name, GroupRollout.Step rollout, Map<Integer, GroupRecovery.Decision> recovery, int replicas,
      DeepSeekDeploymentStatus.AutoscalingStatus autoscaling) {
    /** Whether the group is being recreated by the operator in this reconcile (its pods are going). */
    public boolean recreating(int group) {
      return GroupRecovery.recreates(recovery.get(group));
    }

    /** The earliest moment a recovery waits for (a back-off), or null. */
    public Instant wakeAt() {
      return recovery.values().stream().map(GroupRecovery.Decision::waitUntil).filter(Objects::nonNull).min(Instant::compareTo)
          .orElse(null);
    }
  }

  public static Plan invalid(String revision, List<String> problems, int replicas) {
    return refused(revision, Reasons.INVALID_SPEC, problems, replicas);
  }

  /** A spec that will not run, for a reason: nothing is written but the status. */
  public static Plan refused(String revision, String reason, List<String> problems, int replicas) {
    return new Plan(revision, List.copyOf(problems), null, List.of(), List.of(), List.of(), List.of(), List.of(),
        false, reason, replicas, null, null, null);
  }

  /** The earliest moment this deployment must be reconciled again: a recovery's back-off, or any of autoscaleAt's. */
  public Instant wakeAt() {
    Instant recovery = groupSets.stream().map(GroupSetPlan::wakeAt).filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
    if (recovery == null || (autoscaleAt != null && autoscaleAt.isBefore(recovery))) {
      return autoscaleAt;
    }
    return recovery;
  }

  /** Whether placement keeps the first groups from existing now (Waiting for room, or Released until its retry). */
  public boolean placementHolds() {
    return placement != null && Placement.Decision.holdsAll(placement.phase);
  }

  public boolean valid() {
    return problems.isEmpty();
  }

  /**
   * The plan of the deployment's one set of groups (a deployment without roles; with roles the first role's); null when
   * the spec is invalid.
   */
  public GroupSetPlan serving() {
    return groupSets.isEmpty() ? null : groupSets.get(0);
  }

  /** The same decisions with nothing written: a new deployment whose children's names are taken creates nothing. */
  Plan blockedBy(List<String> taken) {
    return new Plan(revision, problems, null, List.of(), List.of(), List.of(), groupSets, List.copyOf(taken), true,
        refusal, replicas, autoscaling, autoscaleAt, placement);
  }

  /** Whether the plan writes nothing at all (a no-op reconcile). */
  public boolean writesNothing() {
    return countersFirst == null && deletes.isEmpty() && applies.isEmpty();
  }
}
