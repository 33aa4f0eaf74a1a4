package io.deepseek.operator.observe;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;
import java.util.Objects;

/**
 * Whether an object that already has a child's name belongs to this deployment. The operator writes only what it owns:
 * an object of the same name that belongs to someone else is left untouched and reported, never taken over (a forced
 * server-side apply would rewrite it and add an owner reference, and deleting the deployment would then delete it).
 */
public final class Ownership {
  private Ownership() {}

  /** Null when {@code existing} is this deployment's; otherwise who it belongs to, in words. */
  public static String foreignOwner(DeepSeekDeployment d, HasMetadata existing) {
    List<OwnerReference> owners = existing.getMetadata().getOwnerReferences() == null ? List.of()
        : existing.getMetadata().getOwnerReferences();
    if (owners.stream().anyMatch(o -> Objects.equals(o.getUid(), d.getMetadata().getUid()))) {
      return null;
    }
    boolean managed = Labels.MANAGED_BY_VALUE.equals(Pods.label(existing, Labels.MANAGED_BY));
    String deployment = Pods.label(existing, Labels.DEPLOYMENT);
    // A group's workers are owned by its leader pod, not by the deployment itself.
    boolean ownLeaderPod = owners.stream().anyMatch(o -> "Pod".equals(o.getKind()) && o.getName() != null
        && o.getName().startsWith(d.getMetadata().getName() + "-"));
    if (managed && d.getMetadata().getName().equals(deployment) && ownLeaderPod) {
      return null;
    }
    if (managed && deployment != null && !deployment.equals(d.getMetadata().getName())) {
      return "belongs to DeepSeekDeployment " + deployment;
    }
    OwnerReference controller = owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst()
        .orElse(owners.isEmpty() ? null : owners.get(0));
    return controller == null ? "is not owned by this DeepSeekDeployment (it has no owner)"
        : "is owned by " + controller.getKind() + " " + controller.getName();
  }
}
