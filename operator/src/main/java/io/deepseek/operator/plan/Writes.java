package io.deepseek.operator.plan;

import io.deepseek.operator.model.Annotations;
import io.deepseek.operator.model.Hashes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a desired object needs a write: it does unless the cached object carries the hash of exactly this desired
 * state (annotation {@link Annotations#APPLIED_HASH}). So a reconcile that changes nothing writes nothing.
 */
final class Writes {
  private Writes() {}

  /** The apply to make, with the desired object stamped with its hash, or empty when the cached object is already it. */
  static Optional<Plan.Apply> apply(HasMetadata desired, HasMetadata actual) {
    String hash = Hashes.of(desired, 16);
    if (actual != null && actual.getMetadata().getAnnotations() != null
        && hash.equals(actual.getMetadata().getAnnotations().get(Annotations.APPLIED_HASH))) {
      return Optional.empty();
    }
    Map<String, String> annotations = new HashMap<>();
    if (desired.getMetadata().getAnnotations() != null) {
      annotations.putAll(desired.getMetadata().getAnnotations());
    }
    annotations.put(Annotations.APPLIED_HASH, hash);
    desired.getMetadata().setAnnotations(annotations);
    return Optional.of(new Plan.Apply(desired, actual));
  }
}
