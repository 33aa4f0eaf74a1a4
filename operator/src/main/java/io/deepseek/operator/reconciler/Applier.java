package io.deepseek.operator.reconciler;

import io.deepseek.operator.model.Names;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.HttpURLConnection;

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

  /**
   * Deletes the very object the plan saw, not whatever has its name now: the UID goes with the request as a
   * precondition. The operator decides on cached objects, and a cache can lag: a leader pod the plan saw may have been
   * replaced by its StatefulSet already, and deleting the replacement by name would break the group that is forming.
   * In the foreground, the object stays (terminating) until what it owns is gone. Returns false when the object was
   * gone or replaced already (nothing deleted; the next reconcile sees what is there).
   */
  boolean delete(KubernetesClient client, HasMetadata object, boolean foreground) {
    count(object, "delete");
    DeleteOptions options = new DeleteOptions();
    options.setPropagationPolicy((foreground ? DeletionPropagation.FOREGROUND : DeletionPropagation.BACKGROUND).toString());
    String uid = object.getMetadata().getUid();
    if (uid != null) {
      Preconditions only = new Preconditions();
      only.setUid(uid);
      options.setPreconditions(only);
    }
    try {
      client.raw(path(object), "DELETE", options);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND || e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw e;
    }
  }

  /** The object's API path, e.g. /api/v1/namespaces/ns/pods/name or /apis/apps/v1/namespaces/ns/statefulsets/name. */
  static String path(HasMetadata object) {
    ResourceDefinitionContext type = ResourceDefinitionContext.fromResourceType(object.getClass());
    String group = type.getGroup();
    String api = group == null || group.isEmpty() ? "/api/" + type.getVersion() : "/apis/" + group + "/" + type.getVersion();
    String namespace = object.getMetadata().getNamespace();
    return api + (type.isNamespaceScoped() && namespace != null ? "/namespaces/" + namespace : "") + "/" + type.getPlural() + "/"
        + object.getMetadata().getName();
  }

  private void count(HasMetadata object, String verb) {
    meters.counter("deepseek.operator.api.writes", "kind", object.getKind(), "verb", verb).increment();
  }
}
