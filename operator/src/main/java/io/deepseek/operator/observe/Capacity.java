package io.deepseek.operator.observe;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Taint;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the cluster's nodes have free, as the scheduler counts it: each node's allocatable resources less the requests of
 * the pods bound to it that have not ended. Read only for a deployment with roles whose first groups are not placed yet
 * (see plan/Placement). Pure: nodes and pods come in as collections.
 *
 * @param nodes the nodes, by name order
 * @param problem why the nodes could not be read (e.g. the operator may not list them); {@code nodes} is empty then and
 *     the placement check is skipped
 * @param at when they were read
 */
public record Capacity(List<NodeRoom> nodes, String problem, Instant at) {

  /**
   * One node: its labels and taints (for the pods' nodeSelector, node affinity and tolerations), whether new pods may
   * go there (Ready and not cordoned), and each resource's free amount.
   */
  public record NodeRoom(String name, Map<String, String> labels, List<Taint> taints, boolean schedulable,
      Map<String, BigDecimal> free) {}

  public static Capacity unknown(String problem, Instant at) {
    return new Capacity(List.of(), problem, at);
  }

  public boolean known() {
    return problem == null;
  }

  public static Capacity of(Collection<Node> nodes, Collection<Pod> pods, Instant at) {
    Map<String, Map<String, BigDecimal>> used = new TreeMap<>();
    for (Pod p : pods) {
      String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if (node == null || node.isEmpty() || "Succeeded".equals(phase) || "Failed".equals(phase)) {
        continue;
      }
      Map<String, BigDecimal> u = used.computeIfAbsent(node, k -> new TreeMap<>());
      requests(p.getSpec()).forEach((r, q) -> u.merge(r, q, BigDecimal::add));
    }
    List<NodeRoom> rooms = new ArrayList<>();
    for (Node n : nodes) {
      String name = n.getMetadata().getName();
      Map<String, BigDecimal> free = new TreeMap<>();
      Map<String, Quantity> allocatable = n.getStatus() == null ? null : n.getStatus().getAllocatable();
      if (allocatable != null) {
        Map<String, BigDecimal> u = used.getOrDefault(name, Map.of());
        allocatable.forEach((r, q) -> free.put(r, q.getNumericalAmount().subtract(u.getOrDefault(r, BigDecimal.ZERO))));
      }
      boolean cordoned = n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
      boolean ready = n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus().getConditions().stream()
          .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      rooms.add(new NodeRoom(name, n.getMetadata().getLabels() == null ? Map.of() : Map.copyOf(n.getMetadata().getLabels()),
          n.getSpec() == null || n.getSpec().getTaints() == null ? List.of() : List.copyOf(n.getSpec().getTaints()),
          ready && !cordoned, free));
    }
    rooms.sort(java.util.Comparator.comparing(NodeRoom::name));
    return new Capacity(List.copyOf(rooms), null, at);
  }

  /**
   * A pod's requests as the scheduler sums them: its containers' requests (a limit stands for a missing request), or an
   * init container's when that is larger.
   */
  public static Map<String, BigDecimal> requests(PodSpec spec) {
    Map<String, BigDecimal> sum = new TreeMap<>();
    if (spec.getContainers() != null) {
      spec.getContainers().forEach(c -> requests(c).forEach((r, q) -> sum.merge(r, q, BigDecimal::add)));
    }
    if (spec.getInitContainers() != null) {
      for (Container c : spec.getInitContainers()) {
        requests(c).forEach((r, q) -> sum.merge(r, q, BigDecimal::max));
      }
    }
    return sum;
  }

  private static Map<String, BigDecimal> requests(Container c) {
    Map<String, BigDecimal> out = new TreeMap<>();
    ResourceRequirements r = c.getResources();
    if (r == null) {
      return out;
    }
    if (r.getLimits() != null) {
      r.getLimits().forEach((k, q) -> out.put(k, q.getNumericalAmount()));
    }
    if (r.getRequests() != null) {
      r.getRequests().forEach((k, q) -> out.put(k, q.getNumericalAmount()));
    }
    return out;
  }
}
