package io.deepseek.operator.reconciler;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.config.OperatorConfig;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Json;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.observe.EngineMetrics;
import io.deepseek.operator.observe.Observation;
import io.deepseek.operator.observe.Observer;
import io.deepseek.operator.plan.GroupRecovery;
import io.deepseek.operator.plan.Leaving;
import io.deepseek.operator.plan.Plan;
import io.deepseek.operator.plan.Planner;
import io.deepseek.operator.status.StatusEvents;
import io.deepseek.operator.status.StatusRenderer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Observe -> validate -> plan (all pure) -> execute. The plan is carried out in a fixed order: the recreation counters
 * first, then deletes, applies (two waves of concurrent calls) and Events; then the status rendered from the observation and the plan is
 * patched when it changed. A spec the operator cannot run is reported (condition + Event) and nothing is changed.
 */
@ControllerConfiguration(name = "deepseekdeployment", informer = @Informer(itemStore = TrimmedStore.class,
    informerListLimit = TrimmedStore.LIST_PAGE),
    // A safety net only (every change of what the operator reads is watched, and what it cannot watch wakes it up itself):
    // at 5 minutes, 1000 settled deployments were reconciled in waves of 1000 every 5 minutes and about 40 a minute in
    // between, with no change (hack/soak.sh); controller-runtime's and JOSDK's own default is 10 hours.
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 60, timeUnit = TimeUnit.MINUTES))
public class DeepSeekDeploymentReconciler implements Reconciler<DeepSeekDeployment> {
  private static final Logger LOG = Logger.getLogger(DeepSeekDeploymentReconciler.class);
  private static final String MANAGED = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE;
  /**
   * The StatefulSet controller keeps its own ControllerRevisions, labelled with its pods' labels (ours among them) and
   * with its hash label: not ours to cache, nor to prune. Cached, they were two thirds of what a restart listed of
   * revisions (two per group), and a finished rollout pruned the StatefulSets' own history with the operator's.
   */
  static final String OWN_REVISIONS = MANAGED + ",!controller.kubernetes.io/hash";
  private static final Set<String> WORKLOADS = Set.of("StatefulSet", "Deployment");
  /** After a status write refused as stale ({@link StatusWrites.Stale}): soon, the cache is milliseconds behind. */
  static final long STALE_RETRY_MILLIS = 250;

  private final OperatorConfig config;
  private final Admission admission;
  private final Applier applier;
  private final EventRecorder events = new EventRecorder();
  private final EngineMetricsPoller metrics = new EngineMetricsPoller();
  private final CapacityReader capacity = new CapacityReader();
  private final RouterEndpointsReader routerEndpoints = new RouterEndpointsReader();
  private final StraySightings strays = new StraySightings();
  private final AutoscalingGauges gauges;
  private final DeploymentMetrics deploymentMetrics;
  /** The informer of each kind the operator writes, by kind: its own writes go into the cache at once. */
  private Map<String, InformerEventSource<? extends HasMetadata, DeepSeekDeployment>> caches = Map.of();

  public DeepSeekDeploymentReconciler(OperatorConfig config, MeterRegistry meters) {
    this.config = config;
    this.admission = new Admission(config);
    this.applier = new Applier(meters);
    this.gauges = new AutoscalingGauges(meters);
    this.deploymentMetrics = new DeploymentMetrics(meters, config.perDeploymentMetrics() == OperatorConfig.PerDeploymentMetrics.SPARSE);
  }

