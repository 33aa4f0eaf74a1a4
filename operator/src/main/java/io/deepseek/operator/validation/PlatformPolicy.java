package io.deepseek.operator.validation;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekPolicy;
import io.deepseek.operator.api.v1alpha1.DeepSeekPolicySpec;
import io.deepseek.operator.model.DeploymentModel;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The platform team's rules for tenants' DeepSeekDeployments: every DeepSeekPolicy that selects the namespace, each with
 * the operator's defaults where it says nothing, must allow the deployment. Pure: policies, the namespace's labels and the
 * namespace's other deployments come in. Each violation names the policy, the rule and the field.
 */
public final class PlatformPolicy {
  static final Set<String> CONTROL_PLANE_KEYS = Set.of("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master");

  /**
   * The operator's own rules (deepseek.operator.policy.*), used where no policy selects a namespace and for every field a
   * policy leaves unset. {@code serviceAnnotationPrefixes} null: any annotation (LoadBalancer, the type that makes cloud
   * controllers act on them, is refused by the default service types).
   */
  public record Defaults(boolean allowHostNetwork, boolean allowRdma, List<String> serviceTypes, List<String> serviceAccounts,
      List<String> schedulerNames, List<String> acceleratorResources, List<String> serviceAnnotationPrefixes) {
    public static final Defaults BUILT_IN = new Defaults(true, true, List.of("ClusterIP"), List.of("default"),
        List.of("default-scheduler"), List.of("nvidia.com/gpu", "huawei.com/Ascend910", "huawei.com/ascend-1980"), null);

    /** Blank or malformed entries are refused (the operator does not start), never read as allow-all. */
    public Defaults {
      for (List<String> list : List.of(serviceTypes, serviceAccounts, schedulerNames, acceleratorResources,
          serviceAnnotationPrefixes == null ? List.<String>of() : serviceAnnotationPrefixes)) {
        for (String entry : list) {
          if (entry == null || entry.isBlank() || entry.contains(" ")) {
            throw new IllegalArgumentException("deepseek.operator.policy: '" + entry + "' is not an entry (blank entries are"
                + " refused, never read as allow-all)");
          }
        }
      }
      for (String type : serviceTypes) {
        if (!List.of("ClusterIP", "NodePort", "LoadBalancer").contains(type)) {
          throw new IllegalArgumentException("deepseek.operator.policy.service-types: " + type + " is not ClusterIP, NodePort"
              + " or LoadBalancer");
        }
      }
    }
  }

  private PlatformPolicy() {}

  /**
   * @param policies every DeepSeekPolicy of the cluster
   * @param namespaceLabels the labels of the deployment's namespace
   * @param sameNamespace the deployments of the namespace (the ceiling counts them, oldest first)
   */
  public static List<String> check(DeploymentModel m, Collection<DeepSeekPolicy> policies, Map<String, String> namespaceLabels,
      Defaults defaults, Collection<DeepSeekDeployment> sameNamespace) {
    return check(m, policies, namespaceLabels, defaults, () -> sameNamespace, Function.identity());
  }

  /**
   * @param sameNamespace the deployments of the namespace; asked for only where a ceiling counts them (reading them is
   *     O(N) per reconcile, O(N²) in all, in a namespace of N deployments)
   * @param asRun a deployment of the namespace as it runs (its profile applied); called only where a ceiling counts the
   *     namespace's accelerators
   */
  public static List<String> check(DeploymentModel m, Collection<DeepSeekPolicy> policies, Map<String, String> namespaceLabels,
      Defaults defaults, Supplier<Collection<DeepSeekDeployment>> sameNamespace,
      Function<DeepSeekDeployment, DeepSeekDeployment> asRun) {
    List<DeepSeekPolicy> applicable = policies.stream().filter(p -> selects(p.getSpec() == null ? null
        : p.getSpec().namespaceSelector, namespaceLabels)).sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    List<String> violations = new ArrayList<>();
    if (applicable.isEmpty()) {
      check(m, "the operator's defaults", new DeepSeekPolicySpec(), defaults, sameNamespace, asRun, violations);
    }
    for (DeepSeekPolicy p : applicable) {
      check(m, "DeepSeekPolicy " + p.getMetadata().getName(), p.getSpec() == null ? new DeepSeekPolicySpec() : p.getSpec(),
          defaults, sameNamespace, asRun, violations);
    }
    return violations;
  }

