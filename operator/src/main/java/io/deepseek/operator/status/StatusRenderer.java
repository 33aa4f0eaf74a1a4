package io.deepseek.operator.status;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.AutoscalingStatus;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.GroupStatus;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Json;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Names;
import io.deepseek.operator.model.Reasons;
import io.deepseek.operator.observe.GroupSetView;
import io.deepseek.operator.observe.GroupView;
import io.deepseek.operator.observe.Observation;
import io.deepseek.operator.observe.Pods;
import io.deepseek.operator.plan.GroupRecovery;
import io.deepseek.operator.plan.GroupRollout;
import io.deepseek.operator.plan.Plan;
import io.deepseek.operator.status.StatusAggregator.Trouble;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/** Observation + plan -> status. Pure: the clock comes in as {@code now}. */
public final class StatusRenderer {
  private StatusRenderer() {}

  /** What the operator reads the model and the engine as; null when it reads nothing (an unknown model, no version). */
  static DeepSeekDeploymentStatus.ModelStatus model(DeploymentModel m) {
    DeepSeekDeploymentStatus.ModelStatus ms = new DeepSeekDeploymentStatus.ModelStatus();
    ms.known = m.identified().entry().map(e -> e.name()).orElse(null);
    DeploymentModel.Precision p = m.precision();
    if (p != null) {
      ms.precision = p.value().name();
      ms.precisionFrom = p.from();
    }
    if (m.engineVersion() != null) {
      ms.engineVersion = m.engineVersion().toString();
      ms.engineVersionFrom = m.engineVersionFrom();
    }
    return ms.known == null && ms.precision == null && ms.engineVersion == null ? null : ms;
  }

