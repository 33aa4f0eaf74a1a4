package io.deepseek.operator.e2e;

import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How fast spec.autoscaling reacts (hack/measure-autoscaling.sh runs it; plain test runs skip it): one group under a light
 * load; a load step to 20 requests/s that one group cannot serve; the time until the second group's leader pod exists
 * (the operator's reaction: metrics read, decision, the leader StatefulSet scaled, the pod created) and until it serves;
 * then back to the light load, and the requests that failed while the extra group drained and went. Repeated for the
 * steps asked (at least 10), printed as p50/p99/max.
 */
@EnabledIfSystemProperty(named = "dso.benchmark", matches = "true")
class AutoscalingBenchmarkIT extends UnderLoad {
  @Override
  String prefix() {
    return "asbench";
  }

  int desired() {
    DeepSeekDeployment d = dsd();
    return d == null || d.getStatus() == null || d.getStatus().autoscaling == null || d.getStatus().autoscaling.desiredReplicas == null
        ? -1 : d.getStatus().autoscaling.desiredReplicas;
  }

  @Test
  void measureReactionToLoadSteps() throws IOException {
    requireTheNodeAgent();
    int steps = Math.max(10, Integer.getInteger("dso.benchmark.steps", 10));
    apply("  autoscaling: {minReplicas: 1, maxReplicas: 2, targets: [{metric: WaitingRequests, value: \"4\"}],"
        + " scaleDown: {stabilizationWindow: 5s}}\n", "", 1, "maxRunningRequests: 1024", AutoscalingIT.SMALL_GROUPS);
    await().atMost(WAIT).until(() -> settled(1));
    List<Double> created = new ArrayList<>();
    List<Double> serving = new ArrayList<>();
    int sentDown = 0;
    int failedDown = 0;
    for (int i = 0; i < steps; i++) {
      Serving.Load heavy = serving_load(20);
      long t0 = System.nanoTime();
      await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> pod(NAME + "-1") != null);
      created.add((System.nanoTime() - t0) / 1e9);
      await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> settled(2));
      serving.add((System.nanoTime() - t0) / 1e9);
      heavy.stop();
      Serving.Load light = serving_load(2);
      await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> desired() == 1 && pod(NAME + "-1") == null && settled(1));
      Serving.Summary down = light.stop();
      sentDown += down.sent();
      failedDown += down.failed();
      System.out.printf("[bench] step %d: second group created after %.2f s, serving after %.1f s; scale-down under load: %s%n",
          i + 1, created.get(i), serving.get(i), down);
    }
    System.out.printf("[bench] autoscaling reaction, %d load steps (1 group -> 20 requests/s; WaitingRequests target 4,"
        + " metrics read every 2 s):%n", steps);
    System.out.printf("[bench]   load step -> new group's leader pod created: p50 %.2f s, p99 %.2f s, max %.2f s%n",
        pct(created, 50), pct(created, 99), pct(created, 100));
    System.out.printf("[bench]   load step -> new group serving:              p50 %.1f s, p99 %.1f s, max %.1f s%n",
        pct(serving, 50), pct(serving, 99), pct(serving, 100));
    System.out.printf("[bench]   scale-down (the extra group drained and removed) under a light load: %d requests, %d failed%n",
        sentDown, failedDown);
  }

  Serving.Load serving_load(double rate) {
    return serving.load(serving.serviceUrl(ns, NAME), NAME, null, rate, Duration.ofMinutes(10));
  }

  Pod pod(String name) {
    Pod p = client.pods().inNamespace(ns).withName(name).get();
    return p == null || p.getMetadata().getDeletionTimestamp() != null ? null : p;
  }

  static double pct(List<Double> values, int p) {
    List<Double> sorted = values.stream().sorted().toList();
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
