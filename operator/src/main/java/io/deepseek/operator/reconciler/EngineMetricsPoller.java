package io.deepseek.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import io.deepseek.operator.api.v1alpha1.AutoscalingSpec;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Json;
import io.deepseek.operator.observe.EngineMetrics;
import io.deepseek.operator.observe.MetricsReading;
import io.deepseek.operator.observe.Pods;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Reads the engines' metrics of every deployment with spec.autoscaling, on JOSDK's per-resource polling (a reconcile
 * follows when they changed): from every pod of every group (every rank: SGLang's worker nodes export their own data
 * parallel ranks), or from the Prometheus server the spec names. Keeps each pod's time-to-first-token histogram of about
 * a minute ago, so that the plan step can take a percentile over the last minute. Reads, never decides.
 */
public final class EngineMetricsPoller implements PerResourcePollingEventSource.ResourceFetcher<EngineMetrics, DeepSeekDeployment> {
  private static final Logger LOG = Logger.getLogger(EngineMetricsPoller.class);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
  /** How far back the time-to-first-token percentile looks. */
  static final Duration TTFT_WINDOW = Duration.ofSeconds(60);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private volatile InformerEventSource<Pod, DeepSeekDeployment> pods;
  private final Map<ResourceID, MetricsReading> latest = new ConcurrentHashMap<>();
  /** Per pod: its past histograms with when they were read, oldest first. */
  private final Map<String, Deque<Map.Entry<Instant, Map<Double, Double>>>> history = new ConcurrentHashMap<>();

  void readPodsFrom(InformerEventSource<Pod, DeepSeekDeployment> pods) {
    this.pods = pods;
  }

  /** The last reading of a deployment, or null. */
  MetricsReading latest(DeepSeekDeployment d) {
    return latest.get(ResourceID.fromResource(d));
  }

  void forget(DeepSeekDeployment d) {
    latest.remove(ResourceID.fromResource(d));
  }

  @Override
  public Set<EngineMetrics> fetchResources(DeepSeekDeployment d) {
    if (!io.deepseek.operator.model.DeploymentModel.readsMetrics(d) || pods == null) {
      return Set.of();
    }
    // With roles the metrics come from the pods (spec.autoscaling, refused with roles, is where a Prometheus source is).
    AutoscalingSpec a = d.getSpec().autoscaling;
    List<Pod> running = pods.getSecondaryResources(d).stream()
        .filter(p -> !Pods.terminating(p) && Pods.ip(p) != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
        .toList();
    MetricsReading reading = a != null && a.source != null && a.source.prometheus != null ? fromPrometheus(a, running)
        : fromPods(running);
    latest.put(ResourceID.fromResource(d), reading);
    Set<EngineMetrics> out = new HashSet<>(reading.pods().values());
    return out;
  }

  private MetricsReading fromPods(List<Pod> running) {
    Map<String, CompletableFuture<HttpResponse<String>>> calls = new HashMap<>();
    for (Pod p : running) {
      Integer port = httpPort(p);
      if (port == null) {
        continue;
      }
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + Pods.ip(p) + ":" + port + "/metrics")).timeout(READ_TIMEOUT).build();
      calls.put(p.getMetadata().getName(), http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
    }
    Map<String, EngineMetrics> read = new TreeMap<>();
    List<String> failed = new ArrayList<>();
    Instant now = Instant.now();
    calls.forEach((pod, call) -> {
      try {
        HttpResponse<String> r = call.join();
        if (r.statusCode() == 200) {
          EngineMetrics m = EngineMetrics.parse(pod, r.body());
          read.put(pod, m.withBefore(remember(pod, now, m.ttft())));
        } else {
          failed.add(pod + " (HTTP " + r.statusCode() + ")");
        }
      } catch (RuntimeException e) {
        failed.add(pod);
      }
    });
    history.keySet().retainAll(calls.keySet());
    String problem = failed.isEmpty() ? null : "could not read the metrics of " + String.join(", ", failed);
    return new MetricsReading(now, "pods", read, problem);
  }

  /** The engine's HTTP port: the container port named http (the operator names it so). */
  static Integer httpPort(Pod p) {
    if (p.getSpec() == null || p.getSpec().getContainers() == null || p.getSpec().getContainers().isEmpty()) {
      return null;
    }
    for (ContainerPort cp : p.getSpec().getContainers().get(0).getPorts()) {
      if ("http".equals(cp.getName())) {
        return cp.getContainerPort();
      }
    }
    return null;
  }

  /** Records this histogram and returns the one read about TTFT_WINDOW ago (the oldest within it), or null. */
  private Map<Double, Double> remember(String pod, Instant now, Map<Double, Double> ttft) {
    Deque<Map.Entry<Instant, Map<Double, Double>>> past = history.computeIfAbsent(pod, k -> new ArrayDeque<>());
    synchronized (past) {
      while (past.size() > 1 && past.peekFirst().getKey().isBefore(now.minus(TTFT_WINDOW))) {
        past.pollFirst();
      }
      Map<Double, Double> before = past.isEmpty() ? null : past.peekFirst().getValue();
      past.addLast(Map.entry(now, ttft));
      return before;
    }
  }

  /**
   * Each target's query, per pod (the vector's pod label); only the deployment's running pods count. Without a
   * TimeToFirstToken histogram from Prometheus, that target is not measured from it.
   */
  private MetricsReading fromPrometheus(AutoscalingSpec a, List<Pod> running) {
    String url = a.source.prometheus.url.replaceAll("/+$", "");
    Set<String> names = new HashSet<>();
    running.forEach(p -> names.add(p.getMetadata().getName()));
    Map<String, double[]> values = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (AutoscalingSpec.Target t : a.targets) {
      if (t.query == null) {
        continue;
      }
      try {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/api/v1/query?query="
            + URLEncoder.encode(t.query, StandardCharsets.UTF_8))).timeout(READ_TIMEOUT).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        JsonNode body = Json.MAPPER.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
          problems.add(t.metric + ": " + body.path("error").asText("HTTP " + r.statusCode()));
          continue;
        }
        for (JsonNode sample : body.path("data").path("result")) {
          String pod = sample.path("metric").path("pod").asText(null);
          if (pod == null || !names.contains(pod)) {
            continue;
          }
          double v = Double.parseDouble(sample.path("value").path(1).asText("NaN"));
          if (Double.isNaN(v)) {
            continue;
          }
          double[] row = values.computeIfAbsent(pod, k -> new double[3]);
          switch (t.metric) {
            case WaitingRequests -> row[0] += v;
            case RunningRequests -> row[1] += v;
            case KVCacheUsage -> row[2] += v;
            default -> { }
          }
        }
      } catch (Exception e) {
        LOG.debugf(e, "prometheus query %s", t.query);
        problems.add(t.metric + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
      }
    }
    Map<String, EngineMetrics> read = new TreeMap<>();
    values.forEach((pod, row) -> read.put(pod, new EngineMetrics(pod, row[0], row[1], row[2], 1, Map.of(), null)));
    return new MetricsReading(Instant.now(), url, read, problems.isEmpty() ? null : String.join("; ", problems));
  }
}
