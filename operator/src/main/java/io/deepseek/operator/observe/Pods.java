package io.deepseek.operator.observe;

import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Names;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Facts about one pod, as the kubelet and the scheduler report them. */
public final class Pods {
  private Pods() {}

  public static String label(HasMetadata o, String key) {
    Map<String, String> labels = o.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  public static String annotation(HasMetadata o, String key) {
    Map<String, String> annotations = o.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  public static boolean terminating(HasMetadata o) {
    return o.getMetadata().getDeletionTimestamp() != null;
  }

  public static boolean ready(Pod p) {
    if (p.getStatus() == null || p.getStatus().getConditions() == null || terminating(p)) {
      return false;
    }
    return p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** When the pod last became Ready, or null when it is not Ready or the kubelet gave no time. */
  public static java.time.Instant readySince(Pod p) {
    if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
      return null;
    }
    return p.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()) && c.getLastTransitionTime() != null)
        .map(c -> java.time.Instant.parse(c.getLastTransitionTime())).findFirst().orElse(null);
  }

  /** The pod's ordinal: the StatefulSet controller's label, else the suffix of its name; null if neither is a number. */
  public static Integer ordinal(Pod p) {
    String v = label(p, Labels.POD_INDEX);
    if (v == null) {
      String name = p.getMetadata().getName();
      v = name.substring(name.lastIndexOf('-') + 1);
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public static String ip(Pod p) {
    return p.getStatus() == null ? null : p.getStatus().getPodIP();
  }

  public static String node(Pod p) {
    return p.getSpec() == null ? null : p.getSpec().getNodeName();
  }

  /** Pods whose controller (owner) is the object with this UID. */
  public static List<Pod> ownedBy(List<Pod> pods, String ownerUid) {
    return pods.stream().filter(p -> p.getMetadata().getOwnerReferences() != null && p.getMetadata().getOwnerReferences()
        .stream().map(OwnerReference::getUid).anyMatch(u -> Objects.equals(u, ownerUid))).toList();
  }

  /** The StatefulSet that controls a pod (its controller owner reference), or null when none does. */
  public static OwnerReference statefulSet(Pod p) {
    List<OwnerReference> owners = p.getMetadata().getOwnerReferences();
    return owners == null ? null : owners.stream().filter(o -> Boolean.TRUE.equals(o.getController()))
        .filter(o -> "StatefulSet".equals(o.getKind()) && "apps/v1".equals(o.getApiVersion())).findFirst().orElse(null);
  }

  /** The scheduler's message when it cannot place the pod, or null. */
  public static String unschedulable(Pod p) {
    if (p.getStatus() == null || p.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition c : p.getStatus().getConditions()) {
      if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason())) {
        return c.getMessage();
      }
    }
    return null;
  }

  /** The model-download init container failed (it is retried with back-off, so look at its last termination). */
  public static String downloadFailure(Pod p) {
    if (p.getStatus() == null || p.getStatus().getInitContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus c : p.getStatus().getInitContainerStatuses()) {
      if (!Names.MODEL_DOWNLOAD_CONTAINER.equals(c.getName())) {
        continue;
      }
      ContainerStateTerminated t = c.getState() != null && c.getState().getTerminated() != null
          ? c.getState().getTerminated() : c.getLastState() != null ? c.getLastState().getTerminated() : null;
      if (t != null && t.getExitCode() != null && t.getExitCode() != 0) {
        return "model download failed on pod " + p.getMetadata().getName() + " (exit code " + t.getExitCode()
            + (t.getReason() != null ? ", " + t.getReason() : "") + (t.getMessage() != null ? ": " + t.getMessage().strip() : "") + ")";
      }
    }
    return null;
  }
}
