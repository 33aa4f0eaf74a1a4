package io.deepseek.operator.reconciler;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;

/**
 * The deployment's status is written by server-side apply of the status subresource, with the resourceVersion of the
 * copy it was worked out from: the API server refuses it (409) if the deployment changed since. The status holds the
 * recreation counters, so a status worked out from an older copy must never be written: an informer event of an
 * older version can put that copy back in the operator's cache for a moment (JOSDK 5.2's temporary cache drops the
 * newer copy on any event of the resource), and a reconcile reading it would undo what the one before it counted. A
 * refused write is {@link Stale}: the reconcile stops and runs again from a fresher copy (JOSDK's own helper would
 * apply the same stale status again over the newer version).
 */
final class StatusWrites {
  /** The status was worked out from a copy of the deployment that is no longer the current one; nothing was written. */
  static final class Stale extends RuntimeException {
    Stale(DeepSeekDeployment base, KubernetesClientException cause) {
      super("the status of " + base.getMetadata().getNamespace() + "/" + base.getMetadata().getName()
          + " was worked out from resourceVersion " + base.getMetadata().getResourceVersion()
          + ", which is no longer current", cause);
    }
  }

  private StatusWrites() {}

  /** Writes {@code status} if {@code base} is still the deployment's current version; returns the deployment as written. */
  static DeepSeekDeployment patch(KubernetesClient client, String fieldManager, DeepSeekDeployment base,
      DeepSeekDeploymentStatus status) {
    try {
      return client.resource(statusOnly(base, status)).subresource("status").patch(new PatchContext.Builder()
          .withFieldManager(fieldManager).withForce(true).withPatchType(PatchType.SERVER_SIDE_APPLY).build());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        throw new Stale(base, e);
      }
      throw e;
    }
  }

  /**
   * A fresh object with only what the status patch owns (server-side apply of the status subresource), and the
   * resourceVersion it was worked out from as precondition.
   */
  static DeepSeekDeployment statusOnly(DeepSeekDeployment base, DeepSeekDeploymentStatus status) {
    DeepSeekDeployment fresh = new DeepSeekDeployment();
    fresh.getMetadata().setName(base.getMetadata().getName());
    fresh.getMetadata().setNamespace(base.getMetadata().getNamespace());
    fresh.getMetadata().setResourceVersion(base.getMetadata().getResourceVersion());
    fresh.setStatus(status);
    return fresh;
  }
}
