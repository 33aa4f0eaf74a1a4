package io.deepseek.operator.reconciler;

import io.deepseek.operator.model.Hashes;
import io.deepseek.operator.model.Annotations;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Names;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * Server-side apply with the operator's field manager, skipped when the object already carries the hash of exactly this
 * desired state: a reconcile that changes nothing writes nothing.
 */
final class Applier {
  private final MeterRegistry meters;

  Applier(MeterRegistry meters) {
    this.meters = meters;
  }

  /** Returns the object as the API server stored it, or {@code actual} when no write was needed. */
  <T extends HasMetadata> T apply(KubernetesClient client, T desired, T actual) {
    String hash = Hashes.of(desired, 16);
    if (actual != null && actual.getMetadata().getAnnotations() != null
        && hash.equals(actual.getMetadata().getAnnotations().get(Annotations.APPLIED_HASH))) {
      return actual;
    }
    Map<String, String> annotations = new HashMap<>();
    if (desired.getMetadata().getAnnotations() != null) {
      annotations.putAll(desired.getMetadata().getAnnotations());
    }
    annotations.put(Annotations.APPLIED_HASH, hash);
    desired.getMetadata().setAnnotations(annotations);
    meters.counter("deepseek.operator.api.writes", "kind", desired.getKind(), "verb", "apply").increment();
    // Forced: the operator is the only owner of these fields; a hand edit is put back, not negotiated.
    return client.resource(desired).fieldManager(Names.FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  /** One annotation, merged without touching anything else (not part of the applied desired state). */
  void annotate(KubernetesClient client, HasMetadata object, String key, String value) {
    meters.counter("deepseek.operator.api.writes", "kind", object.getKind(), "verb", "annotate").increment();
    String patch = "{\"metadata\":{\"annotations\":{\"" + key + "\":\"" + value + "\"}}}";
    client.resource(object).patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), patch);
  }

  void delete(KubernetesClient client, HasMetadata object) {
    meters.counter("deepseek.operator.api.writes", "kind", object.getKind(), "verb", "delete").increment();
    client.resource(object).withTimeoutInMillis(0).delete();
  }
}
