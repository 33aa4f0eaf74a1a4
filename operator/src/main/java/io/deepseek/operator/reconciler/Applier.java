package io.deepseek.operator.reconciler;

import io.deepseek.operator.model.Names;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;

/** The operator's two kinds of write, each counted (deepseek_operator_api_writes_total). */
final class Applier {
  private final MeterRegistry meters;

  Applier(MeterRegistry meters) {
    this.meters = meters;
  }

  /**
   * Server-side apply with the operator's field manager, forced: the operator is the only owner of these fields; a hand
   * edit is put back, not negotiated. Returns the object as the API server stored it.
   */
  <T extends HasMetadata> T apply(KubernetesClient client, T desired) {
    count(desired, "apply");
    return client.resource(desired).fieldManager(Names.FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  /** A delete; in the foreground, the object stays (terminating) until what it owns is gone. */
  void delete(KubernetesClient client, HasMetadata object, boolean foreground) {
    count(object, "delete");
    client.resource(object).withPropagationPolicy(foreground ? DeletionPropagation.FOREGROUND : DeletionPropagation.BACKGROUND)
        .withTimeoutInMillis(0).delete();
  }

  private void count(HasMetadata object, String verb) {
    meters.counter("deepseek.operator.api.writes", "kind", object.getKind(), "verb", verb).increment();
  }
}
