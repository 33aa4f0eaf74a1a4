package io.deepseek.operator.reconciler;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.api.v1alpha1.DeepSeekPolicy;
import io.deepseek.operator.config.OperatorConfig;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Json;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.observe.Observation;
import io.deepseek.operator.observe.Observer;
import io.deepseek.operator.observe.Ownership;
import io.deepseek.operator.plan.Plan;
import io.deepseek.operator.plan.Planner;
import io.deepseek.operator.status.StatusEvents;
import io.deepseek.operator.status.StatusRenderer;
import io.deepseek.operator.validation.HostPathPolicy;
import io.deepseek.operator.validation.NameCollisions;
import io.deepseek.operator.validation.PlatformPolicy;
import io.deepseek.operator.validation.SpecValidator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Observe -> validate -> plan (all pure) -> execute. The plan is carried out in a fixed order: the recreation counters
 * first, then deletes, applies, annotations and Events; then the status rendered from the observation and the plan is
 * patched when it changed. A spec the operator cannot run is reported (condition + Event) and nothing is changed.
 */
@ControllerConfiguration(name = "deepseekdeployment",
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class DeepSeekDeploymentReconciler implements Reconciler<DeepSeekDeployment> {
  private static final Logger LOG = Logger.getLogger(DeepSeekDeploymentReconciler.class);
  private static final String MANAGED = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE;

  private final OperatorConfig config;
  private final HostPathPolicy hostPaths;
  private final PlatformPolicy.Defaults policyDefaults;
  private final Applier applier;
  private final EventRecorder events = new EventRecorder();
  /** The informer of each kind the operator writes, by kind: its own writes go into the cache at once. */
  private Map<String, InformerEventSource<? extends HasMetadata, DeepSeekDeployment>> caches = Map.of();
  private InformerEventSource<DeepSeekPolicy, DeepSeekDeployment> policies;
  private InformerEventSource<Namespace, DeepSeekDeployment> namespaces;

  public DeepSeekDeploymentReconciler(OperatorConfig config, MeterRegistry meters) {
    this.config = config;
    // Fails the operator's start on a malformed policy: better than running with a policy that means something else.
    this.hostPaths = new HostPathPolicy(config.hostPathAllowedPrefixes());
    OperatorConfig.Policy p = config.policy();
    this.policyDefaults = new PlatformPolicy.Defaults(p.allowHostNetwork(), p.allowRdma(), p.serviceTypes(), p.serviceAccounts(),
        p.schedulerNames(), p.acceleratorResources(), p.serviceAnnotationPrefixes().orElse(List.of()));
    this.applier = new Applier(meters);
  }

  @Override
  public List<EventSource<?, DeepSeekDeployment>> prepareEventSources(EventSourceContext<DeepSeekDeployment> context) {
    InformerEventSource<Pod, DeepSeekDeployment> pods = informer(Pod.class, context);
    InformerEventSource<StatefulSet, DeepSeekDeployment> statefulSets = informer(StatefulSet.class, context);
    InformerEventSource<Service, DeepSeekDeployment> services = informer(Service.class, context);
    InformerEventSource<ControllerRevision, DeepSeekDeployment> revisions = informer(ControllerRevision.class, context);
    caches = Map.of("StatefulSet", statefulSets, "Service", services, "ControllerRevision", revisions);
    // A policy change concerns every deployment; a namespace's labels decide which policies apply to its deployments.
    policies = new InformerEventSource<>(InformerEventSourceConfiguration.from(DeepSeekPolicy.class, DeepSeekDeployment.class)
        .withSecondaryToPrimaryMapper(p -> context.getPrimaryCache().list().map(ResourceID::fromResource)
            .collect(Collectors.toSet())).build(), context);
    namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, DeepSeekDeployment.class)
        .withSecondaryToPrimaryMapper(n -> context.getPrimaryCache().list(n.getMetadata().getName())
            .map(ResourceID::fromResource).collect(Collectors.toSet())).build(), context);
    return List.of(pods, statefulSets, services, revisions, policies, namespaces);
  }

  /** Children are found by the deployment label, and only objects the operator manages are cached. */
  private static <R extends HasMetadata> InformerEventSource<R, DeepSeekDeployment> informer(Class<R> kind,
      EventSourceContext<DeepSeekDeployment> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(kind, DeepSeekDeployment.class)
        .withLabelSelector(MANAGED)
        .withSecondaryToPrimaryMapper(r -> {
          Map<String, String> labels = r.getMetadata().getLabels();
          String name = labels == null ? null : labels.get(Labels.DEPLOYMENT);
          return name == null ? Set.of() : Set.of(new ResourceID(name, r.getMetadata().getNamespace()));
        }).build(), context);
  }

  @Override
  public UpdateControl<DeepSeekDeployment> reconcile(DeepSeekDeployment d, Context<DeepSeekDeployment> ctx) {
    DeploymentModel model = DeploymentModel.of(d);
    Observation observed = Observer.observe(model, ctx.getSecondaryResources(Pod.class),
        ctx.getSecondaryResources(StatefulSet.class), ctx.getSecondaryResources(Service.class),
        ctx.getSecondaryResources(ControllerRevision.class));
    List<String> problems = new ArrayList<>(SpecValidator.validate(d, hostPaths, config.maxGroupsPerDeployment()));
    problems.addAll(NameCollisions.check(d, ctx.getPrimaryCache().list(d.getMetadata().getNamespace()).toList()));

    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<DeepSeekDeployment> sameNamespace = ctx.getPrimaryCache().list(d.getMetadata().getNamespace()).toList();
    Namespace namespace = namespaces.get(new ResourceID(d.getMetadata().getNamespace())).orElse(null);
    List<String> violations = PlatformPolicy.check(model, policies.list().toList(),
        namespace == null ? Map.of() : namespace.getMetadata().getLabels(), policyDefaults, sameNamespace);
    Plan plan = Planner.plan(model, observed, problems, violations, now);
    Map<String, String> taken = taken(ctx.getClient(), d, Planner.creates(plan));
    if (!taken.isEmpty()) {
      // Never take over what is not ours: plan again, leaving those names alone.
      observed = observed.withForeign(taken);
      plan = Planner.plan(model, observed, problems, violations, now);
    }

    DeepSeekDeployment current = execute(ctx, d, plan);
    DeepSeekDeploymentStatus status = StatusRenderer.render(model, observed, plan, current.getStatus(), now.toString());
    StatusEvents.between(current.getStatus(), status).forEach(e -> record(ctx.getClient(), current, e));
    if (current.getStatus() == null || !Json.same(current.getStatus(), status)) {
      patchStatus(ctx, current, status);
    }
    Instant wake = plan.serving() == null ? null : plan.serving().wakeAt();
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
    for (Plan.Delete delete : plan.deletes()) {
      if (delete.why() != null) {
        LOG.infof("%s/%s: %s", d.getMetadata().getNamespace(), d.getMetadata().getName(), delete.why());
      }
      applier.delete(client, delete.object());
    }
    for (Plan.Apply apply : plan.applies()) {
      HasMetadata written = applier.apply(client, apply.desired());
      cache(ResourceID.fromResource(d), written, apply.actual());
    }
    plan.annotations().forEach(a -> applier.annotate(client, a.object(), a.key(), a.value()));
    plan.events().forEach(e -> record(client, current, e));
    return current;
  }

  /**
   * Of the objects the plan would create, those whose names exist already and are not this deployment's. The caches hold
   * only the operator's own objects, so each name is read once, when it is about to be created: a Service or StatefulSet
   * of the same name that belongs to someone else is never rewritten, owned and later garbage-collected with us.
   */
  private static Map<String, String> taken(KubernetesClient client, DeepSeekDeployment d, List<HasMetadata> creates) {
    Map<String, String> taken = new TreeMap<>();
    for (HasMetadata desired : creates) {
      HasMetadata existing = client.resource(desired).get();
      String owner = existing == null ? null : Ownership.foreignOwner(d, existing);
      if (owner != null) {
        taken.put(Observation.key(desired), owner);
      }
    }
    return taken;
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
    DeepSeekDeploymentStatus status = StatusRenderer.reconcileError(d.getStatus(),
        Optional.ofNullable(d.getMetadata().getGeneration()).orElse(0L), e.getMessage(),
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return ErrorStatusUpdateControl.patchStatus(statusOnly(d, status));
  }

  /**
   * The status holds the recreation counters: the next reconcile must see this write, not an older copy from the
   * informer, or a crash loop could be counted short. So the patch goes into the cache at once (with optimistic locking,
   * retried on conflict). Returns the resource as written.
   */
  private static DeepSeekDeployment patchStatus(Context<DeepSeekDeployment> ctx, DeepSeekDeployment d,
      DeepSeekDeploymentStatus status) {
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
}
