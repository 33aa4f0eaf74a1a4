package io.deepseek.operator.plan;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;

/**
 * Whether a deployment is on its way out, so that the operator stands down: nothing is written for it, not even its
 * status. A deployment being deleted, or in a namespace being deleted, sees its pods and StatefulSets go one by one (the
 * garbage collector, the namespace controller); acting on that would recreate groups and re-apply StatefulSets that are
 * about to be deleted, fighting the deletion (seen at 1000 deployments: thousands of writes while their namespace was
 * deleted) and recording Warning Events nobody wants.
 */
public final class Leaving {
  private Leaving() {}

  /** Why the deployment is left alone, or null when it is not leaving. */
  public static String why(HasMetadata deployment, Namespace namespace) {
    if (deployment.getMetadata().getDeletionTimestamp() != null) {
      return "being deleted";
    }
    if (namespace != null && namespace.getStatus() != null && "Terminating".equals(namespace.getStatus().getPhase())) {
      return "its namespace is being deleted";
    }
    return null;
  }
}
