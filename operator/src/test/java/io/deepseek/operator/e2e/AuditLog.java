package io.deepseek.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The requests the API server logged for the benchmark's users (hack/cluster-up.sh with DSO_AUDIT_GROUP): the same count
 * for every controller, whatever it reports about itself. Leader election is left out: lease renewals are the cost of
 * running two replicas, not of the deployments; and its start-up check of its rights (java-operator-sdk's
 * LeaderElectionManager creates a SelfSubjectRulesReview) stores nothing. So are the other reviews, which are questions
 * asked with the verb create.
 */
final class AuditLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  AuditLog(Path file) {
    this.file = file;
  }

  private static final Set<String> WRITES = Set.of("create", "update", "patch", "delete", "deletecollection");
  private static final Set<String> READS = Set.of("get", "list");
  /** Created to be answered, never stored. */
  private static final Set<String> NOT_STORED = Set.of("selfsubjectrulesreviews", "selfsubjectaccessreviews",
      "subjectaccessreviews", "localsubjectaccessreviews", "selfsubjectreviews", "tokenreviews");

  /** Writes so far by one user, by resource (subresources as "deepseekdeployments/status"), leader election excluded. */
  Map<String, Long> writesBy(String user) {
    return requestsBy(user, WRITES);
  }

  /** Reads so far (get, list; not watches) by one user, by resource. */
  Map<String, Long> readsBy(String user) {
    return requestsBy(user, READS);
  }

  private Map<String, Long> requestsBy(String user, Set<String> verbs) {
    Map<String, Long> out = new TreeMap<>();
    completedBy(user, e -> {
      if (!verbs.contains(e.path("verb").asText())) {
        return;
      }
      JsonNode ref = e.path("objectRef");
      String resource = ref.path("resource").asText();
      if ("leases".equals(resource) || NOT_STORED.contains(resource)) {
        return;
      }
      if (ref.hasNonNull("subresource")) {
        resource += "/" + ref.path("subresource").asText();
      }
      out.merge(resource, 1L, Long::sum);
    });
    return out;
  }

  /**
   * The API server's own time for each write of {@code resource} by one user (create, or server-side apply and other
   * patches, or update; from receiving the request to the response, ms): under load it includes the wait for a seat
   * (priority and fairness) and for CPU, a floor under how soon any controller's object can exist after it decided to
   * write it.
   */
  List<Double> writeMillis(String user, String resource) {
    List<Double> out = new ArrayList<>();
    completedBy(user, e -> {
      String verb = e.path("verb").asText();
      JsonNode ref = e.path("objectRef");
      if (WRITES.contains(verb) && !verb.startsWith("delete") && resource.equals(ref.path("resource").asText())
          && !ref.hasNonNull("subresource")) {
        Instant received = Instant.parse(e.path("requestReceivedTimestamp").asText());
        Instant answered = Instant.parse(e.path("stageTimestamp").asText());
        out.add(Duration.between(received, answered).toNanos() / 1e6);
      }
    });
    return out;
  }

  /** Every completed request of one user so far, in the log's order. */
  private void completedBy(String user, Consumer<JsonNode> each) {
    if (!Files.exists(file)) {
      return;
    }
    try (Stream<String> lines = Files.lines(file)) {
      lines.forEach(line -> {
        JsonNode e;
        try {
          e = JSON.readTree(line);
        } catch (IOException partial) {
          return; // the line being written
        }
        if ("ResponseComplete".equals(e.path("stage").asText()) && user.equals(e.path("user").path("username").asText())) {
          each.accept(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What was written between two readings, by resource. */
  static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> out = new TreeMap<>();
    after.forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d != 0) {
        out.put(k, d);
      }
    });
    return out;
  }
}