  private static void check(DeploymentModel m, String source, DeepSeekPolicySpec policy, Defaults defaults,
      Supplier<Collection<DeepSeekDeployment>> sameNamespace, Function<DeepSeekDeployment, DeepSeekDeployment> asRun,
      List<String> v) {
    DeepSeekPolicySpec p = withoutBlankEntries(policy);
    String image = m.engine().image == null ? "" : m.engine().image;
    if (p.allowedImagePrefixes != null && p.allowedImagePrefixes.stream().noneMatch(image::startsWith)) {
      v.add(source + " (allowedImagePrefixes): spec.engine.image " + image + " is not from an allowed registry ("
          + String.join(", ", p.allowedImagePrefixes) + ")");
    }
    String router = m.disaggregated() ? m.routerImage() : null;
    if (router != null && p.allowedImagePrefixes != null && p.allowedImagePrefixes.stream().noneMatch(router::startsWith)) {
      v.add(source + " (allowedImagePrefixes): the router image " + router + " (spec.router.image) is not from an allowed"
          + " registry (" + String.join(", ", p.allowedImagePrefixes) + ")");
    }
    if (m.hostNetwork() && !Objects.requireNonNullElse(p.allowHostNetwork, defaults.allowHostNetwork())) {
      v.add(source + " (allowHostNetwork): spec.network.hostNetwork is not allowed in this namespace; remove it");
    }
    if (m.rdma() != null && !Objects.requireNonNullElse(p.allowRdma, defaults.allowRdma())) {
      v.add(source + " (allowRdma): spec.network.rdma (RDMA devices and the IPC_LOCK capability) is not allowed in this"
          + " namespace; remove it");
    }
    if (p.allowedHostPathPrefixes != null) {
      HostPathPolicy paths;
      try {
        paths = p.allowedHostPathPrefixes.isEmpty() ? null : new HostPathPolicy(p.allowedHostPathPrefixes);
      } catch (IllegalArgumentException malformed) {
        // A malformed policy allows nothing rather than everything.
        paths = null;
      }
      String hccn = m.disaggregated() && m.disaggregation().hccnConfig != null
          && !DeploymentModel.DEFAULT_HCCN_CONFIG.equals(m.disaggregation().hccnConfig) ? m.disaggregation().hccnConfig : null;
      for (String[] f : new String[][] {{"spec.model.source.hostPath", m.modelSource().hostPath},
          {"spec.model.draftPath", m.modelSource().hostPath != null ? m.draftPath() : null},
          {"spec.disaggregation.hccnConfig", hccn}}) {
        if (f[1] != null && (paths == null || paths.check(f[0], f[1]).isPresent())) {
          v.add(source + " (allowedHostPathPrefixes): " + f[0] + " " + f[1] + " is not under "
              + (paths == null ? "any directory (host paths are not allowed here)" : String.join(", ", p.allowedHostPathPrefixes)));
        }
      }
    }
    tolerations(m, source, p, v);
    String priority = m.scheduling().priorityClassName;
    if (priority != null && (p.allowedPriorityClasses != null ? !p.allowedPriorityClasses.contains(priority) : priority.startsWith("system-"))) {
      v.add(source + " (allowedPriorityClasses): spec.scheduling.priorityClassName " + priority + " is not allowed"
          + (p.allowedPriorityClasses != null ? " (allowed: " + String.join(", ", p.allowedPriorityClasses) + ")"
              : ": system- priority classes are for the cluster's own components"));
    }
    allowedValue(source, "allowedServiceAccounts", "spec.podTemplate.serviceAccountName",
        Objects.requireNonNullElse(m.podTemplate().serviceAccountName, "default"),
        Objects.requireNonNullElse(p.allowedServiceAccounts, defaults.serviceAccounts()), v);
    allowedValue(source, "allowedSchedulerNames", "spec.scheduling.schedulerName",
        Objects.requireNonNullElse(m.scheduling().schedulerName, "default-scheduler"),
        Objects.requireNonNullElse(p.allowedSchedulerNames, defaults.schedulerNames()), v);
    List<String> types = p.allowedServiceTypes == null ? defaults.serviceTypes() : p.allowedServiceTypes.stream().map(Enum::name).toList();
    allowedValue(source, "allowedServiceTypes", "spec.service.type", m.serviceType(), types, v);
    List<String> annotationPrefixes = p.allowedServiceAnnotationPrefixes != null ? p.allowedServiceAnnotationPrefixes
        : defaults.serviceAnnotationPrefixes();
    if (m.service().annotations != null && annotationPrefixes != null) {
      m.service().annotations.keySet().stream().sorted().filter(k -> annotationPrefixes.stream().noneMatch(k::startsWith))
          .forEach(k -> v.add(source + " (allowedServiceAnnotationPrefixes): spec.service.annotations " + k + " is not allowed"
              + (annotationPrefixes.isEmpty() ? " (no client Service annotations are)" : " (allowed: "
                  + String.join(", ", annotationPrefixes) + ")")));
    }
    for (DeploymentModel set : m.sets()) {
      allowedValue(source, "allowedAcceleratorResources", set.role() == null ? "spec.accelerator.resourceName"
          : "spec.roles." + set.role().id() + ".accelerator.resourceName (or spec.accelerator's)", set.acceleratorResource(),
          Objects.requireNonNullElse(p.allowedAcceleratorResources, defaults.acceleratorResources()), v);
    }
    if (!Boolean.TRUE.equals(p.allowControlPlaneNodes)) {
      controlPlane(m).forEach(where -> v.add(source + " (allowControlPlaneNodes): " + where + " steers pods onto control-plane"
          + " nodes; remove it"));
    }
    String profile = m.resource().getSpec() == null ? null : m.resource().getSpec().profile;
    if (Boolean.TRUE.equals(p.requireProfile) && profile == null) {
      v.add(source + " (requireProfile): spec.profile is required in this namespace: name one of the platform team's"
          + " DeepSeekProfiles (kubectl get dsprofile)" + (p.allowedProfiles == null ? "" : ", allowed: " + String.join(", ", p.allowedProfiles)));
    }
    if (profile != null && p.allowedProfiles != null && !p.allowedProfiles.contains(profile)) {
      v.add(source + " (allowedProfiles): spec.profile " + profile + " is not allowed in this namespace (allowed: "
          + (p.allowedProfiles.isEmpty() ? "none" : String.join(", ", p.allowedProfiles)) + ")");
    }
    if (p.maxAcceleratorsPerNamespace != null) {
      ceiling(m, source, p.maxAcceleratorsPerNamespace, sameNamespace, asRun, v);
    }
  }

