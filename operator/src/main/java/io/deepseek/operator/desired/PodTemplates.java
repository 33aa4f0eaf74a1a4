package io.deepseek.operator.desired;

import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Names;
import io.deepseek.operator.model.PodEnv;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.api.v1alpha1.AcceleratorProduct;
import io.deepseek.operator.api.v1alpha1.ModelSource;
import io.deepseek.operator.api.v1alpha1.NetworkSpec;
import io.deepseek.operator.api.v1alpha1.SchedulingSpec;
import io.deepseek.operator.engine.EngineCommand;
import io.deepseek.operator.engine.Engines;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Pod templates of leaders and workers: one shape, differing only in the env contract, command wrapper and probes. */
public final class PodTemplates {
  static final int PROBE_PERIOD_SECONDS = 10;
  /** Above SGLang's 20 s health-generation timeout, so a slow but healthy engine is not failed. */
  static final int PROBE_TIMEOUT_SECONDS = 30;
  /** Rank probe: a worker whose leader has not answered for 2 minutes is restarted (and its group recreated). */
  static final int RANK_PROBE_PERIOD_SECONDS = 30;
  static final int RANK_PROBE_FAILURES = 4;
  static final int RANK_PROBE_TIMEOUT_SECONDS = 10;
  /** Shell words that succeed when host $1 accepts TCP connections on port $2 (python3 is in every engine image). */
  static final String LEADER_REACHABLE =
      "python3 -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 3).close()'";
  static final String SHM_VOLUME = "dshm";
  static final String MODEL_VOLUME = "model";
  static final String DRAFT_VOLUME = "draft";

  private PodTemplates() {}

  public static PodTemplateSpec leader(DeploymentModel m, String revision) {
    EngineCommand engine = Engines.forType(m.engineType());
    Map<String, String> labels = podLabels(m, revision, Labels.POSITION_LEADER);
    labels.put(Labels.RANK, "0");
    List<EnvVar> env = env(m, engine, PodEnv.leader(m));
    List<ContainerPort> ports = new ArrayList<>(List.of(port("http", m.enginePort())));
    engine.leaderRendezvousPorts(m).forEach((name, number) -> ports.add(port(name, number)));
    Affinity affinity = affinity(m, exclusive(m) == null ? null : leaderExclusivity(m));
    EngineCommand.Launch launch = engine.leader(m);
    return template(m, labels, launch.command(), launch.args(), env, ports, affinity, true);
  }

  public static PodTemplateSpec worker(DeploymentModel m, String revision, int group, String leaderIp) {
    EngineCommand engine = Engines.forType(m.engineType());
    Map<String, String> labels = podLabels(m, revision, Labels.POSITION_WORKER);
    labels.put(Labels.GROUP_INDEX, Integer.toString(group));
    List<EnvVar> env = env(m, engine, PodEnv.worker(m, group, leaderIp));
    EngineCommand.Launch launch = engine.worker(m);
    List<String> command = List.of("/bin/sh", "-c", waitForLeaderScript(m, engine.workerComputedArgs(m)), "wait-for-leader");
    List<String> args = new ArrayList<>(launch.command());
    args.addAll(launch.args());
    List<ContainerPort> ports = engine.workersServeHealth() ? List.of(port("http", m.enginePort())) : List.of();
    Affinity affinity = affinity(m, exclusive(m) == null ? null : workerExclusivity(m, group));
    return template(m, labels, command, args, env, ports, affinity, false);
  }

  /**
   * A worker started before its leader's rendezvous port answers would fail and crash-loop; instead it waits, then
   * execs the engine (its arguments follow the script as "$@", so they stay one list item each).
   */
  static String waitForLeaderScript(DeploymentModel m, List<String> computedArgs) {
    int seconds = 5;
    return "until " + LEADER_REACHABLE + " \"$" + PodEnv.LEADER_IP + "\" " + m.distInitPort() + " 2>/dev/null; do"
        + " echo \"rank $" + PodEnv.NODE_RANK + ": waiting for leader $" + PodEnv.LEADER_ADDRESS + " ($" + PodEnv.LEADER_IP
        + ":" + m.distInitPort() + ")\"; sleep " + seconds + "; done; exec \"$@\""
        + (computedArgs.isEmpty() ? "" : " " + String.join(" ", computedArgs));
  }