  /**
   * @param previous the status as recorded before this reconcile wrote anything but the counters (its conditions keep their
   *     lastTransitionTime; a group whose leader pod is being replaced keeps its entry)
   */
  public static DeepSeekDeploymentStatus render(DeploymentModel model, Observation o, Plan plan, DeepSeekDeploymentStatus previous,
      String now) {
    // With spec.autoscaling the groups wanted are the autoscaler's, not spec.replicas.
    DeploymentModel m = model.autoscaling() == null && !model.disaggregated() ? model
        : model.withAutoscaledReplicas(plan.replicas());
    long generation = Optional.ofNullable(m.resource().getMetadata().getGeneration()).orElse(0L);
    List<Condition> before = previous == null ? List.of() : previous.conditions;
    DeepSeekDeploymentStatus s = new DeepSeekDeploymentStatus();
    s.observedGeneration = generation;
    s.selector = Labels.selectorString(Labels.leaderSelector(m));
    s.endpoint = Names.endpoint(m, m.servicePort());
    s.accelerator = distinct(m, DeploymentModel::acceleratorSummary);
    s.engine = m.engineType().name();
    s.nodesPerGroup = m.sets().stream().map(DeploymentModel::nodes).distinct().count() == 1 ? m.sets().get(0).nodes() : null;
    s.model = model(m);
    String revision = plan.revision();
    s.updateRevision = revision;
    s.autoscaling = autoscaling(plan.autoscaling(), previous == null ? null : previous.autoscaling, now);

    StatusAggregator troubles = new StatusAggregator();
    int existing = 0;
    int ready = 0;
    int updated = 0;
    GroupRollout.Step rollout = null;
    for (DeploymentModel unsized : m.sets()) {
      String name = unsized.role() == null ? GroupSetView.SERVING : unsized.role().id();
      Plan.GroupSetPlan setPlan = plan.groupSets().stream().filter(p -> name.equals(p.name())).findFirst().orElse(null);
      // Each set with the groups its plan wants (its autoscaler's count when it has one).
      DeploymentModel set = setPlan == null || unsized.role() == null ? unsized : unsized.withAutoscaledReplicas(setPlan.replicas());
      Counts counts = groups(set, o.set(name), setPlan, previous, revision, troubles, s.groups);
      existing += counts.existing();
      // With roles each role counts up to its own replicas: surge groups of one role never make up for the other.
      ready += set.role() == null ? counts.ready() : Math.min(counts.ready(), set.replicas());
      updated += counts.updated();
      GroupRollout.Step step = setPlan == null ? null : setPlan.rollout();
      if (rollout == null || (step != null && step.inProgress() && !rollout.inProgress())) {
        rollout = step;
      }
      if (set.role() != null) {
        DeepSeekDeploymentStatus.RoleStatus rs = new DeepSeekDeploymentStatus.RoleStatus();
        rs.role = set.role().id();
        rs.desiredReplicas = set.replicas();
        rs.replicas = counts.existing();
        rs.readyReplicas = counts.ready();
        rs.updatedReplicas = counts.updated();
        rs.autoscaling = autoscaling(setPlan == null ? null : setPlan.autoscaling(),
            io.deepseek.operator.plan.Planner.roleAutoscaling(previous, set), now);
        if (s.roles == null) {
          s.roles = new ArrayList<>();
        }
        s.roles.add(rs);
      }
    }
    plan.conflicts().forEach(c -> troubles.add(Trouble.NAME_CONFLICT, c));
    String gap = io.deepseek.operator.model.RouterGaps.withoutKvTransfer(m);
    if (gap != null) {
      troubles.add(Trouble.NO_KV_TRANSFER, "Prefill/decode without KV transfer: " + gap);
    }
    s.groups.stream().filter(gs -> !Boolean.TRUE.equals(gs.ready) && gs.message != null)
        .forEach(gs -> troubles.notReady(groupName(gs), gs.message));
    s.replicas = existing;
    s.readyReplicas = ready;
    s.updatedReplicas = updated;
    s.ready = ready + "/" + m.replicas();
    String previousCurrent = previous == null ? null : previous.currentRevision;
    s.currentRevision = updated == existing || previousCurrent == null ? revision : previousCurrent;

    // A plan that writes nothing keeps what placement had decided.
    s.placement = plan.valid() ? plan.placement() : previous == null ? null : previous.placement;
    Conditions.Builder c = new Conditions.Builder(generation, before, now);
    int desired = m.replicas();
    if (plan.valid() && plan.placementHolds() && existing == 0) {
      String reason = io.deepseek.operator.plan.Placement.Phase.Waiting.name().equals(s.placement.phase)
          ? Reasons.INSUFFICIENT_CAPACITY : Reasons.UNSCHEDULABLE;
      s.conditions.add(c.make(Conditions.READY, false, reason, s.placement.message));
      s.conditions.add(c.make(Conditions.PROGRESSING, false, reason, "Waiting for room on the nodes for both roles' first"
          + " groups (status.placement)."));
      s.conditions.add(c.make(Conditions.DEGRADED, true, reason, s.placement.message));
      return s;
    }
    if (!plan.valid()) {
      boolean policy = Reasons.POLICY_VIOLATION.equals(plan.refusal());
      String msg = (policy ? "Refused by the platform policy, nothing was changed: " : "The spec is invalid, nothing was changed: ")
          + String.join("; ", plan.problems());
      s.conditions.add(c.make(Conditions.READY, false, plan.refusal(), msg));
      s.conditions.add(c.make(Conditions.PROGRESSING, false, plan.refusal(),
          policy ? "Change the spec to what the policy allows, or ask the platform team." : "Fix the spec to continue."));
      s.conditions.add(c.make(Conditions.DEGRADED, true, plan.refusal(), msg));
      return s;
    }
    if (desired == 0 && existing == 0) {
      s.conditions.add(c.make(Conditions.READY, true, Reasons.SCALED_TO_ZERO, "No groups requested (spec.replicas is 0)."));
    } else if (ready >= desired && routerWaits(m, o, revision) != null) {
      s.conditions.add(c.make(Conditions.READY, false, Reasons.ROUTER_NOT_READY, "All " + desired + " groups are ready; "
          + routerWaits(m, o, revision)));
    } else if (ready >= desired) {
      s.conditions.add(c.make(Conditions.READY, true, Reasons.READY, "All " + desired + " groups are ready."));
    } else {
      s.conditions.add(c.make(Conditions.READY, false, troubles.notReadyReason(),
          ready + " of " + desired + " groups ready" + troubles.notReadyDetail()));
    }
    s.conditions.add(plan.blocked()
        ? c.make(Conditions.PROGRESSING, false, Reasons.NAME_CONFLICT, "Nothing is created until the names are free.")
        : progressing(m, c, rollout, revision, existing, ready, updated));
    StatusAggregator.Verdict degraded = troubles.degraded();
    s.conditions.add(c.make(Conditions.DEGRADED, degraded.degraded(), degraded.reason(), degraded.message()));
    return s;
  }

