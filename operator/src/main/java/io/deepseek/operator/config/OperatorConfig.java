package io.deepseek.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Operator-level settings (application.properties or env, e.g. DEEPSEEK_OPERATOR_RESYNC_INTERVAL=2m). */
@ConfigMapping(prefix = "deepseek.operator")
public interface OperatorConfig {
  /** Re-check interval while a deployment is not Ready (events from pods also trigger reconciles). */
  @WithDefault("30s")
  Duration notReadyRequeue();

  /** Polling interval of a worker waiting for its leader's rendezvous port. */
  @WithDefault("5s")
  Duration workerWaitInterval();
}
