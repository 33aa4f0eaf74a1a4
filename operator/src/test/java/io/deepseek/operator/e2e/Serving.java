package io.deepseek.operator.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Traffic as a client of the cluster sends it: from the local cluster's client network namespace, where kube-proxy
 * programs the Services, to a Service's cluster IP. Every address dialled is inside the namespaces hack/nodeagent makes
 * (Service, node and pod ranges), or loopback.
 */
final class Serving {
  static final ObjectMapper JSON = new ObjectMapper();
  private final LocalCluster cluster;

  Serving(LocalCluster cluster) {
    this.cluster = cluster;
  }

  /** http://<cluster IP>:<port> of a Service. */
  String serviceUrl(String ns, String name) {
    Service s = cluster.client.services().inNamespace(ns).withName(name).get();
    return "http://" + s.getSpec().getClusterIP() + ":" + s.getSpec().getPorts().get(0).getPort();
  }

  record Answer(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }
  }

  /** One chat completion through the Service, from the client namespace (curl). */
  Answer chat(String ns, String service, String model, String apiKey) {
    String body = "{\"model\":\"" + model + "\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", cluster.env.get("CLIENT_NS"), "curl", "-sS", "-m", "30",
        "-w", "\n%{http_code}", "-H", "Content-Type: application/json", "-d", body));
    if (apiKey != null) {
      cmd.addAll(List.of("-H", "Authorization: Bearer " + apiKey));
    }
    cmd.add(serviceUrl(ns, service) + "/v1/chat/completions");
    LocalCluster.Run r = cluster.run(cmd, Duration.ofSeconds(40));
    String out = r.output().strip();
    int nl = out.lastIndexOf('\n');
    try {
      return new Answer(Integer.parseInt(out.substring(nl + 1).strip()), nl < 0 ? "" : out.substring(0, nl));
    } catch (NumberFormatException e) {
      return new Answer(0, out);
    }
  }

  /**
   * The first chat with a Service whose pods just became Ready: kube-proxy programs the address only after the endpoint
   * slice controller has listed the ready pods (about a second; more on a busy machine), and until then the address
   * refuses connections, as on any cluster. Retried while it refuses (the test fails if it still does after 30 s); any
   * HTTP answer is returned.
   */
  Answer firstChat(String ns, String service, String model, String apiKey) {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> chat(ns, service, model, apiKey), a -> a.status() != 0 || !a.body().contains("Failed to connect"));
  }

  /** A pod's /metrics, read from this machine (the pod's address is on the cluster bridge). */
  String metrics(Pod pod, int port) {
    return LocalCluster.get(URI.create("http://" + pod.getStatus().getPodIP() + ":" + port + "/metrics"));
  }

  /** A steady load (hack/standin/loadgen) from the client namespace until {@link Load#stop()}. */
  Load load(String url, String model, String apiKey, double rate, Duration max) {
    try {
      Path dir = Files.createTempDirectory("load");
      Path stop = dir.resolve("stop");
      Path requests = dir.resolve("requests.jsonl");
      List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", cluster.env.get("CLIENT_NS"),
          cluster.env.get("STANDIN_BIN") + "/bin/loadgen", "-url", url + "/v1/chat/completions", "-model", model,
          "-rate", Double.toString(rate), "-duration", max.toSeconds() + "s", "-stop", stop.toString(), "-requests",
          requests.toString(), "-max-tokens", "32"));
      if (apiKey != null) {
        cmd.addAll(List.of("-key", apiKey));
      }
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
      return new Load(p, dir, stop, requests);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the load saw; fingerprints counts the answers by system_fingerprint (an empty object where none has one). */
  /** @param retried requests sent once more because a kept-alive connection closed under them before any answer */
  record Summary(int sent, int ok, int failed, int retried, double p50Ms, double p99Ms, JsonNode causes, JsonNode fingerprints,
      List<JsonNode> requests) {
    /** The time after which every request succeeded again, in ms since epoch; 0 if none failed. */
    long lastFailure() {
      return requests.stream().filter(r -> r.hasNonNull("error")).mapToLong(r -> r.get("start").asLong()).max().orElse(0);
    }

    @Override
    public String toString() {
      return String.format("sent %d, ok %d, failed %d %s, p50 %.0f ms, p99 %.0f ms%s", sent, ok, failed,
          failed > 0 ? causes.toString() : "", p50Ms, p99Ms, retried > 0 ? ", retried " + retried : "");
    }
  }

  record Load(Process process, Path dir, Path stopFile, Path requests) {
    Summary stop() {
      try {
        Files.writeString(stopFile, "stop");
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("the load generator did not stop");
        }
        List<String> lines = Files.readAllLines(dir.resolve("out"), StandardCharsets.UTF_8);
        JsonNode s = JSON.readTree(lines.get(lines.size() - 1));
        List<JsonNode> all = new ArrayList<>();
        for (String line : Files.readAllLines(requests)) {
          all.add(JSON.readTree(line));
        }
        return new Summary(s.get("sent").asInt(), s.get("ok").asInt(), s.get("failed").asInt(), s.path("retried").asInt(),
            s.get("p50Ms").asDouble(),
            s.get("p99Ms").asDouble(), s.get("causes"), s.has("fingerprints") ? s.get("fingerprints") : JSON.createObjectNode(), all);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Kills a container's main process with SIGKILL, as a crash would (the node agent's pid file). */
  void kill(String ns, String podName, String container) {
    Pod p = cluster.client.pods().inNamespace(ns).withName(podName).get();
    Path pid = cluster.clusterDir().resolve("agent/pods/" + ns + "_" + podName + "_" + p.getMetadata().getUid())
        .resolve(container + ".pid");
    try {
      String value = Files.readString(pid).strip();
      cluster.run(List.of("kill", "-9", value), Duration.ofSeconds(10));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