  /** How long the metric figures in status.autoscaling may stay while the autoscaler's decision does not change. */
  static final java.time.Duration METRICS_STATUS_PERIOD = java.time.Duration.ofSeconds(15);

  /**
   * status.autoscaling: what the plan measured and decided; while the decision stays the same, the figures written less
   * than 15 s ago stay (each reading would otherwise be a status write).
   */
  static AutoscalingStatus autoscaling(AutoscalingStatus planned, AutoscalingStatus recorded, String now) {
    if (planned == null || recorded == null || recorded.metricsTime == null
        || !java.util.Objects.equals(recorded.desiredReplicas, planned.desiredReplicas)
        || !java.util.Objects.equals(recorded.recommendedReplicas, planned.recommendedReplicas)) {
      return planned;
    }
    try {
      if (java.time.Instant.parse(recorded.metricsTime).plus(METRICS_STATUS_PERIOD).isBefore(java.time.Instant.parse(now))) {
        return planned;
      }
    } catch (java.time.format.DateTimeParseException e) {
      return planned;
    }
    AutoscalingStatus kept = io.deepseek.operator.model.Json.copy(planned);
    kept.reason = recorded.reason;
    kept.metricsTime = recorded.metricsTime;
    kept.groups = recorded.groups;
    return kept;
  }

  /** Rolling, scaling, holding a canary, starting, or complete: the first that holds. */
  private static Condition progressing(DeploymentModel m, Conditions.Builder c, GroupRollout.Step rollout, String revision,
      int existing, int ready, int updated) {
    int desired = m.replicas();
    if (rollout != null && rollout.inProgress()) {
      return c.make(Conditions.PROGRESSING, true, Reasons.ROLLING_UPDATE, "Rolling out: " + rollout.step() + ".");
    }
    if (existing != desired) {
      return c.make(Conditions.PROGRESSING, true, existing < desired ? Reasons.SCALING_UP : Reasons.SCALING_DOWN,
          "Scaling from " + existing + " to " + desired + " groups.");
    }
    if (updated < existing && rollout != null && m.partition() > 0) {
      // Everything the partition lets go has been rolled: a canary, held until the user lowers the partition.
      int hold = Math.min(m.partition(), desired);
      return c.make(Conditions.PROGRESSING, false, Reasons.PARTITION_HELD, updated + " of " + existing + " groups run revision "
          + revision + "; partition " + hold + " holds " + (hold == 1 ? "group 0" : "groups 0-" + (hold - 1)) + " at their revision. Lower"
          + " spec.rollout.partition to roll them.");
    }
    if (updated < existing) {
      return c.make(Conditions.PROGRESSING, true, Reasons.ROLLING_UPDATE,
          updated + " of " + existing + " groups run revision " + revision + ".");
    }
    if (ready < desired) {
      return c.make(Conditions.PROGRESSING, true, Reasons.GROUPS_STARTING,
          ready + " of " + desired + " groups ready; the others are starting.");
    }
    return c.make(Conditions.PROGRESSING, false, Reasons.COMPLETE, "All groups run revision " + revision + ".");
  }

  record Counts(int existing, int ready, int updated) {}

  /** With roles: why the router of the update revision does not serve yet, or null when one of its pods is ready. */
  static String routerWaits(DeploymentModel m, Observation o, String revision) {
    if (!m.disaggregated()) {
      return null;
    }
    String name = Names.routerDeployment(m, revision);
    io.fabric8.kubernetes.api.model.HasMetadata router = o.routing().get("Deployment/" + name);
    if (router instanceof io.fabric8.kubernetes.api.model.apps.Deployment d && d.getStatus() != null
        && d.getStatus().getReadyReplicas() != null && d.getStatus().getReadyReplicas() > 0) {
      return null;
    }
    return "waiting for router " + name + " (ready once it has found a prefill and a decode group of revision " + revision + ").";
  }