  private static Map<String, String> podLabels(DeploymentModel m, String revision, String role) {
    Map<String, String> labels = new TreeMap<>();
    if (m.podTemplate().labels != null) {
      labels.putAll(m.podTemplate().labels);
    }
    labels.putAll(Labels.common(m, role));
    labels.put(Labels.POSITION, role);
    labels.put(Labels.REVISION, revision);
    return labels;
  }

  private static List<EnvVar> env(DeploymentModel m, EngineCommand engine, List<EnvVar> contract) {
    List<EnvVar> generated = new ArrayList<>(contract);
    generated.addAll(PodEnv.network(m));
    generated.addAll(engine.env(m));
    return PodEnv.merge(generated, m.engine().env);
  }

  private static PodTemplateSpec template(DeploymentModel m, Map<String, String> labels, List<String> command,
      List<String> args, List<EnvVar> env, List<ContainerPort> ports, Affinity affinity, boolean leader) {
    EngineCommand engine = Engines.forType(m.engineType());
    SchedulingSpec s = m.scheduling();
    Map<String, Quantity> resources = new TreeMap<>();
    resources.put(m.acceleratorResource(), new Quantity(Integer.toString(m.perNode())));
    NetworkSpec.RdmaSpec rdma = m.rdma();
    if (rdma != null) {
      resources.put(rdma.resourceName, new Quantity(Integer.toString(rdma.count == null ? 1 : rdma.count)));
    }
    if (m.resources().cpu != null) {
      resources.put("cpu", m.resources().cpu);
    }
    if (m.resources().memory != null) {
      resources.put("memory", m.resources().memory);
    }
    ContainerBuilder container = new ContainerBuilder()
        .withName(Names.ENGINE_CONTAINER)
        .withImage(m.engine().image)
        .withCommand(command)
        .withArgs(args)
        .withEnv(env)
        .withPorts(ports)
        .withNewResources().withRequests(resources).withLimits(resources).endResources()
        .withVolumeMounts(volumeMounts(m));
    if (leader || engine.workersServeHealth()) {
      container.withStartupProbe(startupProbe(m, engine)).withReadinessProbe(httpProbe(engine, 15, 3));
    }
    if (leader) {
      // Only the leader serves requests, so only its liveness says something about the group's health.
      container.withLivenessProbe(httpProbe(engine, 30, 5));
      if (m.drains() && m.drainDelay().toSeconds() > 0) {
        // A leader being deleted is out of the Service's endpoints at once, but kube-proxy and gateways learn it a moment
        // later: it keeps serving until they have, and only then is its engine told to stop (and finishes what it has).
        container.withNewLifecycle().withNewPreStop().withNewExec()
            .withCommand("/bin/sh", "-c", "sleep " + m.drainDelay().toSeconds()).endExec().endPreStop().endLifecycle();
      }
    } else {
      // A worker's own health says nothing about its group (SGLang workers answer 200 regardless; vLLM's serve no HTTP).
      // This rank probe asks whether the leader it joined still holds the rendezvous: when that leader is gone or was
      // replaced (another IP), the kubelet restarts the worker and the operator recreates the group.
      if (!engine.workersServeHealth()) {
        container.withStartupProbe(rendezvousProbe(m, PROBE_PERIOD_SECONDS, startupFailures(m)));
      }
      container.withLivenessProbe(rendezvousProbe(m, RANK_PROBE_PERIOD_SECONDS, RANK_PROBE_FAILURES));
    }
    if (m.hardened()) {
      // Nothing an engine needs: no privilege escalation, no capability but IPC_LOCK for RDMA's pinned memory.
      container.withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL")
          .withAdd(rdma != null ? List.of("IPC_LOCK") : List.of()).endCapabilities().endSecurityContext();
    } else if (rdma != null) {
      container.withNewSecurityContext().withNewCapabilities().withAdd("IPC_LOCK").endCapabilities().endSecurityContext();
    }
    // One PodSpec built in place: fabric8's nested builders (editSpec/endSpec, withTemplate) copy the whole spec at
    // each step, about 0.3 MB of garbage per reconcile that the operator made for nothing.
    PodSpecBuilder spec = new PodSpecBuilder()
        .withInitContainers(ModelDownload.initContainers(m))
        .withContainers(container.build())
        .withVolumes(volumes(m))
        // Service links would inject e.g. VLLM_PORT=tcp://... for a Service named vllm, which engines misread.
        .withEnableServiceLinks(false)
        .withNodeSelector(s.nodeSelector)
        .withTolerations(s.tolerations)
        .withAffinity(affinity)
        .withPriorityClassName(s.priorityClassName)
        .withSchedulerName(s.schedulerName)
        .withServiceAccountName(m.podTemplate().serviceAccountName)
        .withImagePullSecrets(m.podTemplate().imagePullSecrets);
    if (m.hostNetwork()) {
      spec.withHostNetwork(true).withDnsPolicy("ClusterFirstWithHostNet");
    }
    if (m.drains() && leader) {
      spec.withTerminationGracePeriodSeconds(m.drainDelay().plus(m.gracePeriod()).toSeconds());
    }
    if (m.hardened()) {
      spec.withNewSecurityContext().withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext();
    }
    return new PodTemplateSpec(new ObjectMetaBuilder().withLabels(labels).withAnnotations(annotations(m, leader)).build(),
        spec.build());
  }

