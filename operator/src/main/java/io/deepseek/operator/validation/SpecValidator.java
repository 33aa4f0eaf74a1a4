package io.deepseek.operator.validation;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.EngineType;
import io.deepseek.operator.api.v1alpha1.ModelSource;
import io.deepseek.operator.api.v1alpha1.SpeculativeSpec;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.PodEnv;
import io.deepseek.operator.engine.Engines;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a DeepSeekDeployment before anything is created. Each problem names the field and says what to change. The CRD
 * repeats the rules it can express in CEL, so most mistakes never get this far; this is the authority for the rest and
 * for clusters that run an older CRD.
 */
public final class SpecValidator {
  private SpecValidator() {}

  /** The most groups one deployment may have unless the operator is configured otherwise. */
  public static final int DEFAULT_MAX_GROUPS = 128;

  public static List<String> validate(DeepSeekDeployment d) {
    return validate(d, HostPathPolicy.defaults());
  }

  public static List<String> validate(DeepSeekDeployment d, HostPathPolicy policy) {
    return validate(d, policy, DEFAULT_MAX_GROUPS);
  }

  /** @param maxGroups the operator's cap on spec.replicas (deepseek.operator.max-groups-per-deployment) */
  public static List<String> validate(DeepSeekDeployment d, HostPathPolicy policy, int maxGroups) {
    List<String> p = new ArrayList<>();
    if (d.getSpec() == null) {
      p.add("spec: required");
      return p;
    }
    DeploymentModel m = DeploymentModel.of(d);
    String name = d.getMetadata().getName();
    if (name == null || !name.matches("^[a-z]([-a-z0-9]*[a-z0-9])?$") || name.length() > 40) {
      p.add("metadata.name: must be a DNS label of at most 40 characters that starts with a letter");
    }
    if (d.getSpec().replicas != null && d.getSpec().replicas < 0) {
      p.add("spec.replicas: must be 0 or more");
    }
    autoscaling(m, p, maxGroups);
    if (m.replicas() > maxGroups) {
      p.add("spec.replicas: " + m.replicas() + " groups is more than this operator allows in one deployment (" + maxGroups
          + ", deepseek.operator.max-groups-per-deployment); lower it, or split the model service over several deployments");
    }
    if (!ranges(d, p)) {
      // Everything after this derives sizes from these numbers: out of range, they would divide by zero.
      return p;
    }
    model(m, p, policy);
    engineAndAccelerator(m, p);
    if (m.engine().image == null || m.engine().image.isBlank()) {
      p.add("spec.engine.image: required, e.g. lmsysorg/sglang:v0.5.18");
    }
    if (d.getSpec().accelerator == null || d.getSpec().accelerator.perNode == null || d.getSpec().accelerator.perNode < 1) {
      p.add("spec.accelerator.perNode: required, the devices each pod requests (e.g. 8)");
      return p;
    }
    parallelism(m, p);
    ports(m, p);
    if (m.maxUnavailable() + m.maxSurge() < 1) {
      p.add("spec.rollout: maxUnavailable + maxSurge must be at least 1, or no group could ever move to a new revision");
    }
    // The accessors fall back to the defaults; a value that is set but means nothing (empty, 0s) must be refused instead.
    if (notADuration(m.failure().window) || notADuration(m.failure().backoff)) {
      p.add("spec.failure: window and backoff are durations such as 1h or 30s");
    }
    extraArgs(m, p);
    env(m, p);
    if (m.startupTimeout() == null) {
      p.add("spec.startup.timeout: '" + d.getSpec().startup.timeout + "' is not a duration such as 45m or 1h30m (at most 100000h)");
    }
    shutdown(m, p);
    deepEP(m, p);
    if (m.disaggregated()) {
      if (notADuration(m.disaggregation().placementTimeout)) {
        p.add("spec.disaggregation.placementTimeout: '" + m.disaggregation().placementTimeout + "' is not a duration such as"
            + " 10m or 90s");
      }
      hccnConfig(m, p, policy);
      roles(m, p, maxGroups);
      return p;
    }
    if (p.isEmpty()) {
      p.addAll(EngineSupport.check(m));
    }
    if (p.isEmpty()) {
      p.addAll(Sizing.check(m));
    }
    return p;
  }