  @Override
  public List<EventSource<?, DeepSeekDeployment>> prepareEventSources(EventSourceContext<DeepSeekDeployment> context) {
    InformerEventSource<Pod, DeepSeekDeployment> pods = informer(Pod.class, context);
    InformerEventSource<StatefulSet, DeepSeekDeployment> statefulSets = informer(StatefulSet.class, context);
    InformerEventSource<Service, DeepSeekDeployment> services = informer(Service.class, context);
    InformerEventSource<ControllerRevision, DeepSeekDeployment> revisions = informer(ControllerRevision.class, OWN_REVISIONS,
        context);
    // The router of deployments with prefill/decode roles.
    InformerEventSource<Deployment, DeepSeekDeployment> routers = informer(Deployment.class, context);
    InformerEventSource<ServiceAccount, DeepSeekDeployment> accounts = informer(ServiceAccount.class, context);
    InformerEventSource<Role, DeepSeekDeployment> roles = informer(Role.class, context);
    InformerEventSource<RoleBinding, DeepSeekDeployment> bindings = informer(RoleBinding.class, context);
    caches = Map.of("StatefulSet", statefulSets, "Service", services, "ControllerRevision", revisions, "Deployment", routers,
        "ServiceAccount", accounts, "Role", roles, "RoleBinding", bindings);
    metrics.readPodsFrom(pods);
    // Deployments with spec.autoscaling: their engines' metrics are read periodically; a reading that changed reconciles.
    PerResourcePollingEventSource<EngineMetrics, DeepSeekDeployment, String> engineMetrics =
        new PerResourcePollingEventSource<>(EngineMetrics.class, context,
            new PerResourcePollingConfigurationBuilder<EngineMetrics, DeepSeekDeployment, String>(metrics, config.autoscalingPollInterval())
                .withName("engine-metrics").withResourceIDMapper(EngineMetrics::pod)
                .withRegisterPredicate(DeploymentModel::readsMetrics).build()) {
          @Override
          public void onResourceDeleted(DeepSeekDeployment d) {
            super.onResourceDeleted(d);
            metrics.forget(d);
            strays.forget(ResourceID.fromResource(d));
            gauges.remove(d.getMetadata().getNamespace() + "/" + d.getMetadata().getName());
            deploymentMetrics.remove(d.getMetadata().getNamespace() + "/" + d.getMetadata().getName());
          }
        };
    List<EventSource<?, DeepSeekDeployment>> sources = new ArrayList<>(List.of(pods, statefulSets, services, revisions, routers,
        accounts, roles, bindings, engineMetrics));
    sources.addAll(admission.eventSources(context));
    return sources;
  }

  /** With roles, before both roles' first groups were placed and while no group exists: the nodes' room is needed. */
  private static boolean placing(DeploymentModel model, Observation o) {
    boolean placed = o.recorded() != null && o.recorded().placement != null && o.recorded().placement.placedTime != null;
    return model.disaggregated() && !placed
        && o.groupSets().stream().allMatch(set -> set.groups().values().stream().noneMatch(g -> g.hasLeader()));
  }

  /** The router's objects of a deployment with roles (none otherwise). */
  private static List<HasMetadata> routing(Context<DeepSeekDeployment> ctx) {
    List<HasMetadata> all = new ArrayList<>(ctx.getSecondaryResources(Deployment.class));
    all.addAll(ctx.getSecondaryResources(ServiceAccount.class));
    all.addAll(ctx.getSecondaryResources(Role.class));
    all.addAll(ctx.getSecondaryResources(RoleBinding.class));
    return all;
  }

  /** Children are found by the deployment label, and only objects the operator manages are cached. */
  private static <R extends HasMetadata> InformerEventSource<R, DeepSeekDeployment> informer(Class<R> kind,
      EventSourceContext<DeepSeekDeployment> context) {
    return informer(kind, MANAGED, context);
  }

