package io.deepseek.operator.reconciler;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Hashes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import org.jboss.logging.Logger;

/** Kubernetes Events on a DeepSeekDeployment (kubectl describe dsd, kubectl get events). Repeats bump the count. */
final class EventRecorder {
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  static final String NORMAL = "Normal";
  static final String WARNING = "Warning";

  void record(KubernetesClient client, DeepSeekDeployment d, String type, String reason, String message) {
    String ns = d.getMetadata().getNamespace();
    String name = d.getMetadata().getName() + "." + Hashes.ofString(d.getMetadata().getUid() + reason + message, 12);
    String now = Instant.now().toString();
    try {
      try {
        create(client, d, ns, name, type, reason, message, now);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HTTP_CONFLICT) {
          throw e;
        }
        // The same Event again (a repeat is rarer than a first time: it is created first, read only when it exists).
        Event existing = client.v1().events().inNamespace(ns).withName(name).get();
        if (existing != null) {
          existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
          existing.setLastTimestamp(now);
          client.v1().events().inNamespace(ns).resource(existing).update();
        }
      }
    } catch (KubernetesClientException e) {
      // An Event that cannot be written must never stop a reconcile; the same facts are in the status.
      LOG.warnf("cannot record event %s on %s/%s: %s", reason, ns, d.getMetadata().getName(), e.getMessage());
    }
  }

  private static final int HTTP_CONFLICT = 409;

  private static void create(KubernetesClient client, DeepSeekDeployment d, String ns, String name, String type, String reason,
      String message, String now) {
    client.v1().events().inNamespace(ns).resource(new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(d.getApiVersion()).withKind(d.getKind()).withName(d.getMetadata().getName())
            .withNamespace(ns).withUid(d.getMetadata().getUid()).withResourceVersion(d.getMetadata().getResourceVersion())
            .build())
        .withType(type).withReason(reason).withMessage(message)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .withNewSource().withComponent("deepseek-operator").endSource()
        .withReportingComponent("deepseek-operator").withReportingInstance(hostname())
        .build()).create();
  }

  private static String hostname() {
    String h = System.getenv("HOSTNAME");
    return h == null ? "deepseek-operator" : h;
  }
}