  /**
   * The node file vllm-ascend P/D mounts: the default /etc/hccn.conf always (it is the driver's, like the driver mounts);
   * another path is a host path like any other, within the operator's allowed prefixes.
   */
  private static void hccnConfig(DeploymentModel m, List<String> p, HostPathPolicy policy) {
    String path = m.disaggregation().hccnConfig;
    if (path == null) {
      return;
    }
    if (m.engineType() != io.deepseek.operator.api.v1alpha1.EngineType.VLLMAscend) {
      p.add("spec.disaggregation.hccnConfig: for engine.type VLLMAscend only");
    } else if (Boolean.TRUE.equals(m.accelerator().hostDriverMounts) && !DeploymentModel.DEFAULT_HCCN_CONFIG.equals(path)) {
      p.add("spec.disaggregation.hccnConfig: accelerator.hostDriverMounts mounts the node's /etc/hccn.conf; unset one of them");
    } else if (!DeploymentModel.DEFAULT_HCCN_CONFIG.equals(path)) {
      policy.check("spec.disaggregation.hccnConfig", path).ifPresent(p::add);
    }
  }

  /** DeepEP is an all-to-all for expert parallelism; vLLM has no automatic mode, vllm-ascend none at all. */
  private static void deepEP(DeploymentModel m, List<String> p) {
    var mode = m.engine().deepEP;
    if (mode == null) {
      return;
    }
    if (!Boolean.TRUE.equals(m.engine().expertParallel)) {
      p.add("spec.engine.deepEP: needs spec.engine.expertParallel: true (DeepEP exchanges tokens between expert-parallel ranks)");
    }
    if (m.engineType() == io.deepseek.operator.api.v1alpha1.EngineType.VLLMAscend) {
      p.add("spec.engine.deepEP: DeepEP runs on NVIDIA GPUs; vllm-ascend has its own MoE communication (leave it unset)");
    } else if (m.engineType() == io.deepseek.operator.api.v1alpha1.EngineType.VLLM
        && mode == io.deepseek.operator.api.v1alpha1.DeepEPMode.Auto) {
      p.add("spec.engine.deepEP: vLLM has no automatic DeepEP mode; use Normal (deepep_high_throughput) or LowLatency"
          + " (deepep_low_latency)");
    }
  }

  /**
   * With spec.roles, each role as its groups will run: the checks of a deployment's groups on the role's fields over the
   * deployment's, and what the KV transfer needs. Messages name the role.
   */
  private static void roles(DeploymentModel m, List<String> p, int maxGroups) {
    if (m.routerImage() == null) {
      p.add("spec.router.image: required for engine.type " + m.engineType() + ": an image with vllm-router 0.1.17 on its PATH"
          + " (pip install vllm-router==0.1.17); SGLang's default is " + DeploymentModel.SMG_IMAGE);
    }
    if (m.engine().apiKeySecretRef != null) {
      p.add("spec.engine.apiKeySecretRef: not available with spec.roles yet (the router would need the key for the groups"
          + " and to check clients'); put an authenticating gateway in front of the client Service");
    }
    var backend = m.transferBackend();
    boolean ascend = m.engineType() == io.deepseek.operator.api.v1alpha1.EngineType.VLLMAscend;
    if ((backend == io.deepseek.operator.api.v1alpha1.DisaggregationSpec.TransferBackend.Ascend) != ascend) {
      p.add("spec.disaggregation.transferBackend: " + backend + (ascend ? " does not run on vllm-ascend; use Ascend"
          : " is vllm-ascend's (engine.type VLLMAscend); use Mooncake or NIXL"));
    }
    for (String device : m.ibDevices()) {
      if (device == null || !device.matches("^[A-Za-z0-9_.:-]{1,64}$")) {
        p.add("spec.disaggregation.ibDevices: '" + device + "' is not an RDMA device name such as mlx5_0");
      }
    }
    for (DeploymentModel r : m.roles()) {
      List<String> q = new ArrayList<>();
      if (r.replicas() > maxGroups) {
        q.add("replicas: " + r.replicas() + " groups is more than this operator allows in one deployment (" + maxGroups + ")");
      }
      if (r.accelerator().perNode == null || r.accelerator().perNode < 1) {
        q.add("accelerator.perNode: required (in the role or in spec.accelerator)");
      } else {
        parallelism(r, q);
        ports(r, q);
        int bootstrap = r.bootstrapPort();
        if (bootstrap == r.enginePort() || (r.multiNode() && bootstrap >= r.distInitPort() && bootstrap <= r.distInitPort() + 6)) {
          q.add("disaggregation.bootstrapPort " + bootstrap + " is taken by the engine's HTTP or rendezvous ports");
        }
        extraArgs(r, q);
        env(r, q);
        deepEP(r, q);
        autoscaling(r, q, maxGroups);
        if (r.autoscaling() != null && r.autoscaling().source != null && r.autoscaling().source.prometheus != null) {
          q.add("autoscaling.source.prometheus: with roles the metrics come from the pods; leave source unset");
        }
        if (q.isEmpty()) {
          q.addAll(EngineSupport.check(r));
        }
        if (q.isEmpty()) {
          q.addAll(Sizing.check(r));
        }
      }
      q.forEach(problem -> p.add("spec.roles." + r.role().id() + " (over the deployment's fields): " + problem));
    }
  }

