package io.deepseek.operator.e2e;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What happened in a test's namespace, for the report of a test that failed: its Events in order (the operator's and the
 * simulated kubelets'), its pods as they are, and the operator's log lines about the namespace. An end-to-end test that
 * fails once in many runs must say why in the report CI keeps, not only which assertion it was.
 */
final class Story {
  private static final int LOG_LINES = 60;
  private static final int EVENTS = 150;

  private Story() {}

  /**
   * @param operatorLog the operator's log: its lines about the namespace
   * @param agentLog the simulated kubelets' log (hack/nodeagent), if they run pods: pod addresses, container exits
   */
  static String of(KubernetesClient client, String ns, Path operatorLog, Path agentLog) {
    StringBuilder out = new StringBuilder("what happened in namespace ").append(ns).append(":\n");
    try {
      List<Event> events = client.v1().events().inNamespace(ns).list().getItems().stream()
          .sorted(Comparator.comparing(Story::when)).toList();
      if (events.size() > EVENTS) {
        out.append("  (the first ").append(events.size() - EVENTS).append(" of ").append(events.size()).append(" Events left out)\n");
      }
      events.subList(Math.max(0, events.size() - EVENTS), events.size()).forEach(e -> out.append("  event ").append(when(e)).append(' ')
          .append(e.getInvolvedObject().getKind()).append('/').append(e.getInvolvedObject().getName()).append(' ')
          .append(e.getReason()).append(Objects.requireNonNullElse(e.getCount(), 1) > 1
              ? " (x" + e.getCount() + " since " + e.getFirstTimestamp() + ")" : "")
          .append(": ").append(e.getMessage()).append('\n'));
      for (Pod p : client.pods().inNamespace(ns).list().getItems()) {
        out.append("  pod ").append(p.getMetadata().getName()).append(" uid ").append(p.getMetadata().getUid())
            .append(p.getMetadata().getDeletionTimestamp() == null ? "" : " terminating")
            .append(p.getStatus() == null || p.getStatus().getContainerStatuses() == null ? ""
                : p.getStatus().getContainerStatuses().stream().map(Story::container).collect(Collectors.joining(", ", " ", "")))
            .append('\n');
      }
    } catch (RuntimeException e) {
      out.append("  (the API server did not answer: ").append(e).append(")\n");
    }
    lines(out, "log", operatorLog, ns + "/");
    lines(out, "node", agentLog, " " + ns + "/");
    return out.toString();
  }

  /** The last lines of a log that contain {@code needle}, each after {@code tag}. */
  private static void lines(StringBuilder out, String tag, Path log, String needle) {
    if (log == null || !Files.exists(log)) {
      return;
    }
    try (Stream<String> lines = Files.lines(log)) {
      List<String> ours = lines.filter(l -> l.contains(needle)).toList();
      ours.subList(Math.max(0, ours.size() - LOG_LINES), ours.size()).forEach(l -> out.append("  ").append(tag).append(' ').append(l)
          .append('\n'));
    } catch (IOException | java.io.UncheckedIOException e) {
      out.append("  (").append(log).append(": ").append(e).append(")\n");
    }
  }

  private static String when(Event e) {
    return Stream.of(e.getLastTimestamp(), e.getEventTime() == null ? null : e.getEventTime().getTime(), e.getFirstTimestamp())
        .filter(Objects::nonNull).findFirst().orElse("");
  }

  private static String container(ContainerStatus c) {
    return c.getName() + (Boolean.TRUE.equals(c.getReady()) ? " ready" : " not ready") + " restarts " + c.getRestartCount();
  }
}