  /** A blank entry allows nothing (a blank prefix would otherwise allow everything). */
  static DeepSeekPolicySpec withoutBlankEntries(DeepSeekPolicySpec p) {
    DeepSeekPolicySpec c = io.deepseek.operator.model.Json.copy(p);
    c.allowedImagePrefixes = nonBlank(c.allowedImagePrefixes);
    c.allowedPriorityClasses = nonBlank(c.allowedPriorityClasses);
    c.allowedServiceAccounts = nonBlank(c.allowedServiceAccounts);
    c.allowedSchedulerNames = nonBlank(c.allowedSchedulerNames);
    c.allowedServiceAnnotationPrefixes = nonBlank(c.allowedServiceAnnotationPrefixes);
    c.allowedAcceleratorResources = nonBlank(c.allowedAcceleratorResources);
    c.allowedProfiles = nonBlank(c.allowedProfiles);
    return c;
  }

  private static List<String> nonBlank(List<String> list) {
    return list == null ? null : list.stream().filter(s -> s != null && !s.isBlank()).map(String::trim).toList();
  }

  private static void allowedValue(String source, String rule, String field, String value, List<String> allowed, List<String> v) {
    if (!allowed.contains(value)) {
      v.add(source + " (" + rule + "): " + field + " " + value + " is not allowed (allowed: "
          + (allowed.isEmpty() ? "none" : String.join(", ", allowed)) + ")");
    }
  }

  private static void tolerations(DeploymentModel m, String source, DeepSeekPolicySpec p, List<String> v) {
    List<Toleration> tolerations = m.scheduling().tolerations == null ? List.of() : m.scheduling().tolerations;
    for (int i = 0; i < tolerations.size(); i++) {
      Toleration t = tolerations.get(i);
      String field = "spec.scheduling.tolerations[" + i + "]";
      if (p.allowedTolerations != null) {
        if (p.allowedTolerations.stream().noneMatch(a -> covers(a, t))) {
          v.add(source + " (allowedTolerations): " + field + " (key " + t.getKey() + ", effect " + t.getEffect()
              + ") is not one the platform allows");
        }
      } else if (isBlank(t.getKey()) && "Exists".equals(t.getOperator())) {
        v.add(source + " (allowedTolerations): " + field + " tolerates every taint (no key, operator Exists); name the taints"
            + " the accelerator nodes carry instead");
      } else if (t.getKey() != null && CONTROL_PLANE_KEYS.contains(t.getKey())) {
        v.add(source + " (allowedTolerations): " + field + " tolerates the control plane's taint " + t.getKey());
      }
    }
  }

  /** An allowed toleration covers a deployment's when key and effect agree and it allows the value (Exists: any). */
  static boolean covers(Toleration allowed, Toleration t) {
    boolean key = Objects.equals(nonBlank(allowed.getKey()), nonBlank(t.getKey()));
    boolean effect = isBlank(allowed.getEffect()) || Objects.equals(allowed.getEffect(), t.getEffect());
    boolean value = "Exists".equals(allowed.getOperator())
        || (!"Exists".equals(t.getOperator()) && Objects.equals(nonBlank(allowed.getValue()), nonBlank(t.getValue())));
    boolean tolerationSeconds = allowed.getTolerationSeconds() == null
        || (t.getTolerationSeconds() != null && t.getTolerationSeconds() <= allowed.getTolerationSeconds());
    return key && effect && value && tolerationSeconds;
  }

