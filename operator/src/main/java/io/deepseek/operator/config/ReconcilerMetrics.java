package io.deepseek.operator.config;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The operator framework's own metrics (operator_sdk_*), aggregated over all deployments. The extension's default
 * records timers and counters per resource: at 1000 deployments that was 79,217 series on /q/metrics (issue "Proof at
 * scale"), a cardinality problem for every Prometheus that scrapes the operator. Per-deployment figures users need are
 * the operator's own gauges (deepseek_operator_groups, labelled by namespace and deployment only).
 */
@Singleton
public class ReconcilerMetrics {
  @Produces
  @Singleton
  Metrics metrics(MeterRegistry registry) {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }
}
