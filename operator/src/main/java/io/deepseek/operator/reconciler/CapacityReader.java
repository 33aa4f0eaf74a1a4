package io.deepseek.operator.reconciler;

import io.deepseek.operator.observe.Capacity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Reads the nodes' free resources for placement (plan/Placement): the nodes and the pods bound to them, listed from the
 * API server only while a deployment with roles is about to create its first groups, and shared for {@link #FRESH}
 * between deployments. Nothing is watched or cached longer: the operator keeps no informer of the cluster's nodes and
 * pods. Without the right to list them (a namespaced install) the check is skipped and says so.
 */
final class CapacityReader {
  private static final Logger LOG = Logger.getLogger(CapacityReader.class);
  static final Duration FRESH = Duration.ofSeconds(5);

  private Capacity last;

  synchronized Capacity read(KubernetesClient client) {
    Instant now = Instant.now();
    if (last != null && last.at().plus(FRESH).isAfter(now)) {
      return last;
    }
    try {
      List<Node> nodes = client.nodes().list().getItems();
      List<Pod> pods = client.pods().inAnyNamespace().withoutField("status.phase", "Succeeded").list().getItems();
      last = Capacity.of(nodes, pods, now);
    } catch (KubernetesClientException e) {
      String problem = e.getCode() == 403 ? "the operator may not list nodes and pods (" + e.getStatus().getMessage() + ")"
          : "listing nodes and pods failed: " + e.getMessage();
      LOG.debugf("capacity not read: %s", problem);
      last = Capacity.unknown(problem, now);
    }
    return last;
  }
}
