package io.deepseek.operator.plan;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.GroupStatus;
import io.deepseek.operator.desired.LeaderStatefulSets;
import io.deepseek.operator.desired.RevisionHistory;
import io.deepseek.operator.desired.Routers;
import io.deepseek.operator.desired.Services;
import io.deepseek.operator.desired.WorkerStatefulSets;
import io.deepseek.operator.model.Annotations;
import io.deepseek.operator.model.AutoscalingPolicy;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Json;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Names;
import io.deepseek.operator.model.Reasons;
import io.deepseek.operator.model.RenderVersion;
import io.deepseek.operator.model.Revision;
import io.deepseek.operator.observe.EngineMetrics;
import io.deepseek.operator.observe.GroupSetView;
import io.deepseek.operator.observe.GroupView;
import io.deepseek.operator.observe.Observation;
import io.deepseek.operator.observe.Pods;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The plan step: from the model, the observation and the clock to a {@link Plan}. Pure. Each decision has its place
 * here, in the order it is made: recovery (which groups to recreate, counted first), the Services and the revision
 * history, the rollout (the leader StatefulSet's replicas and partition), the workers of each group, the members each
 * group was formed with, the pods that outlived their StatefulSet, and the revisions nobody runs any more.
 */
public final class Planner {
  /** The deployment; with spec.autoscaling, once decided, sized with the autoscaler's count. */
  private DeploymentModel m;
  /** When to plan again without a change: the earliest moment any decision asks for (see Plan's autoscaleAt). */
  private Instant autoscaleAt;
  /**
   * How long a role's group must have been Ready before a rollout counts it (its router must have registered it): smg
   * 1.13.0 took 5 s from seeing a decode leader to serving it once on a busy 2-core CI machine (5 s was too short).
   */
  static final java.time.Duration ROUTER_SETTLE = java.time.Duration.ofSeconds(15);
  /** How soon a rollout waiting for the client Service's endpoints looks again (they are read, not watched). */
  static final java.time.Duration ENDPOINTS_RECHECK = java.time.Duration.ofSeconds(1);
  /**
   * How long a pod may outlive its StatefulSet before the operator deletes it: the garbage collector normally does so
   * within a second; one it has not touched by then it missed (see {@link #strays}).
   */
  static final java.time.Duration STRAY_GRACE = java.time.Duration.ofSeconds(30);
  private final DeepSeekDeployment d;
  private final Observation o;
  private final Instant now;
  private final String revision;
  private final List<Plan.Delete> deletes = new ArrayList<>();
  private final List<Plan.Apply> applies = new ArrayList<>();
  private final List<Plan.Event> events = new ArrayList<>();
  /** Children whose names are taken by objects that are not this deployment's. */
  private final List<String> conflicts = new ArrayList<>();
  /** Kind/name of every object this plan deletes: nothing is planned on them afterwards. */
  private final Set<String> deleted = new HashSet<>();

  private Planner(DeploymentModel m, Observation o, Instant now) {
    this.d = m.resource();
    this.o = o;
    this.now = now;
    this.revision = Revision.of(d);
    this.m = m.renderedAs(renderOf(o, d, revision));
  }

  /**
   * The rendering of the current revision: the one recorded with it; for a revision that runs since before renderings
   * were recorded, the legacy one (an operator upgrade must not change running pods); for a new revision, the current one.
   */
  static int renderOf(Observation o, DeepSeekDeployment d, String revision) {
    ControllerRevision stored = o.revisions().get(RevisionHistory.name(d, revision));
    if (stored != null) {
      return RevisionHistory.render(stored);
    }
    // Roles came after renderings were recorded: a set of roles always has its rendering in the history.
    GroupSetView set = o.groupSets().size() == 1 ? o.groupSets().get(0) : null;
    return set != null && GroupSetView.SERVING.equals(set.name()) && set.leaderSet() != null
        && revision.equals(set.templateRevision()) ? RenderVersion.LEGACY : RenderVersion.CURRENT;
  }

  /**
   * @param problems what validation found; with any, the plan writes nothing
   * @param now the clock, truncated to seconds (it is written into the status)
   */
  public static Plan plan(DeploymentModel m, Observation o, List<String> problems, Instant now) {
    return plan(m, o, problems, List.of(), now);
  }

  /** @param violations what the platform policy refuses; with any (and a valid spec), the plan writes nothing */
  public static Plan plan(DeploymentModel m, Observation o, List<String> problems, List<String> violations, Instant now) {
    if (!problems.isEmpty()) {
      return Plan.invalid(Revision.of(m.resource()), problems, replicasBefore(m, o));
    }
    if (!violations.isEmpty()) {
      return Plan.refused(Revision.of(m.resource()), Reasons.POLICY_VIOLATION, violations, replicasBefore(m, o));
    }
    return new Planner(m, o, now).plan();
  }

  private Plan plan() {
    // Recovery first, for every set: its counters are written before anything else.
    Map<String, Map<Integer, GroupRecovery.Decision>> recoveries = new java.util.LinkedHashMap<>();
    for (DeploymentModel set : m.sets()) {
      recoveries.put(setName(set), decideRecovery(set, view(set)));
    }
    boolean counts = recoveries.values().stream().flatMap(r -> r.values().stream()).anyMatch(GroupRecovery::counts);
    DeepSeekDeploymentStatus countersFirst = counts ? countersFirst(o.recorded(), o.groupSets(), recoveries) : null;
    for (DeploymentModel set : m.sets()) {
      recover(set, view(set), recoveries.get(setName(set)));
    }
    // Autoscaling: each set sized by its own autoscaler (the deployment's, or each role's), the roles then within the
    // prefill:decode ratio band.
    Map<String, DeepSeekDeploymentStatus.AutoscalingStatus> scaled = new java.util.LinkedHashMap<>();
    List<DeploymentModel> sets = new ArrayList<>();
    for (DeploymentModel set : m.sets()) {
      Autoscaled a = autoscale(set, view(set), recoveries.get(setName(set)));
      sets.add(a.sized());
      scaled.put(setName(set), a.status());
      wake(a.wakeAt());
    }
    if (m.disaggregated()) {
      sets = RatioBand.keep(m, sets, scaled, this::normal);
    } else {
      m = sets.get(0);
    }
    // Each set's groups wanted, before placement holds them back: what the status reports as desired.
    Map<String, Integer> wanted = new java.util.LinkedHashMap<>();
    sets.forEach(set -> wanted.put(setName(set), set.replicas()));
    Placement.Decision placement = m.disaggregated() ? placement(sets) : null;
    if (placement != null && placement.cap() != null) {
      int cap = placement.cap();
      sets = sets.stream().map(set -> set.replicas() > cap ? set.withAutoscaledReplicas(cap) : set).toList();
    }
    DeepSeekDeploymentStatus.AutoscalingStatus autoscaling = m.disaggregated() ? null : scaled.get(GroupSetView.SERVING);

    for (DeploymentModel set : m.sets()) {
      apply(Services.headless(set), o.services().get(Names.headlessService(set)));
    }
    if (!m.disaggregated()) {
      apply(Services.client(m), o.services().get(Names.clientService(m)));
    }
    if (!o.revisions().containsKey(RevisionHistory.name(d, revision))) {
      apply(RevisionHistory.of(d, revision, m.render()), null);
    }
    Map<String, GroupRollout.Step> steps = new java.util.LinkedHashMap<>();
    for (DeploymentModel set : sets) {
      steps.put(setName(set), rollout(set, view(set), recoveries.get(setName(set))));
    }
    if (m.disaggregated()) {
      Map<String, Lockstep.Progress> progress = progress(sets, recoveries);
      steps = Lockstep.hold(steps, progress);
      Map<String, Integer> held = new java.util.LinkedHashMap<>();
      progress.forEach((role, p) -> held.put(role, p.held()));
      List<RouterHandover.Member> members = members();
      RouterHandover.Decision handover = RouterHandover.decide(revision, steps, held, members, routerStates());
      steps = handover.steps();
      if (handover.recheck()) {
        wake(now.plus(ENDPOINTS_RECHECK));
      }
      // No router pods while placement holds the groups back: they could pair nothing.
      routers(members, handover.retire(), placement != null && placement.holdsAll());
    }
    List<Plan.GroupSetPlan> setPlans = new ArrayList<>();
    for (DeploymentModel set : sets) {
      GroupSetView view = view(set);
      GroupRollout.Step step = steps.get(setName(set));
      Plan.GroupSetPlan setPlan = new Plan.GroupSetPlan(view.name(), step, recoveries.get(setName(set)),
          wanted.get(setName(set)), scaled.get(setName(set)));
      setPlans.add(setPlan);
      if (placement != null && placement.holdsAll() && view.leaderSet() == null) {
        continue; // nothing of a role is made before both roles' first groups have room
      }
      StatefulSet leaders = LeaderStatefulSets.build(set, revision, step.replicas(), step.partition());
      if (apply(leaders, view.leaderSet())) {
        leaderSetChanged(set, view, step);
      }
      workers(set, view, setPlan, step.replicas());
    }
    strays();
    pruneHistory();
    Plan plan = new Plan(revision, List.of(), countersFirst, deletes, applies, events, List.copyOf(setPlans),
        List.copyOf(conflicts), false, null, wanted.values().stream().mapToInt(Integer::intValue).sum(), autoscaling, autoscaleAt,
        placementStatus(placement));
    // A deployment that has nothing yet creates nothing while any of its names is taken: never half of it.
    boolean nothingYet = o.groupSets().stream().allMatch(v -> v.leaderSet() == null);
    return !conflicts.isEmpty() && nothingYet ? plan.blockedBy(conflicts) : plan;
  }

  /**
   * With roles, until both roles' first groups have been scheduled once: whether each role may run one group or none yet
   * (Placement). Its Event is written and its moment to look again kept.
   */
  private Placement.Decision placement(List<DeploymentModel> sets) {
    List<Placement.Role> roles = new ArrayList<>();
    for (DeploymentModel set : sets) {
      GroupSetView view = view(set);
      List<Placement.Demand> demands = new ArrayList<>();
      DeploymentModel first = set.withAutoscaledReplicas(1);
      String group = groupName(set, 0).toLowerCase(java.util.Locale.ROOT);
      demands.add(demand(group + " leader", io.deepseek.operator.desired.PodTemplates.leader(first, revision).getSpec()));
      for (int w = 1; w < set.nodes(); w++) {
        demands.add(demand(group + " worker",
            io.deepseek.operator.desired.PodTemplates.worker(first, revision, 0, "0.0.0.0").getSpec()));
      }
      boolean placed = false;
      boolean exists = false;
      boolean scheduled = false;
      String unschedulable = null;
      for (GroupView g : view.groups().values()) {
        if (!g.hasLeader()) {
          continue;
        }
        exists = true;
        List<String> nodes = g.nodes();
        placed |= nodes.size() == set.nodes() && nodes.stream().noneMatch(String::isEmpty);
        scheduled |= nodes.stream().anyMatch(n -> !n.isEmpty());
        unschedulable = unschedulable != null ? unschedulable : g.unschedulable();
      }
      Integer leaders = view.leaderReplicas();
      roles.add(new Placement.Role(setName(set), set.replicas(), demands, placed, exists, leaders != null && leaders > 1,
          scheduled, unschedulable));
    }
    DeepSeekDeploymentStatus.PlacementStatus recorded = o.recorded() == null ? null : o.recorded().placement;
    Placement.Recorded before = recorded == null ? null : new Placement.Recorded(phase(recorded.phase), time(recorded.since),
        time(recorded.retryTime), time(recorded.placedTime));
    Placement.Decision decision = Placement.decide(roles, o.capacity(), before, m.placementTimeout(), now);
    if (decision != null && decision.event() != null) {
      events.add(decision.event());
    }
    if (decision != null) {
      wake(decision.wakeAt());
    }
    return decision;
  }

  private static Placement.Demand demand(String what, io.fabric8.kubernetes.api.model.PodSpec spec) {
    Map<String, java.math.BigDecimal> requests = new TreeMap<>(io.deepseek.operator.observe.Capacity.requests(spec));
    requests.merge("pods", java.math.BigDecimal.ONE, java.math.BigDecimal::add);
    return new Placement.Demand(what, spec, requests);
  }

  private static Placement.Phase phase(String value) {
    try {
      return value == null ? null : Placement.Phase.valueOf(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static DeepSeekDeploymentStatus.PlacementStatus placementStatus(Placement.Decision d) {
    if (d == null) {
      return null;
    }
    DeepSeekDeploymentStatus.PlacementStatus s = new DeepSeekDeploymentStatus.PlacementStatus();
    s.phase = d.phase().name();
    s.message = d.message();
    s.since = d.since() == null ? null : d.since().toString();
    s.retryTime = d.retryAt() == null ? null : d.retryAt().toString();
    s.placedTime = d.placedAt() == null ? null : d.placedAt().toString();
    return s;
  }

  /**
   * With roles: the router's account and discovery rights, the client Service in front of the routers, and one router per
   * revision: the update revision's (not made while placement holds every group back, {@code noGroups}), and an old
   * revision's while its groups run and it is not retired (RouterHandover). No router is made for an old revision: once
   * gone, its groups wait for their replacement. A router whose revision no group runs any more goes; a retired one goes
   * waiting for its pods, so that what they serve drains first.
   */
  private void routers(List<RouterHandover.Member> members, Set<String> retire, boolean noGroups) {
    apply(Routers.serviceAccount(m), o.routing().get("ServiceAccount/" + Names.router(m)));
    apply(Routers.role(m), o.routing().get("Role/" + Names.router(m)));
    apply(Routers.roleBinding(m), o.routing().get("RoleBinding/" + Names.router(m)));
    apply(Routers.clientService(m), o.services().get(Names.clientService(m)));
    HasMetadata current = o.routing().get("Deployment/" + Names.routerDeployment(m, revision));
    if (current != null || !noGroups) {
      apply(Routers.deployment(m, revision), current);
    }
    Set<String> running = new java.util.TreeSet<>();
    members.forEach(g -> running.add(g.revision()));
    for (HasMetadata router : routerDeployments()) {
      String r = Pods.label(router, Labels.REVISION);
      if (revision.equals(r) || Pods.terminating(router)) {
        continue;
      }
      if (!running.contains(r)) {
        delete(router, "deleting router " + router.getMetadata().getName() + ": no group runs revision " + r + " any more");
      } else if (retire.contains(r)) {
        deleteDraining(router, "retiring router " + router.getMetadata().getName() + ": revision " + r
            + " is about to lose its last prefill/decode pair, and the router of revision " + revision + " serves");
      } else {
        apply(Routers.deployment(m, r), router);
      }
    }
  }

  private List<HasMetadata> routerDeployments() {
    return o.routing().values().stream().filter(r -> "Deployment".equals(r.getKind())
        && Routers.COMPONENT.equals(Pods.label(r, Labels.COMPONENT))).toList();
  }

  /**
   * The routers that exist, by revision: ready when a pod of it is, in service when the client Service's endpoints hold
   * one (taken as the same as ready when the endpoints could not be read: the rollout is not stalled by a missing right).
   */
  private Map<String, RouterHandover.Router> routerStates() {
    Map<String, RouterHandover.Router> out = new java.util.TreeMap<>();
    for (HasMetadata r : routerDeployments()) {
      Integer count = r instanceof Deployment dep && dep.getStatus() != null ? dep.getStatus().getReadyReplicas() : null;
      boolean ready = count != null && count > 0;
      String revision = Pods.label(r, Labels.REVISION);
      boolean inService = ready && (o.routerEndpoints() == null || o.routerEndpoints().contains(revision));
      out.put(revision, new RouterHandover.Router(ready, Pods.terminating(r), inService));
    }
    return out;
  }

  /** Every group with a leader, of every role. */
  private List<RouterHandover.Member> members() {
    List<RouterHandover.Member> out = new ArrayList<>();
    for (GroupSetView set : o.groupSets()) {
      set.groups().values().stream().filter(g -> g.hasLeader() && g.revision() != null)
          .forEach(g -> out.add(new RouterHandover.Member(set.name(), g.index(), g.revision())));
    }
    return out;
  }

  private static String setName(DeploymentModel set) {
    return set.role() == null ? GroupSetView.SERVING : set.role().id();
  }

  private GroupSetView view(DeploymentModel set) {
    return o.set(setName(set));
  }

  /** How far each role's rollout got: groups at the revision, ready and not being recreated, over the role's replicas. */
  private Map<String, Lockstep.Progress> progress(List<DeploymentModel> sets,
      Map<String, Map<Integer, GroupRecovery.Decision>> recoveries) {
    Map<String, Lockstep.Progress> progress = new java.util.LinkedHashMap<>();
    for (DeploymentModel set : sets) {
      GroupSetView view = view(set);
      Map<Integer, GroupRecovery.Decision> recovery = recoveries.get(setName(set));
      int done = 0;
      for (GroupView g : view.groups().values()) {
        if (g.index() < set.replicas() && g.hasLeader() && revision.equals(g.revision()) && readyToServe(set, g)
            && !GroupRecovery.recreates(recovery.get(g.index()))) {
          done++;
        }
      }
      // Released so far at the new revision: the leader StatefulSet's partition once its template is at it, else none.
      Integer partition = view.partition();
      int held = revision.equals(view.templateRevision()) ? (partition == null ? 0 : partition) : set.replicas();
      progress.put(setName(set), new Lockstep.Progress(done, set.replicas(), held));
    }
    return progress;
  }

  /** The groups wanted before this reconcile: with spec.autoscaling the autoscaler's last count, else spec.replicas. */
  static int replicasBefore(DeploymentModel m, Observation o) {
    if (m.disaggregated()) {
      return m.roles().stream().mapToInt(r -> replicasBefore(r, roleAutoscaling(o.recorded(), r))).sum();
    }
    return replicasBefore(m, o.recorded() == null ? null : o.recorded().autoscaling);
  }

  /** The groups of a set wanted before this reconcile: with autoscaling its last count, else its replicas. */
  static int replicasBefore(DeploymentModel set, DeepSeekDeploymentStatus.AutoscalingStatus recorded) {
    if (set.autoscaling() != null && recorded != null && recorded.desiredReplicas != null) {
      return recorded.desiredReplicas;
    }
    return set.specReplicas();
  }

  /** What the autoscaler decided for a set: the set sized with it, what goes into its status, when it decides again. */
  record Autoscaled(DeploymentModel sized, DeepSeekDeploymentStatus.AutoscalingStatus status, Instant wakeAt) {}

  /** The status.autoscaling of a set as recorded: the deployment's, or with roles its role's. */
  private DeepSeekDeploymentStatus.AutoscalingStatus recordedAutoscaling(DeploymentModel set) {
    return set.role() == null ? (o.recorded() == null ? null : o.recorded().autoscaling) : roleAutoscaling(o.recorded(), set);
  }

  /** A role's status.roles[].autoscaling as recorded, or null. */
  public static DeepSeekDeploymentStatus.AutoscalingStatus roleAutoscaling(DeepSeekDeploymentStatus recorded, DeploymentModel role) {
    if (recorded == null || recorded.roles == null) {
      return null;
    }
    return recorded.roles.stream().filter(r -> role.role().id().equals(r.role)).map(r -> r.autoscaling)
        .filter(Objects::nonNull).findFirst().orElse(null);
  }

  /**
   * With autoscaling (spec.autoscaling, or a role's): how many groups, from the set's serving groups' metrics
   * (GroupAutoscaler); the set is sized with it for everything after (rollout, workers, status). Without, the set as it is.
   */
  private Autoscaled autoscale(DeploymentModel m, GroupSetView set, Map<Integer, GroupRecovery.Decision> recovery) {
    AutoscalingPolicy policy = m.autoscalingPolicy();
    if (policy == null) {
      return new Autoscaled(m, null, null);
    }
    DeepSeekDeploymentStatus.AutoscalingStatus recorded = recordedAutoscaling(m);
    int before = replicasBefore(m, recorded);
    Map<String, EngineMetrics> readings = o.metrics() == null ? Map.of() : o.metrics().pods();
    List<GroupAutoscaler.GroupLoad> loads = new ArrayList<>();
    Map<Double, Double> ttft = new TreeMap<>();
    Map<Double, Double> ttftBefore = new TreeMap<>();
    int serving = 0;
    int failed = 0;
    boolean rolling = false;
    for (GroupView g : set.groups().values()) {
      if (g.index() >= before) {
        continue;
      }
      if (g.hasLeader() && !revision.equals(g.revision())) {
        rolling = true;
      }
      if (GroupRecovery.recorded(o.recorded(), m.role(), g.index(), g.revision()).failed()) {
        failed++;
        continue;
      }
      if (!g.ready() || GroupRecovery.recreates(recovery.get(g.index()))) {
        continue;
      }
      serving++;
      List<Pod> pods = new ArrayList<>();
      pods.add(g.leader());
      pods.addAll(g.workers());
      List<EngineMetrics> read = pods.stream().map(p -> readings.get(p.getMetadata().getName())).filter(Objects::nonNull).toList();
      if (read.isEmpty()) {
        continue;
      }
      double waiting = 0;
      double running = 0;
      double kv = 0;
      int ranks = 0;
      for (EngineMetrics e : read) {
        waiting += e.waiting();
        running += e.running();
        kv += e.kvUsageSum();
        ranks += e.ranks();
        e.ttft().forEach((le, c) -> ttft.merge(le, c, Double::sum));
        if (e.ttftBefore() != null) {
          e.ttftBefore().forEach((le, c) -> ttftBefore.merge(le, c, Double::sum));
        }
      }
      loads.add(new GroupAutoscaler.GroupLoad(g.index(), waiting, running, ranks == 0 ? 0 : kv / ranks, ranks));
    }
    Map<Integer, Double> percentiles = new TreeMap<>();
    for (AutoscalingPolicy.Target t : policy.targets()) {
      if (t.percentile() != null) {
        Double q = EngineMetrics.quantile(t.percentile() / 100.0, ttft, ttftBefore.isEmpty() ? null : ttftBefore);
        if (q != null) {
          percentiles.put(t.percentile(), q);
        }
      }
    }
    int starting = Math.max(0, before - serving - failed);
    GroupAutoscaler.Decision decision = GroupAutoscaler.decide(policy, before,
        new GroupAutoscaler.Input(before, starting, rolling, loads, percentiles), autoscalerState(recorded), now);
    GroupAutoscaler.State st = decision.state();
    Instant wake = st.aboveSince() != null ? st.aboveSince().plus(policy.upWindow())
        : st.belowSince() != null ? st.belowSince().plus(policy.downWindow()) : null;
    if (decision.desired() != before) {
      normal(decision.desired() > before ? Reasons.SCALED_UP : Reasons.SCALED_DOWN,
          "Autoscaler" + (m.role() == null ? "" : " (" + m.role().id() + ")") + ": " + decision.reason());
    }
    return new Autoscaled(m.withAutoscaledReplicas(decision.desired()),
        autoscalingStatus(decision, before, serving, starting, loads, recorded), wake);
  }

  static GroupAutoscaler.State autoscalerState(DeepSeekDeploymentStatus.AutoscalingStatus a) {
    if (a == null) {
      return GroupAutoscaler.State.NONE;
    }
    return new GroupAutoscaler.State(time(a.aboveSince), a.lowestAbove, time(a.belowSince), a.highestBelow, time(a.lastScaleTime));
  }

  private static Instant time(String s) {
    try {
      return s == null ? null : Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private DeepSeekDeploymentStatus.AutoscalingStatus autoscalingStatus(GroupAutoscaler.Decision d, int before, int serving,
      int starting, List<GroupAutoscaler.GroupLoad> loads, DeepSeekDeploymentStatus.AutoscalingStatus recorded) {
    DeepSeekDeploymentStatus.AutoscalingStatus a = new DeepSeekDeploymentStatus.AutoscalingStatus();
    a.desiredReplicas = d.desired();
    a.currentReplicas = before;
    a.servingReplicas = serving;
    a.startingReplicas = starting;
    a.recommendedReplicas = d.recommended();
    GroupAutoscaler.State st = d.state();
    a.aboveSince = st.aboveSince() == null ? null : st.aboveSince().toString();
    a.lowestAbove = st.lowestAbove();
    a.belowSince = st.belowSince() == null ? null : st.belowSince().toString();
    a.highestBelow = st.highestBelow();
    a.lastScaleTime = st.lastScale() == null ? null : st.lastScale().toString();
    a.reason = d.reason();
    if (o.metrics() != null) {
      a.metricsTime = o.metrics().at().toString();
      a.metricsSource = o.metrics().source();
      a.metricsProblem = o.metrics().problem();
    }
    for (GroupAutoscaler.GroupLoad l : loads) {
      DeepSeekDeploymentStatus.GroupMetrics gm = new DeepSeekDeploymentStatus.GroupMetrics();
      gm.index = l.index();
      gm.waitingRequests = GroupAutoscaler.fmt(l.waiting());
      gm.runningRequests = GroupAutoscaler.fmt(l.running());
      gm.kvCacheUsage = GroupAutoscaler.fmt(l.kvUsage());
      gm.ranks = l.ranks();
      a.groups.add(gm);
    }
    return a;
  }

  /** Decides for every group that has a leader; writes nothing. */
  private Map<Integer, GroupRecovery.Decision> decideRecovery(DeploymentModel m, GroupSetView set) {
    Map<Integer, GroupRecovery.Decision> decisions = new TreeMap<>();
    for (GroupView g : set.groups().values()) {
      if (!g.hasLeader()) {
        continue;
      }
      GroupRecovery.State before = GroupRecovery.recorded(o.recorded(), m.role(), g.index(), g.revision());
      if (GroupRecovery.retired(before, g.leader())) {
        decisions.put(g.index(), GroupRecovery.recreating(before));
        continue;
      }
      String lost = GroupRecovery.leaderReplaced(before, g.leader());
      String failure = lost != null ? lost
          : GroupRecovery.failure(m, g.leader(), g.members(), g.workersOfLeader() ? members(m, g) : null, g.ready(), now);
      decisions.put(g.index(), GroupRecovery.decide(m, before, failure, lost != null, g.ready(), now));
    }
    return decisions;
  }

  /**
   * The workers a group was formed with, as recorded for its worker StatefulSet: in the status (StatusRenderer), or in
   * the StatefulSet's annotation where an operator before 0.2 put it. Null while not recorded.
   */
  private String members(DeploymentModel m, GroupView g) {
    String annotated = Pods.annotation(g.workerSet(), Annotations.MEMBERS);
    if (annotated != null || o.recorded() == null) {
      return annotated;
    }
    String role = m.role() == null ? null : m.role().id();
    String uid = g.workerSet().getMetadata().getUid();
    GroupStatus was = GroupRecovery.recorded(o.recorded(), role, g.index());
    return was != null && uid != null && uid.equals(was.workersUID) ? was.members : null;
  }

  /**
   * The status as recorded, with the counters of the groups about to be recreated or failed: written before acting, so
   * that an operator that dies in between never recreates a group without having counted it.
   */
  static DeepSeekDeploymentStatus countersFirst(DeepSeekDeploymentStatus recorded, GroupSetView set,
      Map<Integer, GroupRecovery.Decision> decisions) {
    return countersFirst(recorded, List.of(set), Map.of(set.name(), decisions));
  }

  /** @param decisions per set name (the role's id, or {@link GroupSetView#SERVING}) */
  static DeepSeekDeploymentStatus countersFirst(DeepSeekDeploymentStatus recorded, List<GroupSetView> sets,
      Map<String, Map<Integer, GroupRecovery.Decision>> decisions) {
    DeepSeekDeploymentStatus s = recorded == null ? new DeepSeekDeploymentStatus() : Json.copy(recorded);
    for (GroupSetView set : sets) {
      String role = GroupSetView.SERVING.equals(set.name()) ? null : set.name();
      decisions.getOrDefault(set.name(), Map.of()).forEach((index, decision) -> {
        if (!GroupRecovery.counts(decision)) {
          return;
        }
        GroupView now = set.group(index);
        GroupStatus g = GroupRecovery.recorded(s, role, index);
        if (g == null) {
          g = new GroupStatus();
          g.role = role;
          g.index = index;
          g.leader = now.leaderName();
          s.groups.add(g);
        }
        g.revision = now.revision();
        g.leaderUID = now.leaderUid();
        GroupRecovery.record(g, decision);
      });
    }
    s.groups.sort(GROUP_ORDER);
    return s;
  }

  /** Status entries in order: without a role first, then prefill, then decode; by index within each. */
  public static final Comparator<GroupStatus> GROUP_ORDER = Comparator
      .comparing((GroupStatus g) -> g.role == null ? -1 : roleOrder(g.role))
      .thenComparing(g -> g.index, Comparator.nullsLast(Comparator.naturalOrder()));

  private static int roleOrder(String role) {
    io.deepseek.operator.api.v1alpha1.ServingRole r = io.deepseek.operator.api.v1alpha1.ServingRole.fromId(role);
    return r == null ? Integer.MAX_VALUE : r.ordinal();
  }

  /** " prefill" or " decode" with roles, else nothing: said before "group(s)" in Events. */
  static String kind(DeploymentModel m) {
    return m.role() == null ? "" : " " + m.role().id();
  }

  /** "Group 3", or with roles "Prefill group 3": how Events and messages name a group. */
  static String groupName(DeploymentModel m, int index) {
    if (m.role() == null) {
      return "Group " + index;
    }
    String id = m.role().id();
    return Character.toUpperCase(id.charAt(0)) + id.substring(1) + " group " + index;
  }

  /** Recreates groups (worker StatefulSet and leader pod deleted) and says so in Events. */
  private void recover(DeploymentModel m, GroupSetView set, Map<Integer, GroupRecovery.Decision> decisions) {
    decisions.forEach((index, decision) -> {
      String counted = groupName(m, index) + " (recreation " + decision.state().restarts() + " of " + m.maxRestarts() + "): "
          + decision.failure();
      switch (decision.action()) {
        case RECREATE -> {
          warn(Reasons.RECREATING_GROUP, counted);
          recreate(set.group(index), "recreating group " + index + ": " + decision.failure());
        }
        case RECREATING -> {
          // Counted and said already; the view still has the old leader (a lagging cache, or the delete did not go
          // through). Deleting again is safe: a delete names the UID, so a replacement of the same name is never touched.
          GroupView g = set.group(index);
          recreate(g, "recreating group " + index + ": leader pod " + g.leaderName() + " (UID " + g.leaderUid()
              + ") was deleted for recreation " + decision.state().restarts() + " but is still seen; deleting it again");
        }
        case RECREATED -> warn(Reasons.RECREATING_GROUP, counted + "; its workers follow it");
        case FAIL -> warn(Reasons.GROUP_FAILED, groupName(m, index) + " failed " + decision.state().restarts() + " times within "
            + m.failureWindow().toMinutes() + "m and is left alone: " + decision.failure());
        default -> { }
      }
    });
  }

  /** Deletes a group's worker StatefulSet and leader pod: the leader's StatefulSet makes a new one, and a new group forms. */
  private void recreate(GroupView g, String why) {
    if (g.workerSet() != null) {
      delete(g.workerSet(), why);
    }
    if (g.leaderPod() != null) {
      delete(g.leaderPod(), why);
    }
  }

  /** The leader StatefulSet's replicas and partition: whole groups, within maxUnavailable and maxSurge. */
  private GroupRollout.Step rollout(DeploymentModel m, GroupSetView set, Map<Integer, GroupRecovery.Decision> recovery) {
    Map<Integer, GroupRollout.Group> view = new TreeMap<>();
    for (GroupView g : set.groups().values()) {
      if (g.hasLeader()) {
        view.put(g.index(), new GroupRollout.Group(g.revision(), readyToServe(m, g) && !GroupRecovery.recreates(recovery.get(g.index()))));
      }
    }
    Integer partition = set.partition();
    return GroupRollout.plan(m.replicas(), m.partition(), m.maxUnavailable(), m.maxSurge(), revision, set.templateRevision(),
        partition == null ? 0 : partition, view);
  }

  /**
   * Whether a group counts as serving for a rollout. With roles, clients reach a group only once its revision's router
   * has registered it, a moment after its leader is Ready (discovery, then smg's own registration steps); a rollout that
   * took that moment as capacity removed a surge decode group before the router had its replacement, and a request got
   * 503 "no available workers" (DisaggregationIT). So a role's group counts once its leader has been Ready for
   * {@link #ROUTER_SETTLE}; the plan wakes up then.
   */
  private boolean readyToServe(DeploymentModel set, GroupView g) {
    if (set.role() == null || !g.ready()) {
      return g.ready();
    }
    Instant since = Pods.readySince(g.leader());
    Instant at = since == null ? null : since.plus(ROUTER_SETTLE);
    if (at == null || !at.isAfter(now)) {
      return true;
    }
    wake(at);
    return false;
  }

  /** Plans again at {@code at} (null: no need), unless an earlier moment is set already. */
  private void wake(Instant at) {
    if (at != null && (autoscaleAt == null || at.isBefore(autoscaleAt))) {
      autoscaleAt = at;
    }
  }

  private void leaderSetChanged(DeploymentModel m, GroupSetView set, GroupRollout.Step step) {
    StatefulSet before = set.leaderSet();
    String beforeRevision = set.templateRevision();
    if (before != null && !revision.equals(beforeRevision)) {
      normal(Reasons.ROLLING_UPDATE, "Rolling" + kind(m) + " groups from revision " + beforeRevision + " to " + revision + " (maxUnavailable "
          + m.maxUnavailable() + ", maxSurge " + m.maxSurge() + ", partition " + m.partition() + ")");
    } else if (before != null && step.inProgress() && !Objects.equals(set.partition(), step.partition())) {
      normal(Reasons.ROLLING_UPDATE, "Releasing" + kind(m) + " groups " + step.partition() + " and above: " + step.step());
    }
    if (before == null) {
      normal(Reasons.CREATED_GROUPS,
          "Created " + m.replicas() + kind(m) + " group(s) of " + m.nodes() + " pod(s) (" + m.acceleratorSummary() + " each)");
    } else if (!step.inProgress() && !Objects.equals(set.leaderReplicas(), m.replicas())) {
      normal(Reasons.SCALED_GROUPS, "Scaled from " + set.leaderReplicas() + " to " + m.replicas() + kind(m) + " group(s)");
    }
  }

  /**
   * For each leader pod: its workers, at its revision (from the history when it is an older one), made for it alone.
   * Worker sets made for another leader, or whose leader is gone, are deleted now: garbage collection would get there
   * once the old leader pod is gone, but deleting now starts the new group sooner. A leader that still exists (serving
   * or draining) keeps its workers, also in a group scaled away.
   */
  private void workers(DeploymentModel m, GroupSetView set, Plan.GroupSetPlan plan, int leaderReplicas) {
    for (StatefulSet workerSet : set.workerSets()) {
      String name = workerSet.getMetadata().getName();
      if (deleted(workerSet)) {
        continue;
      }
      String label = Pods.label(workerSet, Labels.GROUP_INDEX);
      int group = Integer.parseInt(label == null ? "-1" : label);
      Pod leader = set.group(group).leaderPod();
      boolean stale = leader == null || !Objects.equals(leader.getMetadata().getUid(), Pods.label(workerSet, Labels.LEADER_UID));
      // A group scaled away keeps its workers for as long as its leader exists: the leader serves until the StatefulSet
      // controller deletes it, then drains (its engine finishes the requests in flight, which needs its workers). They go
      // once it is gone (garbage collection, or this step as soon as the leader is gone or a new one has the name).
      if (stale || m.nodes() == 1) {
        delete(workerSet, "deleting worker StatefulSet " + name + " (group " + group + " no longer has that leader)");
      }
    }
    if (m.nodes() == 1) {
      return;
    }
    for (GroupView view : set.groups().values()) {
      int g = view.index();
      Pod leader = view.leaderPod();
      if (g >= leaderReplicas || leader == null || Pods.terminating(leader) || Pods.ip(leader) == null || plan.recreating(g)) {
        continue;
      }
      String name = Names.workerStatefulSet(m, g);
      StatefulSet actual = o.statefulSets().get(name);
      actual = actual == null || deleted(actual) ? null : actual;
      String leaderRevision = Pods.label(leader, Labels.REVISION);
      DeploymentModel at = m;
      if (!revision.equals(leaderRevision)) {
        ControllerRevision stored = o.revisions().get(RevisionHistory.name(d, leaderRevision));
        if (stored == null) {
          if (actual == null) {
            // Nothing records what that revision ran: the group comes back at the revision its leader ordinal gets now.
            warn(Reasons.RECREATING_GROUP, groupName(m, g) + ": leader " + leader.getMetadata().getName() + " runs revision "
                + leaderRevision + ", which is no longer known; recreating it");
            delete(leader, "group " + g + " runs the unknown revision " + leaderRevision);
          }
          continue;
        }
        at = DeploymentModel.of(RevisionHistory.at(d, stored)).renderedAs(RevisionHistory.render(stored));
        if (m.role() != null) {
          at = at.forRole(m.role());
        }
      }
      boolean written = apply(WorkerStatefulSets.build(at, leaderRevision, g, leader.getMetadata().getName(),
          leader.getMetadata().getUid(), Pods.ip(leader)), actual);
      if (written && actual == null) {
        normal(Reasons.CREATED_GROUP_WORKERS, groupName(m, g) + ": created " + (m.nodes() - 1) + " worker(s) for leader "
            + leader.getMetadata().getName() + " (" + Pods.ip(leader) + ") at revision " + leaderRevision);
      }
    }
  }

  /**
   * Deletes the pods that have outlived their StatefulSet by {@link #STRAY_GRACE}. The garbage collector deletes a
   * StatefulSet's pods once it is gone, but it misses them when the StatefulSet was deleted and made again under the same
   * name while its watch was broken (an API server or etcd restart): it relists, sees the name still there, takes the
   * new StatefulSet for an update of the old and keeps the old one's pods for good (kubernetes/kubernetes#120862). Such
   * a pod holds its node's accelerators and its name, so the new StatefulSet cannot make the pod it wants: the group
   * never forms. The delete names the pod's UID, so a replacement is never touched.
   */
  private void strays() {
    for (Pod p : o.pods()) {
      String uid = p.getMetadata().getUid();
      Instant since = uid == null ? null : o.strays().get(uid);
      if (since == null || deleted(p)) {
        continue;
      }
      Instant due = since.plus(STRAY_GRACE);
      if (now.isBefore(due)) {
        wake(due);
        continue;
      }
      OwnerReference owner = Pods.statefulSet(p);
      warn(Reasons.STRAY_POD, "pod " + p.getMetadata().getName() + " has outlived its StatefulSet " + owner.getName() + " (UID "
          + owner.getUid() + ") by " + STRAY_GRACE.toSeconds() + "s or more: the garbage collector missed it; deleting the pod");
      delete(p, "deleting pod " + p.getMetadata().getName() + ": its StatefulSet " + owner.getName() + " (UID " + owner.getUid()
          + ") is gone since " + since + " at least");
    }
  }

  /** Keeps the current revision and every revision a pod still runs; the rest is history nobody needs. */
  private void pruneHistory() {
    Set<String> used = new HashSet<>();
    used.add(revision);
    o.pods().forEach(p -> used.add(Pods.label(p, Labels.REVISION)));
    for (ControllerRevision r : o.revisions().values()) {
      if (!used.contains(Pods.label(r, Labels.REVISION)) && !Pods.terminating(r)) {
        delete(r, null);
      }
    }
  }

  /**
   * Plans an apply unless the cached object is already this, or the name belongs to someone else (then it is reported and
   * left alone); returns whether it writes.
   */
  private boolean apply(HasMetadata desired, HasMetadata actual) {
    String owner = actual == null ? o.foreign().get(Observation.key(desired)) : null;
    if (owner != null) {
      conflicts.add(desired.getKind() + " " + desired.getMetadata().getName() + " " + owner + "; it was left untouched."
          + " Rename this DeepSeekDeployment, or remove or rename that " + desired.getKind());
      return false;
    }
    return Writes.apply(desired, actual).map(applies::add).orElse(false);
  }

  /** The objects this plan would create: the names to look up before any of them is written. */
  public static List<HasMetadata> creates(Plan plan) {
    return plan.applies().stream().filter(a -> a.actual() == null).map(Plan.Apply::desired).toList();
  }

  private void delete(HasMetadata object, String why) {
    deletes.add(new Plan.Delete(object, why, false));
    deleted.add(object.getKind() + "/" + object.getMetadata().getName());
  }

  /** Deleted in the foreground: the object stays, terminating, until what it owns is gone. */
  private void deleteDraining(HasMetadata object, String why) {
    deletes.add(new Plan.Delete(object, why, true));
    deleted.add(object.getKind() + "/" + object.getMetadata().getName());
  }

  private boolean deleted(HasMetadata object) {
    return deleted.contains(object.getKind() + "/" + object.getMetadata().getName());
  }

  private void normal(String reason, String message) {
    events.add(new Plan.Event(false, reason, message));
  }

  private void warn(String reason, String message) {
    events.add(new Plan.Event(true, reason, message));
  }
}
