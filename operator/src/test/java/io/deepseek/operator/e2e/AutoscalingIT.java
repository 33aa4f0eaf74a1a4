package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.AutoscalingStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * spec.autoscaling on the local cluster, with the stand-in engines' real metrics and a load through the client Service:
 * groups follow the load up to maxReplicas and back to minReplicas after the scale-down window, the groups that go drain
 * (no request lost), a load that comes and goes faster than the window moves nothing more than once per window, a
 * rollout and a failure under autoscaling keep both right, and the operator never writes the spec.
 */
class AutoscalingIT extends UnderLoad {
  /** Each group runs 4 requests at once: a load of 20 per second needs about 4 groups, so the queue decides. */
  static final String SMALL_GROUPS = "maxRunningRequests: 4";

  @Override
  String prefix() {
    return "as";
  }

  @BeforeEach
  void needsTraffic() {
    requireTheNodeAgent();
  }

  void applyAutoscaled(String autoscaling) throws IOException {
    apply("  autoscaling: " + autoscaling + "\n", "", 1, "maxRunningRequests: 1024", SMALL_GROUPS);
  }

  AutoscalingStatus autoscaling() {
    DeepSeekDeployment d = dsd();
    return d == null || d.getStatus() == null ? null : d.getStatus().autoscaling;
  }

  int desired() {
    AutoscalingStatus a = autoscaling();
    return a == null || a.desiredReplicas == null ? -1 : a.desiredReplicas;
  }

