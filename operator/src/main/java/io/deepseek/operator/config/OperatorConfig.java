package io.deepseek.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;

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
}
