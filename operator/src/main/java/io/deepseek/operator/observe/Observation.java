package io.deepseek.operator.observe;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one reconcile saw of a deployment: its recorded status and its children from the operator's caches, read once,
 * with the groups made out of them. Immutable; the plan and the status are computed from it.
 *
 * @param recorded the status as last written (null for a new deployment): the memory of recreation counters
 * @param pods every pod of the deployment
 * @param statefulSets the deployment's StatefulSets by name
 * @param services the deployment's Services by name
 * @param revisions the deployment's ControllerRevisions by name
 * @param groupSets the sets of groups, each with its own leader StatefulSet (one today)
 * @param foreign objects that have the name of a child the plan would create but belong to someone else, by
 *     {@code Kind/name}, with who they belong to (looked up only for what the plan would create; see {@link Ownership})
 * @param metrics the engines' metrics as last read, for spec.autoscaling; null when none were read
 * @param routing with roles: the router's objects (Deployments, ServiceAccount, Role, RoleBinding) by {@code Kind/name}
 * @param capacity with roles, until both roles' first groups are placed: the nodes' free resources; null when not read
 * @param routerEndpoints with roles, while routers of two revisions exist: the revisions whose router the client
 *     Service's endpoints hold as ready ({@link RouterEndpoints}); null when not read (or not readable)
 * @param strays pods whose StatefulSet is gone ({@link Observer#strays}), by pod UID, each with the moment the operator
 *     first saw it so: normally the garbage collector deletes such a pod at once; one that stays was missed by it
 */
public record Observation(DeepSeekDeploymentStatus recorded, List<Pod> pods, Map<String, StatefulSet> statefulSets,
    Map<String, Service> services, Map<String, ControllerRevision> revisions, List<GroupSetView> groupSets,
    Map<String, String> foreign, MetricsReading metrics, Map<String, HasMetadata> routing,
    Capacity capacity, Set<String> routerEndpoints, Map<String, Instant> strays) {

  /** The same observation, knowing which of the names the plan wants to create are taken. */
  public Observation withForeign(Map<String, String> taken) {
    return new Observation(recorded, pods, statefulSets, services, revisions, groupSets, Map.copyOf(taken), metrics, routing,
        capacity, routerEndpoints, strays);
  }

  /** The same observation with the engines' metrics as last read. */
  public Observation withMetrics(MetricsReading reading) {
    return new Observation(recorded, pods, statefulSets, services, revisions, groupSets, foreign, reading, routing, capacity,
        routerEndpoints, strays);
  }

  /** The same observation with the nodes' free resources as read. */
  public Observation withCapacity(Capacity read) {
    return new Observation(recorded, pods, statefulSets, services, revisions, groupSets, foreign, metrics, routing, read,
        routerEndpoints, strays);
  }

  /** The same observation with the revisions whose router the client Service sends to, as read. */
  public Observation withRouterEndpoints(Set<String> read) {
    return new Observation(recorded, pods, statefulSets, services, revisions, groupSets, foreign, metrics, routing, capacity,
        read == null ? null : Set.copyOf(read), strays);
  }

  /** The same observation with the stray pods' first sightings (see {@link #strays}). */
  public Observation withStrays(Map<String, Instant> since) {
    return new Observation(recorded, pods, statefulSets, services, revisions, groupSets, foreign, metrics, routing, capacity,
        routerEndpoints, Map.copyOf(since));
  }

  public static String key(HasMetadata o) {
    return o.getKind() + "/" + o.getMetadata().getName();
  }

  /** The one set of a deployment without roles. */
  public GroupSetView serving() {
    return set(GroupSetView.SERVING);
  }

  /** A set of groups by name: {@link GroupSetView#SERVING}, or a role's id. */
  public GroupSetView set(String name) {
    return groupSets.stream().filter(s -> name.equals(s.name())).findFirst().orElseThrow();
  }
}
