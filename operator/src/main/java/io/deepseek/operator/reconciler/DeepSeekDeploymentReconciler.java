package io.deepseek.operator.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.config.OperatorConfig;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.desired.LeaderStatefulSets;
import io.deepseek.operator.model.Names;
import io.deepseek.operator.model.Revision;
import io.deepseek.operator.desired.Services;
import io.deepseek.operator.desired.WorkerStatefulSets;
import io.deepseek.operator.status.Conditions;
import io.deepseek.operator.recovery.GroupRecovery;
import io.deepseek.operator.rollout.GroupRollout;
import io.deepseek.operator.rollout.RevisionHistory;
import io.deepseek.operator.status.StatusBuilder;
import io.deepseek.operator.validation.HostPathPolicy;
import io.deepseek.operator.validation.SpecValidator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Observe -> validate -> apply -> status. Desired objects come from the pure builders in {@code desired}; status from
 * {@link StatusBuilder}. A spec the operator cannot run is reported (condition + Event) and nothing is changed.
 */
@ControllerConfiguration(name = "deepseekdeployment",
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class DeepSeekDeploymentReconciler implements Reconciler<DeepSeekDeployment> {
  private static final Logger LOG = Logger.getLogger(DeepSeekDeploymentReconciler.class);
  private static final String MANAGED = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OperatorConfig config;
  private final Applier applier;
  private final EventRecorder events = new EventRecorder();
  private InformerEventSource<StatefulSet, DeepSeekDeployment> statefulSets;
  private InformerEventSource<Service, DeepSeekDeployment> services;
  private InformerEventSource<ControllerRevision, DeepSeekDeployment> revisions;
  private final GroupLifecycle lifecycle;

  public DeepSeekDeploymentReconciler(OperatorConfig config, MeterRegistry meters) {
    this.config = config;
    this.applier = new Applier(meters);
    this.lifecycle = new GroupLifecycle(applier, events);
  }

  @Override
  public List<EventSource<?, DeepSeekDeployment>> prepareEventSources(EventSourceContext<DeepSeekDeployment> context) {
    InformerEventSource<Pod, DeepSeekDeployment> pods = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Pod.class, DeepSeekDeployment.class)
            .withLabelSelector(MANAGED).withSecondaryToPrimaryMapper(byDeploymentLabel()).build(), context);
    statefulSets = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(StatefulSet.class, DeepSeekDeployment.class)
            .withLabelSelector(MANAGED).withSecondaryToPrimaryMapper(byDeploymentLabel()).build(), context);
    services = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Service.class, DeepSeekDeployment.class)
            .withLabelSelector(MANAGED).withSecondaryToPrimaryMapper(byDeploymentLabel()).build(), context);
    revisions = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(ControllerRevision.class, DeepSeekDeployment.class)
            .withLabelSelector(MANAGED).withSecondaryToPrimaryMapper(byDeploymentLabel()).build(), context);
    return List.of(pods, statefulSets, services, revisions);
  }

  private static <R extends HasMetadata> SecondaryToPrimaryMapper<R> byDeploymentLabel() {
    return r -> {
      Map<String, String> labels = r.getMetadata().getLabels();
      String name = labels == null ? null : labels.get(Labels.DEPLOYMENT);
      return name == null ? Set.of() : Set.of(new ResourceID(name, r.getMetadata().getNamespace()));
    };
  }

  @Override
  public UpdateControl<DeepSeekDeployment> reconcile(DeepSeekDeployment d, Context<DeepSeekDeployment> ctx) {
    KubernetesClient client = ctx.getClient();
    DeploymentModel model = DeploymentModel.of(d);
    List<Pod> pods = List.copyOf(ctx.getSecondaryResources(Pod.class));
    List<StatefulSet> sets = new ArrayList<>(ctx.getSecondaryResources(StatefulSet.class));
    List<String> problems = SpecValidator.validate(d, new HostPathPolicy(config.hostPathAllowedPrefixes()));
    String revision = Revision.of(d);

    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    StatusBuilder.Observed observed = new StatusBuilder.Observed(pods, sets);
    GroupRollout.Plan plan = null;
    Map<Integer, GroupRecovery.Decision> recovery = Map.of();
    if (problems.isEmpty()) {
      Map<String, Service> svcs = byName(ctx.getSecondaryResources(Service.class));
      Map<String, StatefulSet> stsByName = byName(sets);
      Map<String, ControllerRevision> history = byName(ctx.getSecondaryResources(ControllerRevision.class));
      List<DeepSeekDeploymentStatus.GroupStatus> groups = StatusBuilder.groups(model, revision, observed);
      recovery = lifecycle.decide(d, model, groups, pods, stsByName, now);
      if (recovery.values().stream().anyMatch(GroupLifecycle::counts)) {
        // Count before acting: an operator that dies between the two must not recreate a group uncounted.
        d = patchStatus(ctx, d, GroupLifecycle.counted(d.getStatus(), groups, recovery));
      }
      lifecycle.act(client, d, model, recovery, pods, stsByName);

      apply(client, d, Services.headless(model), svcs.get(Names.headlessService(d)), services);
      apply(client, d, Services.client(model), svcs.get(Names.clientService(d)), services);
      if (!history.containsKey(RevisionHistory.name(d, revision))) {
        apply(client, d, RevisionHistory.of(d, revision), null, revisions);
      }

      StatefulSet actualLeaders = stsByName.get(Names.leaderStatefulSet(d));
      plan = plan(model, revision, actualLeaders, groups, recovery);
      StatefulSet leaders = LeaderStatefulSets.build(model, revision, plan.replicas(), plan.partition());
      StatefulSet appliedLeaders = apply(client, d, leaders, actualLeaders, statefulSets);
      if (appliedLeaders != actualLeaders) {
        leaderSetChanged(client, d, actualLeaders, model, revision, plan);
      }
      reconcileWorkers(client, d, model, revision, pods, stsByName, history, recovery, plan.replicas());
      lifecycle.recordMembers(client, model, pods, stsByName);
      pruneHistory(client, d, revision, pods, history);
    }

    DeepSeekDeploymentStatus status = StatusBuilder.build(model, revision, observed, problems, d.getStatus(), now.toString(),
        plan, recovery);
    announce(client, d, status);
    boolean settled = Conditions.isTrue(status.conditions, Conditions.READY) && !Conditions.isTrue(status.conditions, Conditions.PROGRESSING);
    long requeue = config.notReadyRequeue().toMillis();
    for (GroupRecovery.Decision decision : recovery.values()) {
      if (decision.waitUntil() != null) {
        settled = false;
        requeue = Math.min(requeue, Math.max(1000, decision.waitUntil().toEpochMilli() - now.toEpochMilli()));
      }
    }
    if (!sameStatus(d.getStatus(), status)) {
      patchStatus(ctx, d, status);
    }
    UpdateControl<DeepSeekDeployment> control = UpdateControl.noUpdate();
    return settled ? control : control.rescheduleAfter(requeue);
  }

  private static GroupRollout.Plan plan(DeploymentModel model, String revision, StatefulSet actualLeaders,
      List<DeepSeekDeploymentStatus.GroupStatus> groups, Map<Integer, GroupRecovery.Decision> recovery) {
    Map<Integer, GroupRollout.Group> view = new java.util.TreeMap<>();
    for (DeepSeekDeploymentStatus.GroupStatus g : groups) {
      if (g.leader != null) {
        view.put(g.index, new GroupRollout.Group(g.revision,
            Boolean.TRUE.equals(g.ready) && !GroupLifecycle.recreating(recovery, g.index)));
      }
    }
    String templateRevision = actualLeaders == null ? null : templateRevision(actualLeaders);
    Integer partition = actualLeaders == null ? null : partitionOf(actualLeaders);
    int currentPartition = partition == null ? 0 : partition;
    return GroupRollout.plan(model.replicas(), model.partition(), model.maxUnavailable(), model.maxSurge(), revision,
        templateRevision, currentPartition, view);
  }

  /** Keeps the current revision and every revision a pod still runs; the rest is history nobody needs. */
  private void pruneHistory(KubernetesClient client, DeepSeekDeployment d, String revision, List<Pod> pods,
      Map<String, ControllerRevision> history) {
    java.util.Set<String> used = new java.util.HashSet<>();
    used.add(revision);
    pods.forEach(p -> used.add(p.getMetadata().getLabels().get(Labels.REVISION)));
    for (ControllerRevision r : history.values()) {
      if (!used.contains(r.getMetadata().getLabels().get(Labels.REVISION)) && r.getMetadata().getDeletionTimestamp() == null) {
        applier.delete(client, r);
      }
    }
  }

  /** For each leader pod: make its workers, at its revision (from the history when it is an older one), for it alone. */
  private void reconcileWorkers(KubernetesClient client, DeepSeekDeployment d, DeploymentModel model, String revision,
      List<Pod> pods, Map<String, StatefulSet> stsByName, Map<String, ControllerRevision> history,
      Map<Integer, GroupRecovery.Decision> recovery, int leaderReplicas) {
    for (StatefulSet set : stsByName.values()) {
      Map<String, String> l = set.getMetadata().getLabels();
      if (!Labels.POSITION_WORKER.equals(l.get(Labels.COMPONENT)) || set.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      int group = Integer.parseInt(l.getOrDefault(Labels.GROUP_INDEX, "-1"));
      Pod leader = leaderPod(pods, d, group);
      boolean stale = leader == null || !Objects.equals(leader.getMetadata().getUid(), l.get(Labels.LEADER_UID));
      if (group >= leaderReplicas || stale || model.nodes() == 1) {
        // Garbage collection would get there once the old leader pod is gone; deleting now starts the new group sooner.
        LOG.infof("deleting worker StatefulSet %s/%s (group %d no longer has that leader)", d.getMetadata().getNamespace(),
            set.getMetadata().getName(), group);
        applier.delete(client, set);
        stsByName.remove(set.getMetadata().getName());
      }
    }
    if (model.nodes() == 1) {
      return;
    }
    for (int g = 0; g < leaderReplicas; g++) {
      Pod leader = leaderPod(pods, d, g);
      if (leader == null || leader.getMetadata().getDeletionTimestamp() != null || leader.getStatus() == null
          || leader.getStatus().getPodIP() == null
          || GroupLifecycle.recreating(recovery, g)) {
        continue;
      }
      String leaderRevision = leader.getMetadata().getLabels().get(Labels.REVISION);
      StatefulSet actual = stsByName.get(Names.workerStatefulSet(d, g));
      DeploymentModel at = model;
      if (!revision.equals(leaderRevision)) {
        ControllerRevision stored = history.get(RevisionHistory.name(d, leaderRevision));
        if (stored == null) {
          if (actual == null) {
            // Nothing records what that revision ran: the group comes back at the revision its leader ordinal gets now.
            events.record(client, d, EventRecorder.WARNING, "RecreatingGroup", "Group " + g + ": leader "
                + leader.getMetadata().getName() + " runs revision " + leaderRevision + ", which is no longer known; recreating it");
            applier.delete(client, leader);
          }
          continue;
        }
        at = DeploymentModel.of(RevisionHistory.at(d, stored));
      }
      StatefulSet desired = WorkerStatefulSets.build(at, leaderRevision, g, leader.getMetadata().getName(),
          leader.getMetadata().getUid(), leader.getStatus().getPodIP());
      apply(client, d, desired, actual, statefulSets);
      if (actual == null) {
        events.record(client, d, EventRecorder.NORMAL, "CreatedGroupWorkers",
            "Group " + g + ": created " + (model.nodes() - 1) + " worker(s) for leader " + leader.getMetadata().getName()
                + " (" + leader.getStatus().getPodIP() + ") at revision " + leaderRevision);
      }
    }
  }

  private void leaderSetChanged(KubernetesClient client, DeepSeekDeployment d, StatefulSet before, DeploymentModel model,
      String revision, GroupRollout.Plan plan) {
    String beforeRevision = before == null ? null : templateRevision(before);
    if (before != null && !revision.equals(beforeRevision)) {
      events.record(client, d, EventRecorder.NORMAL, "RollingUpdate", "Rolling groups from revision " + beforeRevision + " to "
          + revision + " (maxUnavailable " + model.maxUnavailable() + ", maxSurge " + model.maxSurge() + ", partition "
          + model.partition() + ")");
    } else if (before != null && plan.inProgress() && !Objects.equals(partitionOf(before), plan.partition())) {
      events.record(client, d, EventRecorder.NORMAL, "RollingUpdate", "Releasing groups " + plan.partition() + " and above: "
          + plan.step());
    }
    if (before == null) {
      events.record(client, d, EventRecorder.NORMAL, "CreatedGroups",
          "Created " + model.replicas() + " group(s) of " + model.nodes() + " pod(s) (" + model.acceleratorSummary() + " each)");
    } else if (!plan.inProgress() && !Objects.equals(before.getSpec().getReplicas(), model.replicas())) {
      events.record(client, d, EventRecorder.NORMAL, "ScaledGroups",
          "Scaled from " + before.getSpec().getReplicas() + " to " + model.replicas() + " group(s)");
    }
  }

  private static String templateRevision(StatefulSet set) {
    return set.getSpec().getTemplate().getMetadata().getLabels().get(Labels.REVISION);
  }

  private static Integer partitionOf(StatefulSet set) {
    return set.getSpec().getUpdateStrategy() == null || set.getSpec().getUpdateStrategy().getRollingUpdate() == null ? null
        : set.getSpec().getUpdateStrategy().getRollingUpdate().getPartition();
  }

  /** Events for what users watch: an invalid spec (once per distinct problem) and Ready flips. */
  private void announce(KubernetesClient client, DeepSeekDeployment d, DeepSeekDeploymentStatus status) {
    List<Condition> before = d.getStatus() == null ? List.of() : d.getStatus().conditions;
    Condition degradedBefore = Conditions.find(before, Conditions.DEGRADED);
    Condition degraded = Conditions.find(status.conditions, Conditions.DEGRADED);
    if (degraded != null && "True".equals(degraded.getStatus())
        && (degradedBefore == null || !Objects.equals(degradedBefore.getMessage(), degraded.getMessage()))) {
      events.record(client, d, EventRecorder.WARNING, degraded.getReason(), degraded.getMessage());
    }
    Condition readyBefore = Conditions.find(before, Conditions.READY);
    Condition ready = Conditions.find(status.conditions, Conditions.READY);
    boolean was = readyBefore != null && "True".equals(readyBefore.getStatus());
    boolean is = ready != null && "True".equals(ready.getStatus());
    if (was != is && !"InvalidSpec".equals(ready.getReason())) {
      events.record(client, d, is ? EventRecorder.NORMAL : EventRecorder.WARNING, is ? "Ready" : "NotReady", ready.getMessage());
    }
  }

  private <T extends HasMetadata> T apply(KubernetesClient client, DeepSeekDeployment d, T desired, T actual,
      InformerEventSource<T, DeepSeekDeployment> source) {
    T result = applier.apply(client, desired, actual);
    if (result != actual && source != null) {
      // Our own write goes into the cache now, so the next reconcile does not act on the stale copy.
      ResourceID primary = ResourceID.fromResource(d);
      if (actual == null) {
        source.handleRecentResourceCreate(primary, result);
      } else {
        source.handleRecentResourceUpdate(primary, result, actual);
      }
    }
    return result;
  }

  @Override
  public ErrorStatusUpdateControl<DeepSeekDeployment> updateErrorStatus(DeepSeekDeployment d, Context<DeepSeekDeployment> ctx,
      Exception e) {
    LOG.warnf(e, "reconcile of %s/%s failed", d.getMetadata().getNamespace(), d.getMetadata().getName());
    DeepSeekDeploymentStatus status = d.getStatus() == null ? new DeepSeekDeploymentStatus() : d.getStatus();
    List<Condition> conditions = new ArrayList<>(status.conditions);
    conditions.removeIf(c -> Conditions.DEGRADED.equals(c.getType()));
    conditions.add(Conditions.make(Conditions.DEGRADED, true, "ReconcileError",
        "The operator could not apply the deployment and will retry: " + e.getMessage(),
        Optional.ofNullable(d.getMetadata().getGeneration()).orElse(0L), status.conditions,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
    status.conditions = conditions;
    return ErrorStatusUpdateControl.patchStatus(statusOnly(d, status));
  }

  private static Pod leaderPod(List<Pod> pods, DeepSeekDeployment d, int group) {
    String name = Names.leaderPod(d, group);
    return pods.stream().filter(p -> name.equals(p.getMetadata().getName())
        && Labels.POSITION_LEADER.equals(p.getMetadata().getLabels().get(Labels.POSITION))).findFirst().orElse(null);
  }

  private static <T extends HasMetadata> Map<String, T> byName(java.util.Collection<T> items) {
    Map<String, T> m = new java.util.HashMap<>();
    items.forEach(i -> m.put(i.getMetadata().getName(), i));
    return m;
  }

  /**
   * The status holds the recreation counters: the next reconcile must see this write, not an older copy from the
   * informer, or a crash loop could be counted short. So the patch goes into the cache at once (with optimistic locking,
   * retried on conflict). Returns the resource as written.
   */
  private static DeepSeekDeployment patchStatus(Context<DeepSeekDeployment> ctx, DeepSeekDeployment d, DeepSeekDeploymentStatus status) {
    return PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(d, statusOnly(d, status), ctx);
  }

  /** A fresh object with only what the status patch owns (server-side apply of the status subresource). */
  private static DeepSeekDeployment statusOnly(DeepSeekDeployment d, DeepSeekDeploymentStatus status) {
    DeepSeekDeployment fresh = new DeepSeekDeployment();
    fresh.getMetadata().setName(d.getMetadata().getName());
    fresh.getMetadata().setNamespace(d.getMetadata().getNamespace());
    fresh.setStatus(status);
    return fresh;
  }

  private static boolean sameStatus(DeepSeekDeploymentStatus a, DeepSeekDeploymentStatus b) {
    return a != null && JSON.valueToTree(a).equals(JSON.valueToTree(b));
  }
}
