package io.deepseek.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the operator first saw each stray pod of a deployment (a pod whose StatefulSet is gone, {@code Observer.strays}),
 * so that the plan can tell a pod the garbage collector is about to delete from one it missed. In memory: after a
 * restart the clock starts again, which only delays such a deletion. A deployment has an entry only while it has strays.
 */
final class StraySightings {
  private final Map<ResourceID, Map<String, Instant>> seen = new ConcurrentHashMap<>();

  /** Records this reconcile's strays and returns each one's first sighting, by pod UID. */
  Map<String, Instant> update(ResourceID deployment, List<Pod> strays, Instant now) {
    if (strays.isEmpty()) {
      seen.remove(deployment);
      return Map.of();
    }
    Map<String, Instant> before = seen.getOrDefault(deployment, Map.of());
    Map<String, Instant> after = new HashMap<>();
    for (Pod p : strays) {
      String uid = p.getMetadata().getUid();
      after.put(uid, before.getOrDefault(uid, now));
    }
    Map<String, Instant> copy = Map.copyOf(after);
    seen.put(deployment, copy);
    return copy;
  }

  void forget(ResourceID deployment) {
    seen.remove(deployment);
  }

  int deployments() {
    return seen.size();
  }
}