  /** A figure of the deployment; with roles that differ in it, each role's ("prefill 8x H200-141GB, decode ..."). */
  static String distinct(DeploymentModel m, java.util.function.Function<DeploymentModel, String> figure) {
    List<String> values = m.sets().stream().map(figure).distinct().toList();
    if (values.size() == 1) {
      return values.get(0);
    }
    return String.join(", ", m.sets().stream().map(r -> r.role().id() + " " + figure.apply(r)).toList());
  }

  /** "group 3", or with roles "prefill group 3". */
  static String groupName(GroupStatus gs) {
    return (gs.role == null ? "" : gs.role + " ") + "group " + gs.index;
  }

  /**
   * One set's groups into {@code out}: those that exist, and those below its replicas that the status remembers (their
   * leader is being replaced).
   */
  private static Counts groups(DeploymentModel m, GroupSetView set, Plan.GroupSetPlan setPlan,
      DeepSeekDeploymentStatus previous, String revision, StatusAggregator troubles, List<GroupStatus> out) {
    Map<Integer, GroupRecovery.Decision> recovery = setPlan == null ? Map.of() : setPlan.recovery();
    String role = m.role() == null ? null : m.role().id();
    int existing = 0;
    int ready = 0;
    int updated = 0;
    TreeSet<Integer> indexes = new TreeSet<>(set.groups().keySet());
    if (previous != null) {
      previous.groups.stream().filter(g -> Objects.equals(g.role, role)).map(g -> g.index)
          .filter(i -> i != null && i < m.replicas()).forEach(indexes::add);
    }
    for (int index : indexes) {
      GroupView view = set.group(index);
      if (!view.hasLeader()) {
        GroupStatus carried = view.index() < m.replicas() ? carried(m, previous, view.index()) : null;
        if (carried != null) {
          out.add(carried);
        }
        continue;
      }
      GroupStatus gs = group(m, view, troubles);
      membersOf(m, view, previous, gs);
      GroupRecovery.Decision decision = recovery.get(view.index());
      if (decision != null) {
        recovery(m, gs, decision, troubles);
      }
      existing++;
      out.add(gs);
      ready += Boolean.TRUE.equals(gs.ready) ? 1 : 0;
      updated += revision.equals(gs.revision) ? 1 : 0;
    }
    return new Counts(existing, ready, updated);
  }

  /** A group as observed: index, leader, revision, readiness, nodes, and what it waits for. */
  private static GroupStatus group(DeploymentModel m, GroupView view, StatusAggregator troubles) {
    GroupStatus gs = new GroupStatus();
    gs.role = m.role() == null ? null : m.role().id();
    gs.index = view.index();
    gs.leader = view.leaderName();
    gs.revision = view.revision();
    gs.leaderUID = view.leaderUid();
    gs.nodes.addAll(view.nodes());
    gs.ready = view.ready();
    int wanted = m.nodes() - 1;
    if (view.unschedulable() != null) {
      troubles.add(Trouble.UNSCHEDULABLE, groupName(gs) + ": " + view.unschedulable());
      gs.message = view.unschedulable();
    } else if (view.downloadFailure() != null) {
      troubles.add(Trouble.MODEL_DOWNLOAD_FAILED, groupName(gs) + ": " + view.downloadFailure());
      gs.message = view.downloadFailure();
    } else if (view.ready()) {
      gs.message = null;
    } else if (Pods.ip(view.leader()) == null) {
      gs.message = "waiting for leader pod " + gs.leader + " to start";
    } else if (wanted > 0 && !view.workersOfLeader()) {
      gs.message = "creating the workers of leader pod " + gs.leader;
    } else if (wanted > 0 && view.readyWorkers() < wanted) {
      gs.message = view.readyWorkers() + " of " + wanted + " workers ready";
    } else {
      gs.message = "leader pod " + gs.leader + " is loading the model (not ready yet)";
    }
    return gs;
  }