  List<Event> scaleEvents() {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> "ScaledUp".equals(e.getReason()) || "ScaledDown".equals(e.getReason())).toList();
  }

  Serving.Load load(double rate) {
    return serving.load(serving.serviceUrl(ns, NAME), NAME, null, rate, Duration.ofMinutes(10));
  }

  @Test
  void groupsFollowTheLoadUpToMaxThenDrainBackToMinLosingNothing() throws IOException {
    applyAutoscaled("{minReplicas: 1, maxReplicas: 3, targets: [{metric: WaitingRequests, value: \"4\"}],"
        + " scaleDown: {stabilizationWindow: 20s}}");
    await().atMost(WAIT).until(() -> settled(1));
    long generation = dsd().getMetadata().getGeneration();
    long t0 = System.nanoTime();
    Serving.Load heavy = load(16);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> desired() == 3 && settled(3));
    System.out.printf("[e2e] autoscaling: load 16/s -> 3 groups (max) serving after %.1f s: %s%n", (System.nanoTime() - t0) / 1e9,
        autoscaling().reason);
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(desired()).as("never above maxReplicas").isEqualTo(3);
    assertThat(pods()).hasSize(6);
    // The same group-true figures on the operator's /q/metrics, labelled by namespace, deployment and group only.
    String exported = await().atMost(Duration.ofSeconds(20)).until(cluster::operatorMetrics, m -> m.lines()
        .filter(l -> l.startsWith("deepseek_operator_group_waiting_requests{") && l.contains(ns)).count() == 3);
    assertThat(exported).contains("deepseek_operator_autoscaling_desired_groups{deployment=\"deepseek-r1\",namespace=\"" + ns
        + "\"} 3.0");
    assertThat(exported.lines().filter(l -> l.startsWith("deepseek_operator_group_waiting_requests{") && l.contains(ns)))
        .hasSize(3).allMatch(l -> l.matches("deepseek_operator_group_waiting_requests\\{deployment=\"deepseek-r1\",group=\"[0-2]\",namespace=\"" + ns + "\"\\} .*"));
    // Every metric the dashboard and the alert rules in deploy/monitoring/ query is one the operator exports.
    for (String metric : io.deepseek.operator.integrations.MonitoringTest.metricsUsed()) {
      assertThat(exported.lines().anyMatch(l -> l.startsWith(metric + "{") || l.startsWith(metric + " ")))
          .as("%s on /q/metrics (deploy/monitoring/ queries it)", metric).isTrue();
    }
    assertThat(exported).contains("deepseek_operator_groups{deployment=\"deepseek-r1\",namespace=\"" + ns + "\",state=\"ready\"} 3.0");
    Serving.Summary high = heavy.stop();
    System.out.printf("[e2e] autoscaling: the heavy load: %s%n", high);

    // A light load that one group serves: the groups above it drain and go, one window at a time, losing nothing.
    Serving.Load light = load(2);
    long t1 = System.nanoTime();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> desired() == 1 && settled(1));
    System.out.printf("[e2e] autoscaling: load 2/s -> back to 1 group (min) after %.1f s%n", (System.nanoTime() - t1) / 1e9);
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
    Serving.Summary low = light.stop();
    System.out.printf("[e2e] autoscaling: the light load while groups were removed: %s%n", low);
    assertThat(low.failed()).as("failed requests while draining groups: %s", low).isZero();
    assertThat(dsd().getMetadata().getGeneration()).as("the operator never writes the spec").isEqualTo(generation);
    assertThat(dsd().getSpec().replicas).isEqualTo(1);
    assertThat(scaleEvents()).extracting(Event::getReason).contains("ScaledUp", "ScaledDown");
  }

  /** Load that comes and goes every 6 s, with a 15 s scale-down window: a group is added, none removed meanwhile. */
  @Test
  void loadThatComesAndGoesFasterThanTheWindowChangesAtMostOncePerWindow() throws IOException {
    applyAutoscaled("{minReplicas: 1, maxReplicas: 2, targets: [{metric: WaitingRequests, value: \"4\"}],"
        + " scaleUp: {stabilizationWindow: 3s}, scaleDown: {stabilizationWindow: 15s}}");
    await().atMost(WAIT).until(() -> settled(1));
    List<Integer> seen = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      Serving.Load burst = load(20);
      await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
      burst.stop();
      seen.add(desired());
      await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
      seen.add(desired());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<Event> changes = scaleEvents();
    System.out.printf("[e2e] autoscaling: 3 bursts of 6 s in %.0f s: desired groups %s, %d change(s)%n", seconds, seen,
        changes.size());
    assertThat(changes.stream().filter(e -> "ScaledDown".equals(e.getReason()))).as("no group removed within the window").isEmpty();
    assertThat(changes.size()).as("at most one change per 15 s window").isLessThanOrEqualTo((int) (seconds / 15) + 1);
  }

  /**
   * A rollout under autoscaling: no group is removed during it, and every group ends at the new revision; then a worker
   * dies: its group is recreated, and counted as starting (capacity on the way), not as a reason for one more.
   */
  @Test
  void aRolloutAndAFailureUnderAutoscalingKeepBothRight() throws IOException {
    applyAutoscaled("{minReplicas: 2, maxReplicas: 3, targets: [{metric: WaitingRequests, value: \"4\"}],"
        + " scaleDown: {stabilizationWindow: 5s}}");
    await().atMost(WAIT).until(() -> settled(2) && desired() == 2);
    // A load two groups serve (4 requests at once each): the rollout, not the load, is what happens.
    Outcome rolled = rollUnderLoad(2, "lmsysorg/sglang:v0.5.19", 4);
    assertThat(rolled.load().failed()).as("failed requests during the rollout: %s", rolled.load()).isZero();
    assertThat(scaleEvents().stream().filter(e -> "ScaledDown".equals(e.getReason()))).as("nothing below min, nothing removed")
        .isEmpty();
    assertThat(desired()).isEqualTo(2);

    String leader = client.pods().inNamespace(ns).withName(NAME + "-1").get().getMetadata().getUid();
    Serving.Load load = load(3);
    serving.kill(ns, NAME + "-1-1", "engine");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
      Pod p = client.pods().inNamespace(ns).withName(NAME + "-1").get();
      return p != null && !leader.equals(p.getMetadata().getUid());
    });
    await().atMost(WAIT).until(() -> settled(2));
    Serving.Summary s = load.stop();
    System.out.printf("[e2e] autoscaling: a worker killed under a load 1 group serves: recreated; desired %d; %s%n", desired(), s);
    assertThat(desired()).as("the recreated group was capacity on the way, not a reason for a third").isEqualTo(2);
    assertThat(dsd().getStatus().groups.stream().filter(g -> g.index == 1).findFirst().orElseThrow().restarts).isEqualTo(1);
  }

  /**
   * The same signal from a real Prometheus server (Debian's package) scraping every engine pod: the operator asks it per
   * pod and adds the pods up by group. Debian builds Prometheus without Kubernetes service discovery, so the targets come
   * from a file that this test keeps up to date from the pods, as a discovery sidecar would.
   */
  @Test
  void theMetricsCanComeFromAPrometheusServer() throws Exception {
    Path prometheus = Path.of("/usr/bin/prometheus");
    assumeTrue(Files.isExecutable(prometheus), "Prometheus is not installed (apt-get install prometheus; .ci/run does)");
    Path dir = Files.createTempDirectory("prometheus");
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path targets = dir.resolve("targets.json");
    Files.writeString(targets, "[]");
    Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
        "global: {scrape_interval: 1s, evaluation_interval: 1s}",
        "scrape_configs:",
        "- job_name: engines",
        "  file_sd_configs: [{files: ['" + targets + "'], refresh_interval: 1s}]", ""));
    Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    java.util.concurrent.atomic.AtomicBoolean discovering = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread discovery = new Thread(() -> {
      while (discovering.get()) {
        try {
          StringBuilder json = new StringBuilder("[");
          for (Pod p : pods()) {
            Integer http = p.getSpec().getContainers().get(0).getPorts().stream().filter(cp -> "http".equals(cp.getName()))
                .map(cp -> cp.getContainerPort()).findFirst().orElse(null);
            if (p.getStatus() == null || p.getStatus().getPodIP() == null || http == null) {
              continue;
            }
            json.append(json.length() > 1 ? "," : "").append("{\"targets\":[\"").append(p.getStatus().getPodIP()).append(':')
                .append(http).append("\"],\"labels\":{\"pod\":\"").append(p.getMetadata().getName())
                .append("\",\"namespace\":\"").append(ns).append("\"}}");
          }
          Path tmp = dir.resolve("targets.tmp");
          Files.writeString(tmp, json.append("]").toString());
          Files.move(tmp, targets, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // the next round tries again
        }
      }
    });
    discovery.start();
    try {
      String url = "http://127.0.0.1:" + port;
      applyAutoscaled("{minReplicas: 1, maxReplicas: 2, source: {prometheus: {url: '" + url + "'}},"
          + " targets: [{metric: WaitingRequests, value: '4', query: 'sum by (pod) (sglang:num_queue_reqs{namespace=\"" + ns
          + "\"})'}]}");
      await().atMost(WAIT).until(() -> settled(1));
      Serving.Load heavy = load(16);
      await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
        assertThat(server.isAlive()).as("Prometheus runs (see %s)", dir.resolve("prometheus.log")).isTrue();
        return desired() == 2;
      });
      AutoscalingStatus a = autoscaling();
      System.out.printf("[e2e] autoscaling from Prometheus: %s%n", a.reason);
      heavy.stop();
      assertThat(a.metricsSource).isEqualTo(url);
      assertThat(a.reason).contains("WaitingRequests", "scaled up from 1 to 2");
    } finally {
      discovering.set(false);
      discovery.interrupt();
      server.destroy();
      server.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
