package io.deepseek.operator.desired;

import io.deepseek.operator.api.v1alpha1.DisaggregationSpec.TransferBackend;
import io.deepseek.operator.api.v1alpha1.EngineType;
import io.deepseek.operator.api.v1alpha1.RouterSpec;
import io.deepseek.operator.api.v1alpha1.ServingRole;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Names;
import io.deepseek.operator.model.Owners;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The router of a deployment with prefill/decode roles. One Deployment per revision that has groups: it discovers, by
 * label, the leader pods of that revision only (never a worker pod, never another revision), so a request is always
 * served by a prefill group and a decode group of one revision, also in the middle of a rollout; the client Service
 * selects every router, and a router is Ready only while it has a healthy pair (the routers' /readiness).
 */
public final class Routers {
  public static final String COMPONENT = "router";
  public static final int PORT = 8000;
  public static final int METRICS_PORT = 29000;
  /** Where the SGLang Model Gateway reads a prefill pod's bootstrap port. */
  public static final String BOOTSTRAP_PORT_ANNOTATION = "sglang.ai/bootstrap-port";

  private Routers() {}

  public static RouterSpec spec(DeploymentModel m) {
    RouterSpec r = m.resource().getSpec() == null ? null : m.resource().getSpec().router;
    return r == null ? new RouterSpec() : r;
  }

  public static String image(DeploymentModel m) {
    return m.routerImage();
  }

  public static int replicas(DeploymentModel m) {
    return spec(m).replicas == null ? 2 : spec(m).replicas;
  }

  public static ServiceAccount serviceAccount(DeploymentModel m) {
    return new ServiceAccountBuilder().withNewMetadata().withName(Names.router(m)).withNamespace(m.namespace())
        .withLabels(Labels.common(m.resource(), COMPONENT)).withOwnerReferences(Owners.deployment(m.resource())).endMetadata()
        .withAutomountServiceAccountToken(true).build();
  }

  /** Discovery reads pods in the deployment's namespace; nothing else. */
  public static Role role(DeploymentModel m) {
    return new RoleBuilder().withNewMetadata().withName(Names.router(m)).withNamespace(m.namespace())
        .withLabels(Labels.common(m.resource(), COMPONENT)).withOwnerReferences(Owners.deployment(m.resource())).endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("pods").withVerbs("get", "list", "watch").build())
        .build();
  }

  public static RoleBinding roleBinding(DeploymentModel m) {
    return new RoleBindingBuilder().withNewMetadata().withName(Names.router(m)).withNamespace(m.namespace())
        .withLabels(Labels.common(m.resource(), COMPONENT)).withOwnerReferences(Owners.deployment(m.resource())).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", Names.router(m))
        .addNewSubject().withKind("ServiceAccount").withName(Names.router(m)).withNamespace(m.namespace()).endSubject()
        .build();
  }

  /** What clients use: every router of the deployment (each one Ready only while it has a pair to route to). */
  public static Service clientService(DeploymentModel m) {
    Map<String, String> selector = new TreeMap<>();
    selector.put(Labels.DEPLOYMENT, m.name());
    selector.put(Labels.COMPONENT, COMPONENT);
    return new ServiceBuilder().withNewMetadata().withName(Names.clientService(m)).withNamespace(m.namespace())
        .withLabels(Labels.common(m.resource(), "service")).withAnnotations(m.service().annotations)
        .withOwnerReferences(Owners.deployment(m.resource())).endMetadata()
        .withNewSpec().withType(m.serviceType()).withSelector(selector)
        .withPorts(new ServicePortBuilder().withName("http").withPort(m.servicePort()).withProtocol("TCP")
            .withTargetPort(new IntOrString("http")).build())
        .endSpec().build();
  }

  /** The leader pods of one role at one revision: what a router discovers. */
  public static Map<String, String> selector(DeploymentModel m, ServingRole role, String revision) {
    Map<String, String> s = new TreeMap<>();
    s.put(Labels.DEPLOYMENT, m.name());
    s.put(Labels.SERVING_ROLE, role.id());
    s.put(Labels.POSITION, Labels.POSITION_LEADER);
    s.put(Labels.REVISION, revision);
    return s;
  }

  /** The router's command line: the engine's router, discovery on leader pods of this revision, the policy. */
  public static List<String> args(DeploymentModel m, String revision) {
    List<String> a = new ArrayList<>();
    boolean sglang = m.engineType() == EngineType.SGLang;
    if (sglang) {
      a.addAll(List.of("python3", "-m", "smg.launch_router", "--pd-disaggregation"));
    } else {
      a.addAll(List.of("vllm-router", "--vllm-pd-disaggregation"));
    }
    a.addAll(List.of("--service-discovery", "--service-discovery-namespace", m.namespace(),
        "--service-discovery-port", Integer.toString(m.enginePort())));
    a.add("--prefill-selector");
    selector(m, ServingRole.PREFILL, revision).forEach((k, v) -> a.add(k + "=" + v));
    a.add("--decode-selector");
    selector(m, ServingRole.DECODE, revision).forEach((k, v) -> a.add(k + "=" + v));
    if (!sglang) {
      a.add("--kv-connector");
      a.add(m.transferBackend() == TransferBackend.NIXL ? "nixl" : "mooncake");
    }
    // A dead prefill leader fails the requests sent to it on both sides, and both routers then open the circuit of the
    // decode worker too: with one decode group, every request got 503 for the breaker's 60 s (DisaggregationIT). A
    // dead or unready leader leaves discovery as its pod leaves Ready; a user's own --cb-* flags keep the breaker.
    if (spec(m).extraArgs == null || spec(m).extraArgs.stream().noneMatch(x -> x.startsWith("--cb-"))) {
      a.add("--disable-circuit-breaker");
    }
    a.addAll(List.of("--policy", policy(spec(m).policy), "--host", "0.0.0.0", "--port", Integer.toString(PORT),
        "--prometheus-host", "0.0.0.0", "--prometheus-port", Integer.toString(METRICS_PORT)));
    if (spec(m).extraArgs != null) {
      a.addAll(spec(m).extraArgs);
    }
    return a;
  }

  static String policy(RouterSpec.Policy p) {
    return switch (p == null ? RouterSpec.Policy.CacheAware : p) {
      case CacheAware -> "cache_aware";
      case PowerOfTwo -> "power_of_two";
      case RoundRobin -> "round_robin";
      case Random -> "random";
    };
  }

  /** How long a stopping router keeps serving before it is signalled: the Service's endpoints update meanwhile. */
  static final long DRAIN_SECONDS = 5;

  public static Deployment deployment(DeploymentModel m, String revision) {
    Map<String, String> selector = new TreeMap<>();
    selector.put(Labels.DEPLOYMENT, m.name());
    selector.put(Labels.COMPONENT, COMPONENT);
    selector.put(Labels.REVISION, revision);
    Map<String, String> labels = Labels.common(m.resource(), COMPONENT);
    labels.put(Labels.REVISION, revision);
    Map<String, Quantity> resources = new TreeMap<>();
    if (spec(m).cpu != null) {
      resources.put("cpu", spec(m).cpu);
    }
    if (spec(m).memory != null) {
      resources.put("memory", spec(m).memory);
    }
    List<String> args = args(m, revision);
    ContainerBuilder router = new ContainerBuilder().withName(COMPONENT).withImage(image(m))
        .withCommand(args.subList(0, commandLength(m))).withArgs(args.subList(commandLength(m), args.size()))
        .withPorts(new ContainerPortBuilder().withName("http").withContainerPort(PORT).withProtocol("TCP").build(),
            new ContainerPortBuilder().withName("metrics").withContainerPort(METRICS_PORT).withProtocol("TCP").build())
        // Ready only with a healthy prefill and decode group to pair: the client Service never sends to a router without.
        .withReadinessProbe(probe("/readiness", 5, 2)).withLivenessProbe(probe("/liveness", 10, 3))
        // A router that goes (a retired revision's, a rolled one) keeps serving while the client Service's endpoints drop
        // it: vllm-router exits at SIGTERM at once, and the requests kube-proxy still sent it were refused (DisaggregationIT).
        .withNewLifecycle().withNewPreStop().withNewSleep().withSeconds(DRAIN_SECONDS).endSleep().endPreStop().endLifecycle()
        .withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext();
    if (!resources.isEmpty()) {
      router.withNewResources().withRequests(resources).withLimits(resources).endResources();
    }
    return new DeploymentBuilder().withNewMetadata().withName(Names.routerDeployment(m, revision)).withNamespace(m.namespace())
        .withLabels(labels).withOwnerReferences(Owners.deployment(m.resource())).endMetadata()
        .withNewSpec().withReplicas(replicas(m)).withNewSelector().withMatchLabels(selector).endSelector()
        .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate().withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1)).endRollingUpdate().endStrategy()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().withServiceAccountName(Names.router(m)).withEnableServiceLinks(false)
        .withContainers(router.build())
        .withImagePullSecrets(m.podTemplate().imagePullSecrets)
        .withNewSecurityContext().withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .endSpec().endTemplate().endSpec().build();
  }

  private static int commandLength(DeploymentModel m) {
    return m.engineType() == EngineType.SGLang ? 3 : 1;
  }

  private static Probe probe(String path, int period, int failures) {
    return new ProbeBuilder().withNewHttpGet().withPath(path).withNewPort("http").endHttpGet().withPeriodSeconds(period)
        .withTimeoutSeconds(3).withFailureThreshold(failures).build();
  }

  /** The bootstrap port annotation a prefill leader carries for the router, or none. */
  public static Map<String, String> podAnnotations(DeploymentModel m) {
    if (m.role() != ServingRole.PREFILL) {
      return Map.of();
    }
    return Map.of(BOOTSTRAP_PORT_ANNOTATION, Integer.toString(m.bootstrapPort()));
  }
}