  private static <R extends HasMetadata> InformerEventSource<R, DeepSeekDeployment> informer(Class<R> kind, String selector,
      EventSourceContext<DeepSeekDeployment> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(kind, DeepSeekDeployment.class)
        .withLabelSelector(selector).withItemStore(new TrimmedStore<>())
        .withInformerListLimit(TrimmedStore.LIST_PAGE)
        .withSecondaryToPrimaryMapper(r -> {
          Map<String, String> labels = r.getMetadata().getLabels();
          String name = labels == null ? null : labels.get(Labels.DEPLOYMENT);
          return name == null ? Set.of() : Set.of(new ResourceID(name, r.getMetadata().getNamespace()));
        }).build(), context);
  }

  @Override
  public UpdateControl<DeepSeekDeployment> reconcile(DeepSeekDeployment d, Context<DeepSeekDeployment> ctx) {
    if (Leaving.why(d, admission.namespace(d)) != null) {
      return UpdateControl.noUpdate();
    }
    Admission.Resolved resolved = admission.resolve(d);
    DeploymentModel model = DeploymentModel.of(resolved.deployment());
    Observation observed = Observer.observe(model, ctx.getSecondaryResources(Pod.class),
        ctx.getSecondaryResources(StatefulSet.class), ctx.getSecondaryResources(Service.class),
        ctx.getSecondaryResources(ControllerRevision.class), routing(ctx));
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    observed = observed.withStrays(strays.update(ResourceID.fromResource(d), Observer.strays(observed), now));
    if (model.autoscaled()) {
      observed = observed.withMetrics(metrics.latest(d));
    }
    if (placing(model, observed)) {
      observed = observed.withCapacity(capacity.read(ctx.getClient()));
    }
    if (RouterEndpointsReader.handingOver(model, observed)) {
      observed = routerEndpoints.read(ctx.getClient(), model, observed);
    }
    Admission.Verdict verdict = admission.judge(resolved, model, ctx);
    Plan plan = Planner.plan(model, observed, verdict.problems(), verdict.violations(), now);
    Map<String, String> taken = Admission.taken(ctx.getClient(), d, Planner.creates(plan));
    if (!taken.isEmpty()) {
      // Never take over what is not ours: plan again, leaving those names alone.
      observed = observed.withForeign(taken);
      plan = Planner.plan(model, observed, verdict.problems(), verdict.violations(), now);
    }

    DeepSeekDeploymentStatus status;
    try {
      DeepSeekDeployment current = execute(ctx, d, plan);
      gauges.update(d, plan.autoscaling());
      status = StatusRenderer.render(model, observed, plan, current.getStatus(), now.toString());
      if (current.getStatus() == null || !Json.same(current.getStatus(), status)) {
        patchStatus(ctx, current, status);
      }
      StatusEvents.between(current.getStatus(), status).forEach(e -> record(ctx.getClient(), current, e));
    } catch (StatusWrites.Stale e) {
      // Worked out from an older copy of the deployment than the current one: again, from the cache, which has caught up
      // by then (an informer event is milliseconds behind the write it reports).
      LOG.infof("%s/%s: %s; reconciling again", d.getMetadata().getNamespace(), d.getMetadata().getName(), e.getMessage());
      return UpdateControl.<DeepSeekDeployment>noUpdate().rescheduleAfter(STALE_RETRY_MILLIS);
    }
    deploymentMetrics.update(d, plan.replicas(), status);
    Instant wake = plan.wakeAt();
    if (StatusRenderer.settled(status) && wake == null) {
      return UpdateControl.noUpdate();
    }
    long requeue = config.notReadyRequeue().toMillis();
    if (wake != null) {
      requeue = Math.min(requeue, Math.max(1000, wake.toEpochMilli() - now.toEpochMilli()));
    }
    return UpdateControl.<DeepSeekDeployment>noUpdate().rescheduleAfter(requeue);
  }

  /**
   * Carries out a plan in its fixed order. The counters go first, into the status and the operator's cache at once, so
   * neither a crash nor a stale cache can recreate a group uncounted; a delete comes before an apply of the same name.
   * Returns the deployment as last written.
   */
  private DeepSeekDeployment execute(Context<DeepSeekDeployment> ctx, DeepSeekDeployment d, Plan plan) {
    KubernetesClient client = ctx.getClient();
    DeepSeekDeployment current = plan.countersFirst() == null ? d : patchStatus(ctx, d, plan.countersFirst());
    if (!plan.groupSets().isEmpty()) {
      deploymentMetrics.recreated(d, (int) plan.groupSets().stream().flatMap(set -> set.recovery().values().stream())
          .filter(r -> r.action() == GroupRecovery.Action.RECREATE || r.action() == GroupRecovery.Action.RECREATED).count());
    }
    for (Plan.Delete delete : plan.deletes()) {
      if (delete.why() != null) {
        // One line per object: a recreation deletes two (the worker StatefulSet and the leader pod) for the same reason.
        LOG.infof("%s/%s: %s (delete %s %s)", d.getMetadata().getNamespace(), d.getMetadata().getName(), delete.why(),
            delete.object().getKind(), delete.object().getMetadata().getName());
      }
      if (!applier.delete(client, delete.object(), delete.foreground())) {
        LOG.infof("%s/%s: %s %s was gone or replaced already (UID %s); nothing deleted", d.getMetadata().getNamespace(),
            d.getMetadata().getName(), delete.object().getKind(), delete.object().getMetadata().getName(),
            delete.object().getMetadata().getUid());
      }
    }
    // The applies are of distinct objects, made at once in two waves: what workloads refer to (Services, the revision,
    // a router's ServiceAccount and RBAC), then the workloads (StatefulSets, Deployments), whose pods need the first.
    for (boolean workloads : new boolean[] {false, true}) {
      List<Plan.Apply> wave = plan.applies().stream().filter(a -> WORKLOADS.contains(a.desired().getKind()) == workloads).toList();
      List<HasMetadata> written = Concurrently.map(wave, apply -> applier.apply(client, apply.desired()));
      for (int i = 0; i < written.size(); i++) {
        cache(ResourceID.fromResource(d), written.get(i), wave.get(i).actual());
      }
    }
    Concurrently.map(plan.events(), e -> {
      record(client, current, e);
      return e;
    });
    return current;
  }

  /** Our own write goes into the cache now, so the next reconcile does not act on the stale copy. */
  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> void cache(ResourceID primary, T written, HasMetadata actual) {
    InformerEventSource<T, DeepSeekDeployment> source = (InformerEventSource<T, DeepSeekDeployment>) caches.get(written.getKind());
    if (source == null) {
      return;
    }
    if (actual == null) {
      source.handleRecentResourceCreate(primary, written);
    } else {
      source.handleRecentResourceUpdate(primary, written, (T) actual);
    }
  }

  private void record(KubernetesClient client, DeepSeekDeployment d, Plan.Event e) {
    events.record(client, d, e.warning() ? EventRecorder.WARNING : EventRecorder.NORMAL, e.reason(), e.message());
  }

  @Override
  public ErrorStatusUpdateControl<DeepSeekDeployment> updateErrorStatus(DeepSeekDeployment d, Context<DeepSeekDeployment> ctx,
      Exception e) {
    LOG.warnf(e, "reconcile of %s/%s failed", d.getMetadata().getNamespace(), d.getMetadata().getName());
    deploymentMetrics.reconcileFailed(d);
    // The newest copy: this reconcile may have written the recreation counters before it failed, and they must stay.
    DeepSeekDeployment latest = ctx.getPrimaryCache().get(ResourceID.fromResource(d)).orElse(d);
    DeepSeekDeploymentStatus status = StatusRenderer.reconcileError(Json.copy(latest.getStatus()),
        Optional.ofNullable(latest.getMetadata().getGeneration()).orElse(0L), e.getMessage(),
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return ErrorStatusUpdateControl.patchStatus(StatusWrites.statusOnly(latest, status));
  }

  /**
   * The status holds the recreation counters: it is written only over the version it was worked out from
   * ({@link StatusWrites}), and goes into the cache at once, so that the next reconcile sees this write, not an older
   * copy from the informer. Returns the resource as written.
   */
  private static DeepSeekDeployment patchStatus(Context<DeepSeekDeployment> ctx, DeepSeekDeployment d,
      DeepSeekDeploymentStatus status) {
    DeepSeekDeployment written = StatusWrites.patch(ctx.getClient(), ctx.getControllerConfiguration().fieldManager(), d, status);
    ctx.eventSourceRetriever().getControllerEventSource().handleRecentResourceUpdate(ResourceID.fromResource(d), written, d);
    return written;
  }
}
