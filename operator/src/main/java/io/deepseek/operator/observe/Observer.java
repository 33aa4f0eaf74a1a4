package io.deepseek.operator.observe;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Names;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One pass over a deployment's cached children: pods by group, worker sets by leader, and each group's readiness and
 * blockers. Pure: the children come in as collections (from the informers in the operator, from fixtures in tests).
 */
public final class Observer {
  private Observer() {}

  public static Observation observe(DeploymentModel m, Collection<Pod> pods, Collection<StatefulSet> statefulSets,
      Collection<Service> services, Collection<ControllerRevision> revisions) {
    return observe(m, pods, statefulSets, services, revisions, List.of());
  }

  /** @param routing with roles: the router's Deployments, ServiceAccount, Role and RoleBinding */
  public static Observation observe(DeploymentModel m, Collection<Pod> pods, Collection<StatefulSet> statefulSets,
      Collection<Service> services, Collection<ControllerRevision> revisions, Collection<? extends HasMetadata> routing) {
    DeepSeekDeployment d = m.resource();
    List<Pod> allPods = pods.stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    Map<String, StatefulSet> sets = byName(statefulSets);
    List<GroupSetView> views = new ArrayList<>();
    for (DeploymentModel set : m.sets()) {
      views.add(set(set, allPods, sets));
    }
    Map<String, HasMetadata> routers = new TreeMap<>();
    routing.forEach(r -> routers.put(Observation.key(r), r));
    return new Observation(d.getStatus(), allPods, sets, byName(services), byName(revisions), List.copyOf(views),
        Map.of(), null, routers, null, null, Map.of());
  }

  /**
   * The deployment's pods that are not terminating and whose StatefulSet (by UID) is not among its cached StatefulSets:
   * their StatefulSet is gone (the garbage collector is about to delete them) or, for a moment, not cached yet. Pods of
   * other controllers (a router's ReplicaSet) are not counted.
   */
  public static List<Pod> strays(Observation o) {
    Set<String> uids = o.statefulSets().values().stream().map(s -> s.getMetadata().getUid()).collect(Collectors.toSet());
    return o.pods().stream().filter(p -> !Pods.terminating(p)).filter(p -> {
      OwnerReference owner = Pods.statefulSet(p);
      return owner != null && !uids.contains(owner.getUid());
    }).toList();
  }

  /** Whether an object belongs to the set of groups of {@code m}: its role's, or with no role, one without a role. */
  static boolean inSet(DeploymentModel m, HasMetadata o) {
    String role = Pods.label(o, Labels.SERVING_ROLE);
    return m.role() == null ? role == null : m.role().id().equals(role);
  }

  private static GroupSetView set(DeploymentModel m, List<Pod> allPods, Map<String, StatefulSet> sets) {
    Map<String, Pod> leadersByName = new TreeMap<>();
    Map<Integer, List<Pod>> workersByGroup = new TreeMap<>();
    for (Pod p : allPods) {
      if (!inSet(m, p)) {
        continue;
      }
      String position = Pods.label(p, Labels.POSITION);
      if (Labels.POSITION_LEADER.equals(position)) {
        leadersByName.put(p.getMetadata().getName(), p);
      } else if (Labels.POSITION_WORKER.equals(position)) {
        Integer g = parse(Pods.label(p, Labels.GROUP_INDEX));
        if (g != null) {
          workersByGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(p);
        }
      }
    }
    List<StatefulSet> workerSets = sets.values().stream()
        .filter(s -> Labels.POSITION_WORKER.equals(Pods.label(s, Labels.COMPONENT)) && !Pods.terminating(s) && inSet(m, s))
        .toList();

    // Groups that exist, never a number the user typed: the cost of a reconcile follows what is in the cluster.
    TreeSet<Integer> indexes = new TreeSet<>();
    leadersByName.values().stream().map(Pods::ordinal).filter(Objects::nonNull).forEach(indexes::add);
    workerSets.stream().map(s -> parse(Pods.label(s, Labels.GROUP_INDEX))).filter(Objects::nonNull).forEach(indexes::add);

    SortedMap<Integer, GroupView> groups = new TreeMap<>();
    for (int g : indexes) {
      Pod leader = leadersByName.get(Names.leaderPod(m, g));
      List<Pod> workers = workersByGroup.getOrDefault(g, List.of()).stream()
          .sorted(Comparator.comparing(p -> Optional.ofNullable(Pods.ordinal(p)).orElse(Integer.MAX_VALUE))).toList();
      groups.put(g, group(m, g, leader, sets.get(Names.workerStatefulSet(m, g)), workers, allPods));
    }
    String name = m.role() == null ? GroupSetView.SERVING : m.role().id();
    return new GroupSetView(name, sets.get(Names.leaderStatefulSet(m)), groups, workerSets);
  }

  private static GroupView group(DeploymentModel m, int g, Pod leaderPod, StatefulSet workerSet, List<Pod> workers,
      List<Pod> allPods) {
    Pod leader = leaderPod == null || Pods.terminating(leaderPod) ? null : leaderPod;
    String leaderUid = leader == null ? null : leader.getMetadata().getUid();
    boolean ofLeader = workerSet != null && leaderUid != null && leaderUid.equals(Pods.label(workerSet, Labels.LEADER_UID));
    List<Pod> members = ofLeader ? Pods.ownedBy(allPods, workerSet.getMetadata().getUid()) : List.of();
    GroupView partial = new GroupView(g, leaderPod, workerSet, ofLeader, workers, members, false, null, null);
    if (leader == null) {
      return partial;
    }
    int wanted = m.nodes() - 1;
    boolean ready = Pods.ready(leader)
        && (wanted == 0 || (ofLeader && partial.readyWorkers() == wanted && workers.size() == wanted));
    String pending = Pods.unschedulable(leader);
    if (pending != null) {
      pending = "leader pod " + leader.getMetadata().getName() + " cannot be scheduled: " + pending;
    } else {
      pending = workers.stream().filter(w -> Pods.unschedulable(w) != null).findFirst()
          .map(w -> "worker pod " + w.getMetadata().getName() + " cannot be scheduled: " + Pods.unschedulable(w)).orElse(null);
    }
    String download = Stream.concat(Stream.of(leader), workers.stream()).map(Pods::downloadFailure).filter(Objects::nonNull)
        .findFirst().orElse(null);
    return new GroupView(g, leaderPod, workerSet, ofLeader, workers, members, ready, pending, download);
  }

  private static Integer parse(String value) {
    try {
      return value == null ? null : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static <T extends HasMetadata> Map<String, T> byName(Collection<T> items) {
    Map<String, T> m = new TreeMap<>();
    items.forEach(i -> m.put(i.getMetadata().getName(), i));
    return m;
  }
}