  /** Where the spec steers pods onto control-plane nodes. */
  static List<String> controlPlane(DeploymentModel m) {
    List<String> where = new ArrayList<>();
    Map<String, String> selector = m.scheduling().nodeSelector == null ? Map.of() : m.scheduling().nodeSelector;
    selector.keySet().stream().filter(CONTROL_PLANE_KEYS::contains).sorted()
        .forEach(k -> where.add("spec.scheduling.nodeSelector " + k));
    Affinity affinity = m.scheduling().affinity;
    if (affinity != null && affinity.getNodeAffinity() != null) {
      Stream<NodeSelectorTerm> required = affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null
          ? Stream.empty() : affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().stream();
      Stream<NodeSelectorTerm> preferred = affinity.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() == null
          ? Stream.empty() : affinity.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().stream()
              .map(w -> w.getPreference()).filter(Objects::nonNull);
      Stream.concat(required, preferred).flatMap(t -> t.getMatchExpressions() == null ? Stream.empty() : t.getMatchExpressions().stream())
          .map(NodeSelectorRequirement::getKey).filter(CONTROL_PLANE_KEYS::contains).distinct().sorted()
          .forEach(k -> where.add("spec.scheduling.affinity (node affinity on " + k + ")"));
    }
    return where;
  }

  /** Deployments are counted oldest first: the ones that cross the ceiling (this one among them?) are refused. */
  private static void ceiling(DeploymentModel m, String source, int max, Supplier<Collection<DeepSeekDeployment>> sameNamespace,
      Function<DeepSeekDeployment, DeepSeekDeployment> asRun, List<String> v) {
    DeepSeekDeployment self = m.resource();
    List<DeepSeekDeployment> all = new ArrayList<>(sameNamespace.get().stream()
        .filter(d -> !Objects.equals(d.getMetadata().getName(), self.getMetadata().getName())).toList());
    all.add(self);
    all.sort(NameCollisions.OLDEST_FIRST);
    long used = 0;
    for (DeepSeekDeployment d : all) {
      long asks = accelerators(d == self ? m : DeploymentModel.of(asRun.apply(d)));
      if (d == self) {
        if (used + asks > max) {
          v.add(source + " (maxAcceleratorsPerNamespace): " + asked(m) + " = " + asks + " accelerators, but the namespace may use "
              + max + " and older deployments use " + used + "; lower " + (m.disaggregated() ? "the roles' replicas" : "spec.replicas")
              + (m.autoscaled() ? " or maxReplicas" : "") + ", or ask the platform team for more");
        }
        return;
      }
      used += asks;
    }
  }

  /**
   * The accelerators a deployment may take: over its sets (each role with roles), the groups it may have (with autoscaling
   * its maxReplicas: the autoscaler may go there) x nodes x devices per pod.
   */
  static long accelerators(DeploymentModel m) {
    long total = 0;
    for (DeploymentModel set : m.sets()) {
      total += (long) groups(set) * set.nodes() * set.perNode();
    }
    return total;
  }

  private static int groups(DeploymentModel set) {
    Integer most = set.autoscaling() == null ? null : set.autoscaling().maxReplicas;
    return most == null ? set.replicas() : Math.max(most, set.replicas());
  }

  /** "spec.replicas 2 x 2 node(s) x 8", or per role "prefill 1 x 1 x 8 + decode 2 x 2 x 8". */
  private static String asked(DeploymentModel m) {
    List<String> parts = new ArrayList<>();
    for (DeploymentModel set : m.sets()) {
      String groups = set.autoscaling() != null && set.autoscaling().maxReplicas != null
          ? "maxReplicas " + groups(set) : (set.role() == null ? "spec.replicas " : "replicas ") + set.replicas();
      parts.add((set.role() == null ? "" : set.role().id() + " ") + groups + " x " + set.nodes() + " node(s) x " + set.perNode());
    }
    return String.join(" + ", parts);
  }

  /** Kubernetes label-selector semantics; an unset selector selects every namespace. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null
        && selector.getMatchLabels().entrySet().stream().anyMatch(e -> !Objects.equals(l.get(e.getKey()), e.getValue()))) {
      return false;
    }
    for (LabelSelectorRequirement r : selector.getMatchExpressions() == null ? List.<LabelSelectorRequirement>of()
        : selector.getMatchExpressions()) {
      List<String> values = r.getValues() == null ? List.of() : r.getValues();
      boolean has = l.containsKey(r.getKey());
      boolean ok = switch (r.getOperator()) {
        case "In" -> has && values.contains(l.get(r.getKey()));
        case "NotIn" -> !has || !values.contains(l.get(r.getKey()));
        case "Exists" -> has;
        case "DoesNotExist" -> !has;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static String nonBlank(String s) {
    return isBlank(s) ? null : s;
  }
}