  /** spec.podTemplate.annotations; on a prefill leader also the bootstrap port its router reads. */
  private static Map<String, String> annotations(DeploymentModel m, boolean leader) {
    Map<String, String> router = leader ? Routers.podAnnotations(m) : Map.of();
    if (router.isEmpty()) {
      return m.podTemplate().annotations;
    }
    Map<String, String> all = new TreeMap<>();
    if (m.podTemplate().annotations != null) {
      all.putAll(m.podTemplate().annotations);
    }
    all.putAll(router);
    return all;
  }

  /** Model loads take many minutes: the startup probe's budget is spec.startup.timeout. */
  static Probe startupProbe(DeploymentModel m, EngineCommand engine) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(engine.healthPath()).withNewPort("http").endHttpGet()
        .withPeriodSeconds(PROBE_PERIOD_SECONDS).withTimeoutSeconds(PROBE_TIMEOUT_SECONDS).withFailureThreshold(startupFailures(m))
        .build();
  }

  private static int startupFailures(DeploymentModel m) {
    long budget = m.startupTimeout() == null ? DeploymentModel.DEFAULT_STARTUP_TIMEOUT.toSeconds() : m.startupTimeout().toSeconds();
    return (int) Math.max(1, (budget + PROBE_PERIOD_SECONDS - 1) / PROBE_PERIOD_SECONDS);
  }

  /** Succeeds while the worker's leader (the IP the worker was made for) accepts connections on the rendezvous port. */
  static Probe rendezvousProbe(DeploymentModel m, int period, int failures) {
    return new ProbeBuilder()
        .withNewExec().withCommand("/bin/sh", "-c", LEADER_REACHABLE + " \"$" + PodEnv.LEADER_IP + "\" " + m.distInitPort()).endExec()
        .withPeriodSeconds(period).withTimeoutSeconds(RANK_PROBE_TIMEOUT_SECONDS).withFailureThreshold(failures)
        .build();
  }

  private static Probe httpProbe(EngineCommand engine, int period, int failures) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(engine.healthPath()).withNewPort("http").endHttpGet()
        .withPeriodSeconds(period).withTimeoutSeconds(PROBE_TIMEOUT_SECONDS).withFailureThreshold(failures)
        .build();
  }

  private static ContainerPort port(String name, int port) {
    return new ContainerPortBuilder().withName(name).withContainerPort(port).withProtocol("TCP").build();
  }

  private static List<Volume> volumes(DeploymentModel m) {
    List<Volume> v = new ArrayList<>();
    v.add(new VolumeBuilder().withName(SHM_VOLUME)
        .withNewEmptyDir().withMedium("Memory").withSizeLimit(m.resources().sharedMemory).endEmptyDir().build());
    ModelSource src = m.modelSource();
    if (src.hostPath != null) {
      v.add(new VolumeBuilder().withName(MODEL_VOLUME)
          .withNewHostPath().withPath(src.hostPath).withType("Directory").endHostPath().build());
      if (m.draftMountPath() != null) {
        v.add(new VolumeBuilder().withName(DRAFT_VOLUME)
            .withNewHostPath().withPath(m.draftPath()).withType("Directory").endHostPath().build());
      }
    } else if (src.persistentVolumeClaim != null) {
      v.add(new VolumeBuilder().withName(MODEL_VOLUME)
          .withNewPersistentVolumeClaim().withClaimName(src.persistentVolumeClaim.claimName).withReadOnly(true)
          .endPersistentVolumeClaim().build());
    } else if (ModelDownload.hub(m) != null) {
      v.add(ModelDownload.cacheVolume(m));
    }
    if (m.ascend() && Boolean.TRUE.equals(m.accelerator().hostDriverMounts)) {
      v.addAll(AscendDriverMounts.volumes());
    }
    if (hccn(m)) {
      // Type File: on a node without it the pod does not start (the kubelet says why), instead of serving garbage.
      v.add(new VolumeBuilder().withName(HCCN_VOLUME).withNewHostPath().withPath(m.hccnConfig()).withType("File")
          .endHostPath().build());
    }
    return v;
  }

  private static List<VolumeMount> volumeMounts(DeploymentModel m) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName(SHM_VOLUME).withMountPath("/dev/shm").build());
    ModelSource src = m.modelSource();
    if (src.hostPath != null) {
      mounts.add(new VolumeMountBuilder().withName(MODEL_VOLUME).withMountPath(m.modelMountPath()).withReadOnly(true).build());
      if (m.draftMountPath() != null) {
        mounts.add(new VolumeMountBuilder().withName(DRAFT_VOLUME).withMountPath(m.draftMountPath()).withReadOnly(true).build());
      }
    } else if (src.persistentVolumeClaim != null) {
      mounts.add(new VolumeMountBuilder().withName(MODEL_VOLUME).withMountPath(m.modelMountPath())
          .withSubPath(src.persistentVolumeClaim.subPath).withReadOnly(true).build());
      if (m.draftMountPath() != null) {
        mounts.add(new VolumeMountBuilder().withName(MODEL_VOLUME).withMountPath(m.draftMountPath())
            .withSubPath(m.draftPath()).withReadOnly(true).build());
      }
    } else if (ModelDownload.hub(m) != null) {
      mounts.add(new VolumeMountBuilder().withName(ModelDownload.CACHE_VOLUME).withMountPath(DeploymentModel.MODELS_ROOT)
          .withReadOnly(true).build());
    }
    if (m.ascend() && Boolean.TRUE.equals(m.accelerator().hostDriverMounts)) {
      mounts.addAll(AscendDriverMounts.mounts());
    }
    if (hccn(m)) {
      mounts.add(new VolumeMountBuilder().withName(HCCN_VOLUME).withMountPath(DeploymentModel.DEFAULT_HCCN_CONFIG)
          .withReadOnly(true).build());
    }
    return mounts;
  }

  static final String HCCN_VOLUME = "hccn-config";

  /**
   * vllm-ascend prefill/decode moves the KV cache over the NPUs' own network, configured in the node's hccn.conf; without
   * it the transfer runs and the output is garbage (vllm-ascend#7711), so it is mounted and required.
   */
  static boolean hccn(DeploymentModel m) {
    // accelerator.hostDriverMounts mounts the node's /etc/hccn.conf (type File) already.
    return m.role() != null && m.engineType() == io.deepseek.operator.api.v1alpha1.EngineType.VLLMAscend
        && !Boolean.TRUE.equals(m.accelerator().hostDriverMounts);
  }

  private static String exclusive(DeploymentModel m) {
    return m.scheduling().exclusiveTopology;
  }

  /** Leaders of one deployment never share a topology domain... */
  private static Affinity leaderExclusivity(DeploymentModel m) {
    PodAffinityTerm term = new PodAffinityTermBuilder()
        .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(Labels.leaderSelector(m)).build())
        .withTopologyKey(exclusive(m)).build();
    return new AffinityBuilder().withNewPodAntiAffinity().withRequiredDuringSchedulingIgnoredDuringExecution(term)
        .endPodAntiAffinity().build();
  }

  /** ...and workers follow their leader into its domain, so each group has a domain to itself. */
  private static Affinity workerExclusivity(DeploymentModel m, int group) {
    PodAffinityTerm term = new PodAffinityTermBuilder()
        .withLabelSelector(new LabelSelectorBuilder()
            .withMatchLabels(Map.of(Labels.STS_POD_NAME, Names.leaderPod(m, group))).build())
        .withTopologyKey(exclusive(m)).build();
    return new AffinityBuilder().withNewPodAffinity().withRequiredDuringSchedulingIgnoredDuringExecution(term)
        .endPodAffinity().build();
  }

  /** The user's affinity, plus the accelerator product's node requirement and the group exclusivity rules. */
  static Affinity affinity(DeploymentModel m, Affinity exclusivity) {
    Affinity user = m.scheduling().affinity;
    AcceleratorProduct product = m.product();
    if (user == null && product == null && exclusivity == null) {
      return null;
    }
    AffinityBuilder b = user == null ? new AffinityBuilder() : new AffinityBuilder(user);
    if (product != null) {
      NodeSelectorRequirement req = new NodeSelectorRequirementBuilder()
          .withKey(product.nodeLabel()).withOperator("In").withValues(product.nodeLabelValues()).build();
      List<NodeSelectorTerm> terms = new ArrayList<>();
      if (user != null && user.getNodeAffinity() != null && user.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
        // Node selector terms are ORed: the product requirement must hold in each of them.
        for (NodeSelectorTerm t : user.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()) {
          terms.add(new NodeSelectorTermBuilder(t).addToMatchExpressions(req).build());
        }
      }
      if (terms.isEmpty()) {
        terms.add(new NodeSelectorTermBuilder().withMatchExpressions(req).build());
      }
      if (b.buildNodeAffinity() == null) {
        b.withNewNodeAffinity().endNodeAffinity();
      }
      b.editNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution().withNodeSelectorTerms(terms)
          .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity();
    }
    if (exclusivity != null) {
      if (exclusivity.getPodAntiAffinity() != null) {
        if (b.buildPodAntiAffinity() == null) {
          b.withNewPodAntiAffinity().endPodAntiAffinity();
        }
        b.editPodAntiAffinity().addAllToRequiredDuringSchedulingIgnoredDuringExecution(
            exclusivity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()).endPodAntiAffinity();
      }
      if (exclusivity.getPodAffinity() != null) {
        if (b.buildPodAffinity() == null) {
          b.withNewPodAffinity().endPodAffinity();
        }
        b.editPodAffinity().addAllToRequiredDuringSchedulingIgnoredDuringExecution(
            exclusivity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()).endPodAffinity();
      }
    }
    return b.build();
  }
}
