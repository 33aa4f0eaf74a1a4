package io.deepseek.operator.plan;

import io.deepseek.operator.model.Reasons;
import io.deepseek.operator.observe.Capacity;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * With roles: the first group of each role is scheduled together with the other's, or neither holds accelerators. A
 * prefill group placed while decode waits for accelerators that never come serves nothing and keeps others off them.
 *
 * <p>Until both roles' first groups have been scheduled once (then {@link Phase#Placed}, for good), each role runs at
 * most one group, and:
 * <ol>
 *   <li>before anything exists, the first groups' pods are fitted onto the nodes' free resources as the scheduler counts
 *   them (nodeSelector, required node affinity, taints, requests); when they do not all fit, nothing is created
 *   ({@link Phase#Waiting}, checked again every {@link #RECHECK});</li>
 *   <li>once created ({@link Phase#Scheduling}), when some of their pods are scheduled and another cannot be (the check
 *   is necessary, not sufficient: another deployment may take the room first, and pod anti-affinity is not modelled),
 *   the first groups are removed after the placement timeout ({@link Phase#Released}) and tried again one timeout later.</li>
 * </ol>
 * Pure: the capacity, the groups as observed and the clock come in.
 */
public final class Placement {
  /** How often a deployment waiting for room looks again (nodes are not watched). */
  public static final Duration RECHECK = Duration.ofSeconds(30);

  static final String PLACED = "Both roles' first groups were scheduled; further groups are scheduled as they come.";

  private Placement() {}

  public enum Phase {
    /** The first groups do not fit on the nodes' free resources: nothing is created. */
    Waiting,
    /** The first groups are created and being scheduled. */
    Scheduling,
    /** One role's first group could not be scheduled within the timeout while the other's was: both were removed. */
    Released,
    /** Both roles' first groups were scheduled: every group is then scheduled as it comes. */
    Placed
  }

  /** A pod of a first group: what it is called in messages, its spec (selectors, tolerations) and its requests. */
  public record Demand(String what, PodSpec spec, Map<String, BigDecimal> requests) {}

  /**
   * One role as observed.
   *
   * @param replicas the groups it wants
   * @param demands the pods of its first group
   * @param placed a group of it has every pod bound to a node
   * @param exists a group of it has a leader pod
   * @param beyondFirst its leader StatefulSet runs more than one group (a deployment that ran before this check)
   * @param scheduled some pod of it is bound to a node
   * @param unschedulable why a pod of it cannot be scheduled (the scheduler's condition), or null
   */
  public record Role(String role, int replicas, List<Demand> demands, boolean placed, boolean exists, boolean beyondFirst,
      boolean scheduled, String unschedulable) {}

  /** What the status recorded: the phase, since when (Waiting, and Scheduling with a role partly placed), the retry. */
  public record Recorded(Phase phase, Instant since, Instant retryAt, Instant placedAt) {
    static final Recorded NONE = new Recorded(null, null, null, null);
  }

  /**
   * @param cap the groups each role may run now (0 or 1); null: as many as it wants
   * @param event an Event to write (on a change of phase), or null
   * @param wakeAt when to plan again without a change, or null
   */
  public record Decision(Phase phase, Integer cap, Instant since, Instant retryAt, Instant placedAt, String message,
      Plan.Event event, Instant wakeAt) {
    /** Whether no group of either role may exist now (Waiting for room, or Released until its retry). */
    public boolean holdsAll() {
      return cap != null && cap == 0;
    }

    /** Whether a recorded phase is one that holds every group back. */
    public static boolean holdsAll(String phase) {
      return Phase.Waiting.name().equals(phase) || Phase.Released.name().equals(phase);
    }
  }

  public static Decision decide(List<Role> roles, Capacity capacity, Recorded recorded, Duration timeout, Instant now) {
    Recorded r = recorded == null ? Recorded.NONE : recorded;
    if (r.placedAt() != null) {
      return new Decision(Phase.Placed, null, null, null, r.placedAt(), PLACED, null, null);
    }
    if (roles.stream().anyMatch(x -> x.replicas() == 0)) {
      // A role without groups pairs with nothing: there is nothing to place together.
      return null;
    }
    if (roles.stream().allMatch(Role::placed) || roles.stream().anyMatch(Role::beyondFirst)) {
      return new Decision(Phase.Placed, null, null, null, now, PLACED, new Plan.Event(false, Reasons.PLACED,
          "The first groups of " + names(roles) + " are scheduled."), null);
    }
    if (r.phase() == Phase.Released && r.retryAt() != null && now.isBefore(r.retryAt())) {
      return new Decision(Phase.Released, 0, r.since(), r.retryAt(), null, "Retrying at " + r.retryAt() + ": the first"
          + " groups were removed because they could not all be scheduled.", null, r.retryAt());
    }
    if (roles.stream().noneMatch(Role::exists)) {
      List<Demand> all = roles.stream().flatMap(x -> x.demands().stream()).toList();
      if (capacity != null && capacity.known()) {
        Fit fit = fit(all, capacity);
        if (!fit.unplaced().isEmpty()) {
          String msg = "Nothing is created until the first groups of " + names(roles) + " fit together: " + fit.describe(all, capacity)
              + ". Checked again every " + RECHECK.toSeconds() + " s.";
          Instant since = r.phase() == Phase.Waiting && r.since() != null ? r.since() : now;
          // No Event of its own: the status's Degraded condition announces each distinct message.
          return new Decision(Phase.Waiting, 0, since, null, null, msg, null, now.plus(RECHECK));
        }
      }
      String checked = capacity == null || !capacity.known()
          ? " (their room on the nodes was not checked: " + (capacity == null ? "no reading" : capacity.problem()) + ")" : "";
      return new Decision(Phase.Scheduling, 1, null, null, null, "Creating the first groups of " + names(roles) + checked + ".",
          null, null);
    }
    Role waiting = roles.stream().filter(x -> !x.placed() && x.unschedulable() != null).findFirst().orElse(null);
    boolean holding = roles.stream().anyMatch(Role::scheduled);
    if (waiting == null || !holding) {
      return new Decision(Phase.Scheduling, 1, null, null, null, "Waiting for the scheduler to place the first groups of "
          + names(roles) + ".", null, null);
    }
    Instant since = r.phase() == Phase.Scheduling && r.since() != null ? r.since() : now;
    Instant deadline = since.plus(timeout);
    String partly = "The first " + waiting.role() + " group cannot be scheduled (" + waiting.unschedulable() + ") while "
        + names(roles.stream().filter(x -> x != waiting && x.scheduled()).toList()) + " holds nodes";
    if (now.isBefore(deadline)) {
      return new Decision(Phase.Scheduling, 1, since, null, null, partly + "; both are removed at " + deadline
          + " unless it is scheduled by then.", null, deadline);
    }
    Instant retry = now.plus(timeout);
    String msg = partly + " for " + human(timeout) + ": removed the first groups of " + names(roles)
        + " so that they hold no accelerators; trying again at " + retry + ".";
    return new Decision(Phase.Released, 0, since, retry, null, msg, new Plan.Event(true, Reasons.UNSCHEDULABLE, msg), retry);
  }

  private static String names(List<Role> roles) {
    return String.join(" and ", roles.stream().map(Role::role).toList());
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s % 60 == 0 ? (s / 60) + "m" : s + "s";
  }

  /** Where the pods went (pod -> node), and those that found no room. */
  record Fit(Map<String, String> placed, List<Demand> unplaced) {
    /** "room for 2 of 3 pods (prefill group 0: 1 pod of 8 nvidia.com/gpu; ...); free nvidia.com/gpu: gpu-4 8, gpu-5 0". */
    String describe(List<Demand> all, Capacity capacity) {
      String main = mainResource(all);
      Map<String, Integer> pods = new java.util.LinkedHashMap<>();
      for (Demand d : all) {
        pods.merge(d.what() + ": %d pod(s) of " + amount(d.requests().get(main)) + " " + main, 1, Integer::sum);
      }
      List<String> needs = new ArrayList<>();
      pods.forEach((what, n) -> needs.add(String.format(what, n)));
      List<String> free = new ArrayList<>();
      for (Capacity.NodeRoom n : capacity.nodes()) {
        if (all.stream().anyMatch(d -> eligible(d.spec(), n))) {
          free.add(n.name() + " " + amount(n.free().getOrDefault(main, BigDecimal.ZERO)));
        }
      }
      String nodes = free.isEmpty() ? "no node matches their node selector, affinity and tolerations"
          : "free " + main + " on the " + free.size() + " matching node(s): "
              + String.join(", ", free.size() > 8 ? free.subList(0, 8) : free) + (free.size() > 8 ? ", ..." : "");
      // A resource other than the main one that no matching node has enough of for a pod left over.
      java.util.Set<String> short_ = new java.util.TreeSet<>();
      for (Demand d : unplaced) {
        d.requests().forEach((r, q) -> {
          if (!r.equals(main) && !"pods".equals(r) && capacity.nodes().stream().filter(n -> eligible(d.spec(), n))
              .noneMatch(n -> n.free().getOrDefault(r, BigDecimal.ZERO).compareTo(q) >= 0)) {
            short_.add(amount(q) + " " + r);
          }
        });
      }
      String lacking = short_.isEmpty() ? "" : "; and no matching node has " + String.join(" or ", short_) + " free";
      return "the nodes have room for " + placed.size() + " of their " + all.size() + " pods (" + String.join("; ", needs)
          + "); " + nodes + lacking;
    }
  }

  private static final Set<String> COMMON = Set.of("cpu", "memory", "ephemeral-storage", "pods");

  /** The resource messages speak of: the accelerator (the first extended resource requested), else memory. */
  static String mainResource(List<Demand> demands) {
    return demands.stream().flatMap(d -> d.requests().keySet().stream()).filter(k -> !COMMON.contains(k)).findFirst()
        .orElse("memory");
  }

  private static String amount(BigDecimal q) {
    return q == null ? "0" : q.stripTrailingZeros().toPlainString();
  }

  /**
   * First-fit decreasing, best fit: the largest pods first, each on the matching node it leaves the least of its main
   * resource on. Exact for whole-node accelerator pods, the usual case for DeepSeek's groups.
   */
  static Fit fit(List<Demand> demands, Capacity capacity) {
    String main = mainResource(demands);
    Map<String, Map<String, BigDecimal>> free = new TreeMap<>();
    capacity.nodes().forEach(n -> free.put(n.name(), new TreeMap<>(n.free())));
    List<Demand> order = new ArrayList<>(demands);
    order.sort(Comparator.comparing((Demand d) -> d.requests().getOrDefault(main, BigDecimal.ZERO)).reversed());
    Map<String, String> placed = new java.util.LinkedHashMap<>();
    List<Demand> unplaced = new ArrayList<>();
    int i = 0;
    for (Demand d : order) {
      Capacity.NodeRoom best = null;
      BigDecimal bestLeft = null;
      for (Capacity.NodeRoom n : capacity.nodes()) {
        Map<String, BigDecimal> room = free.get(n.name());
        if (!eligible(d.spec(), n) || !fits(d.requests(), room)) {
          continue;
        }
        BigDecimal left = room.getOrDefault(main, BigDecimal.ZERO).subtract(d.requests().getOrDefault(main, BigDecimal.ZERO));
        if (bestLeft == null || left.compareTo(bestLeft) < 0) {
          best = n;
          bestLeft = left;
        }
      }
      if (best == null) {
        unplaced.add(d);
        continue;
      }
      Map<String, BigDecimal> room = free.get(best.name());
      d.requests().forEach((k, q) -> room.merge(k, q.negate(), BigDecimal::add));
      placed.put(d.what() + "#" + i++, best.name());
    }
    return new Fit(placed, unplaced);
  }

  static boolean fits(Map<String, BigDecimal> requests, Map<String, BigDecimal> room) {
    return requests.entrySet().stream().allMatch(e -> e.getValue().signum() <= 0
        || room.getOrDefault(e.getKey(), BigDecimal.ZERO).compareTo(e.getValue()) >= 0);
  }

  /** Whether the scheduler could put the pod on the node: Ready and not cordoned, its selectors match, its taints tolerated. */
  static boolean eligible(PodSpec spec, Capacity.NodeRoom node) {
    if (!node.schedulable()) {
      return false;
    }
    Map<String, String> selector = spec.getNodeSelector() == null ? Map.of() : spec.getNodeSelector();
    if (!selector.entrySet().stream().allMatch(e -> e.getValue().equals(node.labels().get(e.getKey())))) {
      return false;
    }
    List<Toleration> tolerations = spec.getTolerations() == null ? List.of() : spec.getTolerations();
    for (Taint t : node.taints()) {
      boolean blocks = "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect());
      if (blocks && tolerations.stream().noneMatch(tol -> tolerates(tol, t))) {
        return false;
      }
    }
    var affinity = spec.getAffinity() == null || spec.getAffinity().getNodeAffinity() == null ? null
        : spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    if (affinity == null || affinity.getNodeSelectorTerms() == null || affinity.getNodeSelectorTerms().isEmpty()) {
      return true;
    }
    return affinity.getNodeSelectorTerms().stream().anyMatch(term -> matches(term, node));
  }

  static boolean tolerates(Toleration tol, Taint t) {
    if (tol.getEffect() != null && !tol.getEffect().isEmpty() && !tol.getEffect().equals(t.getEffect())) {
      return false;
    }
    if ("Exists".equals(tol.getOperator())) {
      return tol.getKey() == null || tol.getKey().isEmpty() || tol.getKey().equals(t.getKey());
    }
    return Objects.equals(tol.getKey(), t.getKey()) && Objects.equals(Objects.toString(tol.getValue(), ""),
        Objects.toString(t.getValue(), ""));
  }

  private static boolean matches(NodeSelectorTerm term, Capacity.NodeRoom node) {
    List<NodeSelectorRequirement> exprs = term.getMatchExpressions() == null ? List.of() : term.getMatchExpressions();
    List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
    if (exprs.isEmpty() && fields.isEmpty()) {
      return false;
    }
    return exprs.stream().allMatch(e -> matches(e, node.labels().get(e.getKey())))
        && fields.stream().allMatch(f -> matches(f, "metadata.name".equals(f.getKey()) ? node.name() : null));
  }

  private static boolean matches(NodeSelectorRequirement e, String value) {
    List<String> values = e.getValues() == null ? List.of() : e.getValues();
    return switch (e.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      case "Gt", "Lt" -> {
        try {
          long v = Long.parseLong(value);
          long bound = Long.parseLong(values.get(0));
          yield "Gt".equals(e.getOperator()) ? v > bound : v < bound;
        } catch (RuntimeException ex) {
          yield false;
        }
      }
      default -> false;
    };
  }
}
