package io.deepseek.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Operator-level settings (application.properties or env, e.g. DEEPSEEK_OPERATOR_RESYNC_INTERVAL=2m). */
@ConfigMapping(prefix = "deepseek.operator")
public interface OperatorConfig {
  /** Re-check interval while a deployment is not Ready (events from pods also trigger reconciles). */
  @WithDefault("30s")
  Duration notReadyRequeue();

  /**
   * Node directories DeepSeekDeployments may mount as model hostPath (and under which only): secure by default, system
   * directories are refused whatever this says unless a prefix inside one is listed explicitly.
   * Env: DEEPSEEK_OPERATOR_HOST_PATH_ALLOWED_PREFIXES=/data,/mnt,/models
   */
  @WithName("host-path.allowed-prefixes")
  @WithDefault("/data,/mnt,/models")
  List<String> hostPathAllowedPrefixes();

  /**
   * The most groups (spec.replicas) one DeepSeekDeployment may ask for; more is refused as InvalidSpec. The CRD's own
   * ceiling is 512. Env: DEEPSEEK_OPERATOR_MAX_GROUPS_PER_DEPLOYMENT=128
   */
  @WithDefault("128")
  int maxGroupsPerDeployment();

  /**
   * How often the engines' metrics of a deployment with spec.autoscaling are read (from every pod of every group, or from
   * its Prometheus server); a reconcile follows each reading that changed. Env: DEEPSEEK_OPERATOR_AUTOSCALING_POLL_INTERVAL
   */
  @WithName("autoscaling.poll-interval")
  @WithDefault("2s")
  Duration autoscalingPollInterval();

  /**
   * The per-deployment series on /q/metrics: {@code full} (the default) serves every deployment's group gauges and
   * counters at all times (6 series a deployment); {@code sparse} serves a deployment's group gauges only while some of
   * its groups are not ready, not updated or failed, and its counters from their first increment, so that a fleet of
   * healthy deployments adds no series. Env: DEEPSEEK_OPERATOR_METRICS_PER_DEPLOYMENT=sparse
   */
  @WithName("metrics.per-deployment")
  @WithDefault("full")
  PerDeploymentMetrics perDeploymentMetrics();

  enum PerDeploymentMetrics {
    FULL, SPARSE
  }

  /**
   * The platform policy's defaults: what tenants may do where no DeepSeekPolicy selects their namespace, and for every
   * field a policy leaves unset. Env: DEEPSEEK_OPERATOR_POLICY_SERVICE_TYPES=ClusterIP,NodePort and so on.
   */
  Policy policy();

  interface Policy {
    /** Whether pods may use the node's network. */
    @WithDefault("true")
    boolean allowHostNetwork();

    /** Whether pods may request RDMA devices (and so the IPC_LOCK capability). */
    @WithDefault("true")
    boolean allowRdma();

    @WithDefault("ClusterIP")
    List<String> serviceTypes();

    @WithDefault("default")
    List<String> serviceAccounts();

    @WithDefault("default-scheduler")
    List<String> schedulerNames();

    @WithDefault("nvidia.com/gpu,huawei.com/Ascend910,huawei.com/ascend-1980")
    List<String> acceleratorResources();

    /** Client Service annotation prefixes tenants may set; unset: any (LoadBalancer is refused by default). */
    Optional<List<String>> serviceAnnotationPrefixes();
  }
}