  /** The numbers every other check divides by, in their ranges; false when any is not. */
  private static boolean ranges(DeepSeekDeployment d, List<String> p) {
    int before = p.size();
    if (d.getSpec().parallelism != null) {
      var par = d.getSpec().parallelism;
      range(p, "spec.parallelism.nodes", par.nodes, 1, 64);
      range(p, "spec.parallelism.tensor", par.tensor, 1, 1024);
      range(p, "spec.parallelism.data", par.data, 1, 1024);
      range(p, "spec.parallelism.dataLocal", par.dataLocal, 1, 64);
      range(p, "spec.parallelism.pipeline", par.pipeline, 1, 64);
    }
    if (d.getSpec().accelerator != null) {
      range(p, "spec.accelerator.perNode", d.getSpec().accelerator.perNode, 1, 64);
    }
    return p.size() == before;
  }

  private static void range(List<String> p, String field, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      p.add(field + ": must be from " + min + " to " + max + ", got " + value);
    }
  }

  private static void autoscaling(DeploymentModel m, List<String> p, int maxGroups) {
    var a = m.autoscaling();
    if (a == null) {
      return;
    }
    if (a.maxReplicas != null && a.maxReplicas > maxGroups) {
      p.add("spec.autoscaling.maxReplicas: " + a.maxReplicas + " groups is more than this operator allows in one deployment ("
          + maxGroups + ", deepseek.operator.max-groups-per-deployment)");
    }
    if (a.targets != null) {
      for (int i = 0; i < a.targets.size(); i++) {
        var t = a.targets.get(i);
        if (t == null || t.value == null) {
          continue;
        }
        double v;
        try {
          v = Double.parseDouble(t.value);
        } catch (NumberFormatException e) {
          v = Double.NaN;
        }
        if (!(v > 0)) {
          p.add("spec.autoscaling.targets[" + i + "].value: '" + t.value + "' must be a number above 0");
        } else if (t.metric == io.deepseek.operator.api.v1alpha1.AutoscalingSpec.Metric.KVCacheUsage && v > 1) {
          p.add("spec.autoscaling.targets[" + i + "].value: KV-cache usage is a share from 0 to 1, e.g. 0.8");
        }
        if (a.source != null && a.source.prometheus != null && t.query == null) {
          p.add("spec.autoscaling.targets[" + i + "].query: with source.prometheus every target needs the PromQL query that"
              + " returns it per pod");
        }
      }
    }
    for (var b : new io.deepseek.operator.api.v1alpha1.AutoscalingSpec.Behavior[] {a.scaleUp, a.scaleDown}) {
      if (b != null && b.stabilizationWindow != null && (DeploymentModel.parseDuration(b.stabilizationWindow) == null
          && !b.stabilizationWindow.matches("^(0+h)?(0+m)?(0+s)?$"))) {
        p.add("spec.autoscaling: stabilizationWindow '" + b.stabilizationWindow + "' is not a duration such as 30s or 10m");
      }
    }
  }

  private static void shutdown(DeploymentModel m, List<String> p) {
    if (m.drainDelay() == null || m.drainDelay().compareTo(DeploymentModel.MAX_DRAIN_DELAY) > 0) {
      p.add("spec.shutdown.drainDelay: a duration from 0s to 10m, such as 5s (how long a leaving leader keeps serving after it"
          + " left the Service)");
    }
    if (m.gracePeriod() == null || m.gracePeriod().compareTo(DeploymentModel.MAX_GRACE_PERIOD) > 0) {
      p.add("spec.shutdown.gracePeriod: a duration from 0s to 24h, such as 10m (how long the requests in flight may take to"
          + " finish)");
    }
  }

  private static boolean notADuration(String value) {
    return value != null && DeploymentModel.parseDuration(value) == null;
  }

  private static void engineAndAccelerator(DeploymentModel m, List<String> p) {
    boolean ascendEngine = m.engineType() == EngineType.VLLMAscend;
    if (ascendEngine != m.ascend()) {
      p.add(ascendEngine ? "spec.accelerator.type: engine VLLMAscend runs on AscendNPU"
          : "spec.engine.type: " + m.engineType() + " runs on NvidiaGPU; for Ascend NPUs use VLLMAscend");
    }
    if (m.sglang() && m.engine().multiNode != null) {
      p.add("spec.engine.multiNode: is for VLLM and VLLMAscend; SGLang always forms its own process group");
    }
    if (!m.sglang() && (Boolean.TRUE.equals(m.engine().torchCompile) || Boolean.TRUE.equals(m.engine().dataParallelAttention))) {
      p.add("spec.engine: torchCompile and dataParallelAttention are SGLang flags; with vLLM use extraArgs (e.g. --compilation-config)");
    }
    SpeculativeSpec s = m.engine().speculative;
    if (s != null && !m.sglang()) {
      if (s.topK != null || s.numDraftTokens != null) {
        p.add("spec.engine.speculative: topK and numDraftTokens are SGLang's; vLLM takes numSteps as num_speculative_tokens");
      }
      if (s.method == SpeculativeSpec.SpeculativeMethod.EAGLE && m.draftPath() == null) {
        p.add("spec.engine.speculative: EAGLE with vLLM needs the draft weights in spec.model.draftPath; DeepSeek's own MTP needs none (method: MTP)");
      }
    }
  }

  private static void model(DeploymentModel m, List<String> p, HostPathPolicy policy) {
    if (m.modelName() == null || m.modelName().isBlank()) {
      p.add("spec.model.name: required, e.g. deepseek-ai/DeepSeek-R1");
    }
    ModelSource s = m.modelSource();
    int sources = (s.hostPath != null ? 1 : 0) + (s.persistentVolumeClaim != null ? 1 : 0) + (s.huggingFace != null ? 1 : 0)
        + (s.modelScope != null ? 1 : 0);
    if (sources != 1) {
      p.add("spec.model.source: set exactly one of hostPath, persistentVolumeClaim, huggingFace or modelScope");
    }
    if (s.hostPath != null) {
      policy.check("spec.model.source.hostPath", s.hostPath).ifPresent(p::add);
    }
    if (m.draftPath() != null && s.hostPath == null && s.persistentVolumeClaim == null) {
      p.add("spec.model.draftPath: needs a hostPath or persistentVolumeClaim source (hub downloads fetch one repository)");
    }
    if (m.draftMountPath() != null) {
      if (m.draftMountPath().equals(m.modelMountPath())) {
        p.add("spec.model.draftPath: its last path segment must differ from the model's (both would mount at "
            + m.modelMountPath() + ")");
      }
      if (s.hostPath != null) {
        policy.check("spec.model.draftPath", m.draftPath()).ifPresent(p::add);
      }
      if (s.persistentVolumeClaim != null && m.draftPath().startsWith("/")) {
        p.add("spec.model.draftPath: with a persistentVolumeClaim source it is a path inside the claim (relative), got '"
            + m.draftPath() + "'");
      }
    }
  }

  private static void parallelism(DeploymentModel m, List<String> p) {
    int devices = m.groupDevices();
    if (devices % m.pipeline() != 0) {
      p.add("spec.parallelism.pipeline: " + m.pipeline() + " must divide parallelism.nodes x accelerator.perNode = " + devices);
    }
    if (!m.sglang()) {
      vllmParallelism(m, p);
      return;
    }
    if (m.tensor() * m.pipeline() != devices) {
      p.add("spec.parallelism.tensor: SGLang shards the model over every device of a group: tensor x pipeline must equal"
          + " parallelism.nodes x accelerator.perNode = " + devices + "; set tensor to " + devices / Math.max(1, m.pipeline())
          + " or leave it unset");
    }
    boolean dpAttention = Boolean.TRUE.equals(m.engine().dataParallelAttention);
    if (m.data() > 1 && !dpAttention) {
      p.add("spec.parallelism.data: SGLang runs data parallelism inside a group only as DP attention: set"
          + " engine.dataParallelAttention: true, or leave data at 1 and raise spec.replicas for more capacity");
    }
    if (m.data() > 1 && m.tensor() % m.data() != 0) {
      p.add("spec.parallelism.data: " + m.data() + " must divide the tensor-parallel size " + m.tensor()
          + " (SGLang DP attention splits the tensor-parallel ranks into data-parallel groups)");
    }
  }

  /** vLLM: tensor x pipeline x data ranks fill the group; with data parallelism every node runs dataLocal ranks. */
  private static void vllmParallelism(DeploymentModel m, List<String> p) {
    int devices = m.groupDevices();
    if (m.tensor() * m.pipeline() * m.data() != devices) {
      p.add("spec.parallelism: vLLM needs tensor x pipeline x data = nodes x accelerator.perNode = " + devices + "; got "
          + m.tensor() + " x " + m.pipeline() + " x " + m.data() + " = " + m.tensor() * m.pipeline() * m.data());
    }
    if (m.parallelism().dataLocal != null && m.data() == 1) {
      p.add("spec.parallelism.dataLocal: needs parallelism.data > 1");
    }
    if (m.data() > 1) {
      if (m.dataLocal() * m.nodes() != m.data()) {
        p.add("spec.parallelism.dataLocal: " + m.dataLocal() + " ranks on each of " + m.nodes() + " nodes must make parallelism.data = "
            + m.data());
      }
      if (m.tensor() * m.dataLocal() != m.perNode()) {
        p.add("spec.parallelism.tensor: " + m.dataLocal() + " data-parallel ranks x tensor " + m.tensor()
            + " must use the node's " + m.perNode() + " devices");
      }
      if (m.engine().multiNode == io.deepseek.operator.api.v1alpha1.EngineSpec.MultiNode.Ray) {
        p.add("spec.engine.multiNode: Ray with parallelism.data > 1 is not supported; use Native (vLLM's own data-parallel ranks)");
      }
    }
  }

  private static void ports(DeploymentModel m, List<String> p) {
    if (!m.multiNode()) {
      return;
    }
    int port = m.enginePort();
    int dist = m.distInitPort();
    int last = m.sglang() && Boolean.TRUE.equals(m.engine().dataParallelAttention) ? dist + 6 : dist;
    if (port >= dist && port <= last) {
      p.add("spec.engine.port: " + port + " collides with the rendezvous ports " + dist + (last > dist ? "-" + last : "")
          + " (network.distInitPort" + (last > dist ? " and the 6 ports after it that DP attention uses" : "")
          + "); change one of them");
    }
  }

  private static void extraArgs(DeploymentModel m, List<String> p) {
    List<String> extra = m.engine().extraArgs;
    if (extra == null) {
      return;
    }
    Map<String, String> owned = Engines.forType(m.engineType()).ownedFlags(m);
    for (String arg : extra) {
      if (!arg.startsWith("--")) {
        continue;
      }
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (owned.containsKey(flag)) {
        String field = owned.get(flag);
        p.add("spec.engine.extraArgs: " + flag + " is generated by the operator"
            + (field == null ? "; remove it" : " from " + field + "; set that field instead and remove the flag"));
      }
    }
  }

  private static void env(DeploymentModel m, List<String> p) {
    List<EnvVar> env = m.engine().env;
    if (env == null) {
      return;
    }
    for (EnvVar e : env) {
      if (e.getName() != null && e.getName().startsWith(PodEnv.RESERVED_PREFIX)) {
        p.add("spec.engine.env: " + e.getName() + " is reserved for the operator's pod contract (DS_*); use another name");
      }
    }
  }
}