  /**
   * The worker pods the group was formed with: as recorded, while the group keeps its worker StatefulSet; else once all
   * of them exist (and none is going). Recorded in the status, which the same reconcile writes anyway, rather than as
   * a second write of the worker StatefulSet.
   */
  private static void membersOf(DeploymentModel m, GroupView view, DeepSeekDeploymentStatus previous, GroupStatus gs) {
    if (!view.workersOfLeader() || view.workerSet() == null || m.nodes() < 2) {
      return;
    }
    String uid = view.workerSet().getMetadata().getUid();
    GroupStatus was = GroupRecovery.recorded(previous, gs.role, gs.index);
    if (was != null && was.members != null && uid != null && uid.equals(was.workersUID)) {
      gs.workersUID = uid;
      gs.members = was.members;
    } else if (uid != null && view.members().size() == m.nodes() - 1 && view.members().stream().noneMatch(Pods::terminating)) {
      gs.workersUID = uid;
      gs.members = GroupRecovery.members(view.members());
    }
  }

  /**
   * A group whose leader pod is being replaced keeps its entry (counters and the lost leader's UID), so that the new
   * leader is recognised as a lost leader and the recreation counted, however long the old pod takes to terminate.
   */
  private static GroupStatus carried(DeploymentModel m, DeepSeekDeploymentStatus previous, int g) {
    GroupStatus was = GroupRecovery.recorded(previous, m.role() == null ? null : m.role().id(), g);
    if (was == null || (was.leaderUID == null && !Boolean.TRUE.equals(was.failed) && (was.restarts == null || was.restarts == 0))) {
      return null;
    }
    GroupStatus c = Json.copy(was);
    c.ready = false;
    c.leader = null;
    c.nodes = new ArrayList<>();
    c.message = "waiting for a new leader pod " + Names.leaderPod(m, g);
    return c;
  }

  private static void recovery(DeploymentModel m, GroupStatus gs, GroupRecovery.Decision d, StatusAggregator troubles) {
    GroupRecovery.State st = d.state();
    GroupRecovery.record(gs, d);
    if (st.failed()) {
      gs.ready = gs.ready && d.failure() == null;
      gs.message = "failed after " + st.restarts() + " recreations: " + st.lastFailure();
      troubles.add(Trouble.GROUP_FAILED, groupName(gs) + " failed after " + st.restarts() + " recreations within "
          + m.failureWindow().toMinutes() + "m; last: " + st.lastFailure());
    } else if (d.failure() != null) {
      gs.ready = false;
      switch (d.action()) {
        case RECREATE, RECREATED, RECREATING -> gs.message = "recreating the group (" + st.restarts() + " of " + m.maxRestarts() + "): " + d.failure();
        case WAIT -> gs.message = "recreating the group at " + d.waitUntil() + " (back-off): " + d.failure();
        default -> gs.message = d.failure() + " (failure.policy None: left to the kubelet)";
      }
      troubles.add(Trouble.GROUP_RESTARTING, groupName(gs) + ": " + gs.message);
    }
  }

  /** Whether nothing is left to do but watch: Ready and not Progressing. */
  public static boolean settled(DeepSeekDeploymentStatus s) {
    return Conditions.isTrue(s.conditions, Conditions.READY) && !Conditions.isTrue(s.conditions, Conditions.PROGRESSING);
  }

  /** The status after a reconcile failed with an error the operator cannot fix itself: Degraded, retried. */
  public static DeepSeekDeploymentStatus reconcileError(DeepSeekDeploymentStatus recorded, long generation, String error,
      String now) {
    DeepSeekDeploymentStatus status = recorded == null ? new DeepSeekDeploymentStatus() : recorded;
    List<Condition> conditions = new ArrayList<>(status.conditions);
    conditions.removeIf(c -> Conditions.DEGRADED.equals(c.getType()));
    conditions.add(new Conditions.Builder(generation, status.conditions, now).make(Conditions.DEGRADED, true,
        Reasons.RECONCILE_ERROR, "The operator could not apply the deployment and will retry: " + error));
    status.conditions = conditions;
    return status;
  }
}
