package io.deepseek.operator.reconciler;

import static io.fabric8.kubernetes.client.informers.cache.Cache.NAMESPACE_INDEX;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekPolicy;
import io.deepseek.operator.api.v1alpha1.DeepSeekProfile;
import io.deepseek.operator.config.OperatorConfig;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Profiles;
import io.deepseek.operator.observe.Observation;
import io.deepseek.operator.observe.Ownership;
import io.deepseek.operator.validation.HostPathPolicy;
import io.deepseek.operator.validation.NameCollisions;
import io.deepseek.operator.validation.PlatformPolicy;
import io.deepseek.operator.validation.SpecValidator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The inputs of the decision whether a deployment may run at all, gathered from the operator's caches: the spec's own
 * problems (validation, names colliding with an older deployment's children) and the platform policy's violations (the
 * DeepSeekPolicies, the namespace's labels, the namespace's other deployments). The checks themselves are pure
 * (validation/); this class only reads.
 */
final class Admission {
  /** What a reconcile found against the deployment, before planning. */
  record Verdict(List<String> problems, List<String> violations) {}

  /** The deployment as it runs, with its profile applied; or why it cannot be (the profile does not exist). */
  record Resolved(DeepSeekDeployment deployment, List<String> problems) {}

  /** The deployments by namespace/name of each deployment that would generate their names for its children. */
  static final String ROOTS_INDEX = "deepseek.io/name-roots";

  private final HostPathPolicy hostPaths;
  private final PlatformPolicy.Defaults policyDefaults;
  private final int maxGroups;
  private InformerEventSource<DeepSeekPolicy, DeepSeekDeployment> policies;
  private InformerEventSource<Namespace, DeepSeekDeployment> namespaces;
  private InformerEventSource<DeepSeekProfile, DeepSeekDeployment> profiles;

  /** Fails the operator's start on a malformed configuration: better than running with rules that mean something else. */
  Admission(OperatorConfig config) {
    this.hostPaths = new HostPathPolicy(config.hostPathAllowedPrefixes());
    OperatorConfig.Policy p = config.policy();
    this.policyDefaults = new PlatformPolicy.Defaults(p.allowHostNetwork(), p.allowRdma(), p.serviceTypes(), p.serviceAccounts(),
        p.schedulerNames(), p.acceleratorResources(), p.serviceAnnotationPrefixes().orElse(null));
    this.maxGroups = config.maxGroupsPerDeployment();
  }

  /** A policy change concerns every deployment; a namespace's labels decide which policies apply to its deployments. */
  List<EventSource<?, DeepSeekDeployment>> eventSources(EventSourceContext<DeepSeekDeployment> context) {
    context.getPrimaryCache().addIndexer(ROOTS_INDEX, d -> NameCollisions.roots(d.getMetadata().getName()).stream()
        .map(root -> rootKey(d.getMetadata().getNamespace(), root)).toList());
    policies = new InformerEventSource<>(InformerEventSourceConfiguration.from(DeepSeekPolicy.class, DeepSeekDeployment.class)
        .withSecondaryToPrimaryMapper(p -> context.getPrimaryCache().list().map(ResourceID::fromResource)
            .collect(Collectors.toSet())).build(), context);
    namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, DeepSeekDeployment.class)
        .withItemStore(new TrimmedStore<>()).withInformerListLimit(TrimmedStore.LIST_PAGE)
        .withSecondaryToPrimaryMapper(n -> context.getPrimaryCache().list(n.getMetadata().getName())
            .map(ResourceID::fromResource).collect(Collectors.toSet())).build(), context);
    // A profile's change rolls every deployment that names it.
    profiles = new InformerEventSource<>(InformerEventSourceConfiguration.from(DeepSeekProfile.class, DeepSeekDeployment.class)
        .withSecondaryToPrimaryMapper(p -> context.getPrimaryCache().list(d -> d.getSpec() != null
            && p.getMetadata().getName().equals(d.getSpec().profile)).map(ResourceID::fromResource)
            .collect(Collectors.toSet())).build(), context);
    return List.of(policies, namespaces, profiles);
  }

  /** The key of {@link #ROOTS_INDEX}: a name that would generate others' names, in its namespace. */
  private static String rootKey(String namespace, String root) {
    return namespace + "/" + root;
  }

  /** The deployment's namespace as cached (null before the cache has it). */
  Namespace namespace(DeepSeekDeployment d) {
    return namespaces.get(new ResourceID(d.getMetadata().getNamespace())).orElse(null);
  }

  Resolved resolve(DeepSeekDeployment d) {
    String name = d.getSpec() == null ? null : d.getSpec().profile;
    if (name == null) {
      return new Resolved(d, List.of());
    }
    DeepSeekProfile profile = profiles.get(new ResourceID(name)).orElse(null);
    if (profile == null) {
      return new Resolved(d, List.of("spec.profile: DeepSeekProfile " + name + " does not exist; kubectl get dsprofile lists"
          + " the profiles the platform team publishes"));
    }
    return new Resolved(Profiles.resolve(d, profile), List.of());
  }

  /** @param resolved the deployment with its profile applied ({@link #resolve}) */
  Verdict judge(Resolved resolved, DeploymentModel model, Context<DeepSeekDeployment> ctx) {
    if (!resolved.problems().isEmpty()) {
      return new Verdict(resolved.problems(), List.of());
    }
    DeepSeekDeployment d = resolved.deployment();
    String ns = d.getMetadata().getNamespace();
    IndexedResourceCache<DeepSeekDeployment> cache = ctx.getPrimaryCache();
    List<String> problems = new ArrayList<>(SpecValidator.validate(d, hostPaths, maxGroups));
    // By lookups, not the namespace's list: each reconcile of 1000 deployments in one namespace would copy the 1000.
    problems.addAll(NameCollisions.check(d, NameCollisions.candidates(d.getMetadata().getName(),
        name -> cache.get(new ResourceID(name, ns)), name -> cache.byIndex(ROOTS_INDEX, rootKey(ns, name)))));
    Namespace namespace = namespace(d);
    List<String> violations = PlatformPolicy.check(model, policies.list().toList(),
        namespace == null ? Map.of() : namespace.getMetadata().getLabels(), policyDefaults,
        // By the informer's namespace index (list(namespace) would copy and filter the whole cache), and only if a ceiling asks.
        () -> cache.byIndex(NAMESPACE_INDEX, ns),
        // A ceiling counts what the others really ask for: with their profiles applied (only then, it costs a merge each).
        other -> resolve(other).deployment());
    return new Verdict(problems, violations);
  }

  /**
   * Of the objects the plan would create, those whose names exist already and are not this deployment's. The caches hold
   * only the operator's own objects, so each name is read once (all at once), when it is about to be created: a Service or StatefulSet
   * of the same name that belongs to someone else is never rewritten, owned and later garbage-collected with us.
   */
  static Map<String, String> taken(KubernetesClient client, DeepSeekDeployment d, List<HasMetadata> creates) {
    Map<String, String> taken = new TreeMap<>();
    List<String> owners = Concurrently.map(creates, desired -> {
      HasMetadata existing = client.resource(desired).get();
      return existing == null ? null : Ownership.foreignOwner(d, existing);
    });
    for (int i = 0; i < creates.size(); i++) {
      if (owners.get(i) != null) {
        taken.put(Observation.key(creates.get(i)), owners.get(i));
      }
    }
    return taken;
  }
}
