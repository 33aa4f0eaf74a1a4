package io.deepseek.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class DeploymentMetricsTest {
  final MeterRegistry registry = new SimpleMeterRegistry();

  static DeepSeekDeployment dsd(String name) {
    DeepSeekDeployment d = new DeepSeekDeployment();
    d.setMetadata(new ObjectMetaBuilder().withNamespace("tenant").withName(name).build());
    return d;
  }

  static DeepSeekDeploymentStatus status(int ready, int updated, boolean failed) {
    DeepSeekDeploymentStatus s = new DeepSeekDeploymentStatus();
    s.readyReplicas = ready;
    s.updatedReplicas = updated;
    if (failed) {
      DeepSeekDeploymentStatus.GroupStatus g = new DeepSeekDeploymentStatus.GroupStatus();
      g.failed = true;
      s.groups.add(g);
    }
    return s;
  }

  double gauge(String name, String state) {
    var g = registry.find(DeploymentMetrics.GROUPS).tag("deployment", name).tag("state", state).gauge();
    return g == null ? Double.NaN : g.value();
  }

  @Test
  void fullServesSixSeriesPerDeploymentAlways() {
    DeploymentMetrics m = new DeploymentMetrics(registry, false);
    for (int i = 0; i < 100; i++) {
      m.update(dsd("d" + i), 2, status(2, 2, false));
    }
    assertThat(registry.getMeters()).hasSize(600);
    assertThat(gauge("d7", "ready")).isEqualTo(2);
    m.remove("tenant/d7");
    assertThat(registry.getMeters()).hasSize(594);
  }

  @Test
  void sparseServesNothingForHealthyDeploymentsAndEverythingWhileOneNeedsAttention() {
    DeploymentMetrics m = new DeploymentMetrics(registry, true);
    for (int i = 0; i < 1000; i++) {
      m.update(dsd("d" + i), 2, status(2, 2, false));
    }
    assertThat(registry.getMeters()).as("1000 healthy deployments").isEmpty();

    m.update(dsd("d3"), 2, status(1, 2, false));
    assertThat(registry.getMeters()).hasSize(4);
    assertThat(gauge("d3", "desired")).isEqualTo(2);
    assertThat(gauge("d3", "ready")).isEqualTo(1);
    assertThat(gauge("d3", "updated")).isEqualTo(2);
    assertThat(gauge("d3", "failed")).isZero();

    m.update(dsd("d4"), 3, status(3, 3, true));
    assertThat(gauge("d4", "failed")).as("a failed group needs attention even with every group counted ready").isEqualTo(1);
    m.update(dsd("d4"), 3, status(3, 1, false));
    assertThat(gauge("d4", "updated")).as("a rollout in progress").isEqualTo(1);

    m.recreated(dsd("d3"), 1);
    m.reconcileFailed(dsd("d5"));
    assertThat(registry.find(DeploymentMetrics.RECREATIONS).tag("deployment", "d3").counter().count()).isEqualTo(1);
    assertThat(registry.find(DeploymentMetrics.RECONCILE_ERRORS).tag("deployment", "d5").counter().count()).isEqualTo(1);

    m.update(dsd("d3"), 2, status(2, 2, false));
    assertThat(gauge("d3", "ready")).as("healthy again: its gauges go").isNaN();
    assertThat(registry.find(DeploymentMetrics.RECREATIONS).tag("deployment", "d3").counter())
        .as("a counter stays once it exists (removing it would reset it)").isNotNull();

    m.remove("tenant/d3");
    m.remove("tenant/d4");
    m.remove("tenant/d5");
    assertThat(registry.getMeters()).isEmpty();
  }
}
