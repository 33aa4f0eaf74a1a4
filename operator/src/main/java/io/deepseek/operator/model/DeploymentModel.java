package io.deepseek.operator.model;

import io.deepseek.operator.api.v1alpha1.AcceleratorProduct;
import io.deepseek.operator.api.v1alpha1.AcceleratorSpec;
import io.deepseek.operator.api.v1alpha1.AcceleratorType;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.AutoscalingSpec;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentSpec;
import io.deepseek.operator.api.v1alpha1.DisaggregationSpec;
import io.deepseek.operator.api.v1alpha1.RoleSpec;
import io.deepseek.operator.api.v1alpha1.ServingRole;
import io.deepseek.operator.api.v1alpha1.EngineSpec;
import io.deepseek.operator.api.v1alpha1.EngineType;
import io.deepseek.operator.api.v1alpha1.FailureSpec;
import io.deepseek.operator.api.v1alpha1.ModelSource;
import io.deepseek.operator.api.v1alpha1.ModelSpec;
import io.deepseek.operator.api.v1alpha1.NetworkSpec;
import io.deepseek.operator.api.v1alpha1.ParallelismSpec;
import io.deepseek.operator.api.v1alpha1.PodTemplateOverrides;
import io.deepseek.operator.api.v1alpha1.ResourcesSpec;
import io.deepseek.operator.api.v1alpha1.RolloutSpec;
import io.deepseek.operator.api.v1alpha1.SchedulingSpec;
import io.deepseek.operator.api.v1alpha1.ServiceSpec;
import io.deepseek.operator.api.v1alpha1.StartupSpec;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DeepSeekDeployment with every default resolved, so that builders never deal with nulls. Pure: built from the custom
 * resource alone (Strimzi's {@code fromCrd} pattern). Unset tuning fields stay null: they generate no flag.
 */
public final class DeploymentModel {
  public static final String MODELS_ROOT = "/models";
  public static final int DEFAULT_DIST_INIT_PORT = 20000;
  public static final int DEFAULT_SERVICE_PORT = 8000;
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(60);
  private static final Pattern DURATION = Pattern.compile("^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$");

  private final DeepSeekDeployment resource;
  /** The spec this model reads: the resource's, or with a role, the role's fields over it. */
  private final DeepSeekDeploymentSpec spec;
  /** The role whose groups this model renders, or null: the whole deployment (all of it without roles). */
  private final ServingRole role;
  private final int render;
  /** The groups wanted when the autoscaler decides them (spec.autoscaling), else null: spec.replicas. */
  private final Integer autoscaled;

  private DeploymentModel(DeepSeekDeployment resource, int render) {
    this(resource, resource.getSpec() == null ? new DeepSeekDeploymentSpec() : resource.getSpec(), null, render, null);
  }

  private DeploymentModel(DeepSeekDeployment resource, DeepSeekDeploymentSpec spec, ServingRole role, int render,
      Integer autoscaled) {
    this.resource = resource;
    this.spec = spec;
    this.role = role;
    this.render = render;
    this.autoscaled = autoscaled;
  }

  /** The same deployment with the number of groups the autoscaler decided (spec.replicas is not used then). */
  public DeploymentModel withAutoscaledReplicas(int replicas) {
    return new DeploymentModel(resource, spec, role, render, replicas);
  }

  /** Whether the deployment splits into prefill and decode roles (spec.roles). */
  public boolean disaggregated() {
    return original().roles != null;
  }

  /** The role this model renders, or null (a deployment without roles, or the deployment as a whole). */
  public ServingRole role() {
    return role;
  }

  /** The sets of groups: one per role with spec.roles, else this deployment's one. */
  public java.util.List<DeploymentModel> sets() {
    return disaggregated() ? roles() : java.util.List.of(this);
  }

  /** One model per role, prefill first; empty without spec.roles. */
  public java.util.List<DeploymentModel> roles() {
    if (!disaggregated()) {
      return java.util.List.of();
    }
    return java.util.Arrays.stream(ServingRole.values()).map(this::forRole).toList();
  }

  /**
   * The deployment as one role's groups see it: the role's replicas, and its parallelism, accelerator and resources
   * where it sets them, its engine fields over spec.engine (extraArgs after, env over). Built from the resource's spec,
   * so that a role's model gives the other role's too.
   */
  public DeploymentModel forRole(ServingRole r) {
    DeepSeekDeploymentSpec base = original();
    RoleSpec rs = base.roles == null ? null : base.roles.get(r);
    if (rs == null) {
      throw new IllegalArgumentException("spec.roles." + r.id() + " is not set");
    }
    DeepSeekDeploymentSpec merged = Json.copy(base);
    merged.replicas = rs.replicas;
    if (rs.parallelism != null) {
      merged.parallelism = Json.copy(rs.parallelism);
    }
    if (rs.accelerator != null) {
      merged.accelerator = Json.copy(rs.accelerator);
    }
    if (rs.resources != null) {
      merged.resources = Json.copy(rs.resources);
    }
    if (rs.engine != null) {
      merged.engine = RoleEngine.over(merged.engine, rs.engine);
    }
    merged.autoscaling = rs.autoscaling == null ? null : Json.copy(rs.autoscaling);
    return new DeploymentModel(resource, merged, r, render, null);
  }

  private DeepSeekDeploymentSpec original() {
    return resource.getSpec() == null ? new DeepSeekDeploymentSpec() : resource.getSpec();
  }

  /**
   * The name of this model's set of groups: the deployment's, or with a role {@code <deployment>-<role>}. Leader pods,
   * StatefulSets and the headless Service are named after it.
   */
  public String setName() {
    return role == null ? name() : name() + "-" + role.id();
  }

  /** How long one role's first group may wait while the other's is placed (disaggregation.placementTimeout). */
  public Duration placementTimeout() {
    Duration d = disaggregation().placementTimeout == null ? null : parseDuration(disaggregation().placementTimeout);
    return d == null ? DEFAULT_PLACEMENT_TIMEOUT : d;
  }

  public static final Duration DEFAULT_PLACEMENT_TIMEOUT = Duration.ofMinutes(10);

  public DisaggregationSpec disaggregation() {
    return original().disaggregation == null ? new DisaggregationSpec() : original().disaggregation;
  }

  /** The image the SGLang Model Gateway publishes (its entrypoint is python3 -m smg.launch_router). */
  public static final String SMG_IMAGE = "lightseekorg/smg:1.13.0";

  /** The router image: as set, else the SGLang Model Gateway's for SGLang; null when none is known (vLLM needs one). */
  public String routerImage() {
    io.deepseek.operator.api.v1alpha1.RouterSpec r = original().router;
    if (r != null && r.image != null) {
      return r.image;
    }
    return engineType() == EngineType.SGLang ? SMG_IMAGE : null;
  }

  /** The prefill:decode band as {min, max} (either may be null); null without one or when a bound is not a number. */
  public double[] prefillPerDecode() {
    DisaggregationSpec.RatioBand b = disaggregation().prefillPerDecode;
    if (b == null) {
      return null;
    }
    try {
      double min = b.min == null ? 0 : Double.parseDouble(b.min);
      double max = b.max == null ? Double.POSITIVE_INFINITY : Double.parseDouble(b.max);
      return new double[] {min, max};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public static final int DEFAULT_BOOTSTRAP_PORT = 8998;
  public static final String DEFAULT_HCCN_CONFIG = "/etc/hccn.conf";

  /** The KV transfer backend: as set, else Mooncake for SGLang, NIXL for vLLM, Ascend for vllm-ascend. */
  public DisaggregationSpec.TransferBackend transferBackend() {
    if (disaggregation().transferBackend != null) {
      return disaggregation().transferBackend;
    }
    return switch (engineType()) {
      case SGLang -> DisaggregationSpec.TransferBackend.Mooncake;
      case VLLM -> DisaggregationSpec.TransferBackend.NIXL;
      case VLLMAscend -> DisaggregationSpec.TransferBackend.Ascend;
    };
  }

  public int bootstrapPort() {
    return disaggregation().bootstrapPort == null ? DEFAULT_BOOTSTRAP_PORT : disaggregation().bootstrapPort;
  }

  public java.util.List<String> ibDevices() {
    return disaggregation().ibDevices == null ? java.util.List.of() : disaggregation().ibDevices;
  }

  /** The node's HCCN configuration file that vllm-ascend P/D needs. */
  public String hccnConfig() {
    return disaggregation().hccnConfig == null ? DEFAULT_HCCN_CONFIG : disaggregation().hccnConfig;
  }

  /** The deployment as a new revision renders it ({@link RenderVersion#CURRENT}). */
  public static DeploymentModel of(DeepSeekDeployment resource) {
    return new DeploymentModel(resource, RenderVersion.CURRENT);
  }

  /** The same deployment rendered as an earlier operator rendered it (a revision keeps its rendering). */
  public DeploymentModel renderedAs(int renderVersion) {
    return renderVersion == render ? this : new DeploymentModel(resource, spec, role, renderVersion, autoscaled);
  }

  /** The {@link RenderVersion} pods are rendered with. */
  public int render() {
    return render;
  }

  public boolean hardened() {
    return render >= RenderVersion.HARDENED;
  }

  public DeepSeekDeployment resource() {
    return resource;
  }

  public String name() {
    return resource.getMetadata().getName();
  }

  public String namespace() {
    return resource.getMetadata().getNamespace();
  }

  /**
   * Groups wanted: the autoscaler's decision with spec.autoscaling, else spec.replicas; for a role its replicas, and for a
   * deployment with roles the groups of all roles.
   */
  public int replicas() {
    if (autoscaled != null) {
      return autoscaled;
    }
    if (role == null && disaggregated()) {
      return roles().stream().mapToInt(DeploymentModel::replicas).sum();
    }
    return spec.replicas == null ? 1 : spec.replicas;
  }

  /** spec.replicas as written (the starting point of an autoscaler that has decided nothing yet). */
  public int specReplicas() {
    return spec.replicas == null ? 1 : spec.replicas;
  }

  public AutoscalingSpec autoscaling() {
    return spec.autoscaling;
  }

  /** Whether an autoscaler sizes any set of groups: spec.autoscaling, or a role's. */
  public boolean autoscaled() {
    return sets().stream().anyMatch(s -> s.autoscaling() != null);
  }

  /** Whether the operator reads the engines' metrics of this deployment (spec.autoscaling, or any role's). */
  public static boolean readsMetrics(DeepSeekDeployment d) {
    return d.getSpec() != null && of(d).autoscaled();
  }

  public static final Duration DEFAULT_SCALE_UP_WINDOW = Duration.ZERO;
  public static final Duration DEFAULT_SCALE_DOWN_WINDOW = Duration.ofMinutes(10);

  /** The autoscaler's policy with its defaults; null without spec.autoscaling or when a value is not valid. */
  public AutoscalingPolicy autoscalingPolicy() {
    AutoscalingSpec a = spec.autoscaling;
    if (a == null || a.maxReplicas == null || a.targets == null) {
      return null;
    }
    java.util.List<AutoscalingPolicy.Target> targets = new java.util.ArrayList<>();
    for (AutoscalingSpec.Target t : a.targets) {
      if (t == null || t.metric == null || t.value == null) {
        return null;
      }
      double value;
      try {
        value = Double.parseDouble(t.value);
      } catch (NumberFormatException e) {
        return null;
      }
      if (!(value > 0)) {
        return null;
      }
      targets.add(new AutoscalingPolicy.Target(t.metric, value, t.percentile));
    }
    Duration up = window(a.scaleUp, DEFAULT_SCALE_UP_WINDOW);
    Duration down = window(a.scaleDown, DEFAULT_SCALE_DOWN_WINDOW);
    if (up == null || down == null) {
      return null;
    }
    return new AutoscalingPolicy(a.minReplicas == null ? 1 : a.minReplicas, a.maxReplicas,
        targets, up, step(a.scaleUp), down, step(a.scaleDown));
  }

  private static Duration window(AutoscalingSpec.Behavior b, Duration fallback) {
    return b == null ? fallback : shutdownDuration(b.stabilizationWindow, fallback);
  }

  private static int step(AutoscalingSpec.Behavior b) {
    return b == null || b.maxGroupsPerStep == null ? 1 : b.maxGroupsPerStep;
  }

  public EngineSpec engine() {
    return spec.engine == null ? new EngineSpec() : spec.engine;
  }

  public EngineType engineType() {
    return engine().type == null ? EngineType.SGLang : engine().type;
  }

  public int enginePort() {
    if (engine().port != null) {
      return engine().port;
    }
    return engineType().defaultPort();
  }

  public boolean sglang() {
    return engineType() == EngineType.SGLang;
  }

  public String modelName() {
    return spec.model == null ? null : spec.model.name;
  }

  /** What the model name says in the catalog. */
  public ModelCatalog.Identified identified() {
    return ModelCatalog.get().identify(modelName());
  }

  /** The numeric format of the weights, and what says so; null when nothing does (an unknown model). */
  public record Precision(ModelSpec.Precision value, String from) {}

  public Precision precision() {
    if (spec.model != null && spec.model.precision != null) {
      return new Precision(spec.model.precision, "spec.model.precision");
    }
    ModelCatalog.Identified id = identified();
    if (id.precisionInName() != null) {
      return new Precision(id.precisionInName(), "the model name");
    }
    if (id.entry().isPresent() && !id.otherFormat()) {
      return new Precision(id.entry().get().family().defaultPrecision(),
          "the published format of " + id.entry().get().name());
    }
    return null;
  }

  /** The engine release: the image tag's, else spec.engine.version; null when neither names one. */
  public EngineVersion engineVersion() {
    EngineVersion tag = EngineVersion.ofImage(engine().image);
    return tag != null ? tag : EngineVersion.parse(engine().version);
  }

  /** Where {@link #engineVersion()} comes from: "image tag", "spec.engine.version", or null. */
  public String engineVersionFrom() {
    if (EngineVersion.ofImage(engine().image) != null) {
      return "image tag";
    }
    return EngineVersion.parse(engine().version) != null ? "spec.engine.version" : null;
  }

  /**
   * Whether flags are written in the spelling of the engine release ({@link RenderVersion#VERSIONED_FLAGS} on); before,
   * in the spelling of the pinned releases, which newer ones still accept.
   */
  public boolean versionedFlags() {
    return render >= RenderVersion.VERSIONED_FLAGS;
  }

  /** The engine release when flags follow it, else null (the pinned spelling). */
  public EngineVersion flagsVersion() {
    return versionedFlags() ? engineVersion() : null;
  }

  public String servedName() {
    return spec.model != null && spec.model.servedName != null ? spec.model.servedName : name();
  }

  public ModelSource modelSource() {
    return spec.model == null || spec.model.source == null ? new ModelSource() : spec.model.source;
  }

  public String modelRevision() {
    return spec.model == null ? null : spec.model.revision;
  }

  public RolloutSpec rollout() {
    return spec.rollout == null ? new RolloutSpec() : spec.rollout;
  }

  public int maxUnavailable() {
    return rollout().maxUnavailable == null ? 1 : rollout().maxUnavailable;
  }

  public int maxSurge() {
    return rollout().maxSurge == null ? 0 : rollout().maxSurge;
  }

  public int partition() {
    return rollout().partition == null ? 0 : rollout().partition;
  }

  public FailureSpec failure() {
    return spec.failure == null ? new FailureSpec() : spec.failure;
  }

  public boolean recreateGroupOnFailure() {
    return failure().policy != FailureSpec.Policy.None;
  }

  public int maxRestarts() {
    return failure().maxRestarts == null ? 5 : failure().maxRestarts;
  }

  public Duration failureWindow() {
    Duration d = failure().window == null ? null : parseDuration(failure().window);
    return d == null ? Duration.ofHours(1) : d;
  }

  public Duration failureBackoff() {
    Duration d = failure().backoff == null ? null : parseDuration(failure().backoff);
    return d == null ? Duration.ofSeconds(30) : d;
  }

  /** Leaders drain on the way out from {@link RenderVersion#DRAINING} on. */
  public boolean drains() {
    return render >= RenderVersion.DRAINING;
  }

  public static final Duration DEFAULT_DRAIN_DELAY = Duration.ofSeconds(5);
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(10);
  /** Bounds: a preStop hook of hours, or a grace period of days, is a mistake that would hold a rollout for as long. */
  public static final Duration MAX_DRAIN_DELAY = Duration.ofMinutes(10);
  public static final Duration MAX_GRACE_PERIOD = Duration.ofHours(24);

  /** How long a leaving leader keeps serving after it left the Service; null when set but not a duration. */
  public Duration drainDelay() {
    return shutdownDuration(spec.shutdown == null ? null : spec.shutdown.drainDelay, DEFAULT_DRAIN_DELAY);
  }

  /** How long the requests in flight may take once the engine is told to stop; null when set but not a duration. */
  public Duration gracePeriod() {
    return shutdownDuration(spec.shutdown == null ? null : spec.shutdown.gracePeriod, DEFAULT_GRACE_PERIOD);
  }

  /** Unset: the default; "0s" (or 0m...): zero, for who wants no wait; else a duration, or null when it is none. */
  private static Duration shutdownDuration(String text, Duration fallback) {
    if (text == null) {
      return fallback;
    }
    if (text.matches("^(0+h)?(0+m)?(0+s)?$") && !text.isEmpty()) {
      return Duration.ZERO;
    }
    return parseDuration(text);
  }

  public String draftPath() {
    return spec.model == null ? null : spec.model.draftPath;
  }

  /** Where the weights appear in the container: /models/<last segment of model.name>. */
  public String modelMountPath() {
    return MODELS_ROOT + "/" + lastSegment(modelName());
  }

  /** Where the draft weights appear in the container, or null without draftPath. */
  public String draftMountPath() {
    String draft = draftPath();
    return draft == null || draft.isBlank() ? null : MODELS_ROOT + "/" + lastSegment(draft);
  }

  public AcceleratorSpec accelerator() {
    return spec.accelerator == null ? new AcceleratorSpec() : spec.accelerator;
  }

  public int perNode() {
    return accelerator().perNode == null ? 1 : accelerator().perNode;
  }

  public AcceleratorType acceleratorType() {
    return accelerator().type == null ? AcceleratorType.NvidiaGPU : accelerator().type;
  }

  public boolean ascend() {
    return acceleratorType() == AcceleratorType.AscendNPU;
  }

  public String acceleratorResource() {
    if (accelerator().resourceName != null) {
      return accelerator().resourceName;
    }
    return ascend() ? "huawei.com/Ascend910" : "nvidia.com/gpu";
  }

  public AcceleratorProduct product() {
    return accelerator().product;
  }

  public String acceleratorSummary() {
    return perNode() + "x " + (product() != null ? product().displayName() : acceleratorResource());
  }

  public ParallelismSpec parallelism() {
    return spec.parallelism == null ? new ParallelismSpec() : spec.parallelism;
  }

  /** Pods per group. */
  public int nodes() {
    return parallelism().nodes == null ? 1 : parallelism().nodes;
  }

  /**
   * SGLang: 1. vLLM: 1 with data parallelism, otherwise what the tensor size leaves of the group (tensor parallel inside a
   * node, pipeline across nodes, as vLLM recommends).
   */
  public int pipeline() {
    if (parallelism().pipeline != null) {
      return parallelism().pipeline;
    }
    if (sglang() || data() > 1) {
      return 1;
    }
    return Math.max(1, groupDevices() / Math.max(1, tensor()));
  }

  public int data() {
    return parallelism().data == null ? 1 : parallelism().data;
  }

  /** Devices of one group. */
  public int groupDevices() {
    return nodes() * perNode();
  }

  /** vLLM data-parallel ranks per node (--data-parallel-size-local). */
  public int dataLocal() {
    if (parallelism().dataLocal != null) {
      return parallelism().dataLocal;
    }
    return Math.max(1, data() / nodes());
  }

  /**
   * SGLang: over the whole group, every device holds a shard unless pipelined. vLLM: per engine, the devices of a node
   * divided among its data-parallel ranks (or the group's devices over the pipeline stages when those are set).
   */
  public int tensor() {
    if (parallelism().tensor != null) {
      return parallelism().tensor;
    }
    if (sglang()) {
      return Math.max(1, groupDevices() / pipeline());
    }
    if (data() > 1) {
      return Math.max(1, perNode() / dataLocal());
    }
    if (parallelism().pipeline != null) {
      return Math.max(1, groupDevices() / parallelism().pipeline);
    }
    return perNode();
  }

  public boolean multiNode() {
    return nodes() > 1;
  }

  public NetworkSpec network() {
    return spec.network == null ? new NetworkSpec() : spec.network;
  }

  public boolean hostNetwork() {
    return Boolean.TRUE.equals(network().hostNetwork);
  }

  public String networkInterface() {
    return network().networkInterface;
  }

  public int distInitPort() {
    return network().distInitPort == null ? DEFAULT_DIST_INIT_PORT : network().distInitPort;
  }

  public NetworkSpec.RdmaSpec rdma() {
    return network().rdma;
  }

  public ResourcesSpec resources() {
    return spec.resources == null ? new ResourcesSpec() : spec.resources;
  }

  public SchedulingSpec scheduling() {
    return spec.scheduling == null ? new SchedulingSpec() : spec.scheduling;
  }

  public PodTemplateOverrides podTemplate() {
    return spec.podTemplate == null ? new PodTemplateOverrides() : spec.podTemplate;
  }

  public ServiceSpec service() {
    return spec.service == null ? new ServiceSpec() : spec.service;
  }

  public int servicePort() {
    return service().port == null ? DEFAULT_SERVICE_PORT : service().port;
  }

  public String serviceType() {
    return service().type == null ? ServiceSpec.ServiceType.ClusterIP.name() : service().type.name();
  }

  /** Start-up budget; null when the configured value cannot be parsed (the validator reports it). */
  public Duration startupTimeout() {
    StartupSpec startup = spec.startup;
    if (startup == null || startup.timeout == null || startup.timeout.isBlank()) {
      return DEFAULT_STARTUP_TIMEOUT;
    }
    return parseDuration(startup.timeout);
  }

  /** The longest duration the operator takes (about 11 years): anything longer is a mistake, not a budget. */
  public static final Duration MAX_DURATION = Duration.ofHours(100_000);

  /** Parses 1h30m / 45m / 90s; null if malformed, zero or longer than {@link #MAX_DURATION}. */
  public static Duration parseDuration(String text) {
    if (text == null || text.length() > 64) {
      return null;
    }
    Matcher m = DURATION.matcher(text.trim());
    if (text.isBlank() || !m.matches()) {
      return null;
    }
    try {
      long seconds = 0;
      long[] unit = {3600, 60, 1};
      for (int i = 0; i < 3; i++) {
        if (m.group(i + 1) != null) {
          seconds = Math.addExact(seconds, Math.multiplyExact(Long.parseLong(m.group(i + 1)), unit[i]));
        }
      }
      return seconds == 0 || seconds > MAX_DURATION.toSeconds() ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  static String lastSegment(String path) {
    if (path == null) {
      return "model";
    }
    String trimmed = path.replaceAll("/+$", "");
    int slash = trimmed.lastIndexOf('/');
    String last = slash < 0 ? trimmed : trimmed.substring(slash + 1);
    return last.isEmpty() ? "model" : last;
  }
}
