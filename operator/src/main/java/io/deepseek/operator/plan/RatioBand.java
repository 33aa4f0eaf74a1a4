package io.deepseek.operator.plan;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.AutoscalingStatus;
import io.deepseek.operator.model.AutoscalingPolicy;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Reasons;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Keeps the prefill:decode ratio of autoscaled roles within spec.disaggregation.prefillPerDecode. Each role's autoscaler
 * decides on its own signal first; when their counts leave the band, the role that has too few groups gets more (adding
 * capacity is the safe side), within its maxReplicas; if that is not enough, the other role gets fewer, within its
 * minReplicas. A role without autoscaling is never changed: its replicas are the user's. Pure.
 */
public final class RatioBand {
  private RatioBand() {}

  /** The counts that keep the band: {prefill, decode}. */
  static int[] keep(int prefill, int decode, double min, double max, Bounds p, Bounds d) {
    if (decode > 0 && (double) prefill / decode > max + 1e-9) {
      // Too many prefill groups for the decode groups: more decode first, then fewer prefill.
      if (d != null) {
        decode = Math.max(decode, Math.min(d.max(), (int) Math.ceil(prefill / max - 1e-9)));
      }
      if ((double) prefill / decode > max + 1e-9 && p != null) {
        prefill = Math.max(p.min(), Math.min(prefill, (int) Math.floor(max * decode + 1e-9)));
      }
    } else if (decode > 0 && (double) prefill / decode < min - 1e-9) {
      if (p != null) {
        prefill = Math.max(prefill, Math.min(p.max(), (int) Math.ceil(min * decode - 1e-9)));
      }
      if ((double) prefill / decode < min - 1e-9 && d != null) {
        decode = Math.max(d.min(), Math.min(decode, (int) Math.floor(prefill / min + 1e-9)));
      }
    }
    return new int[] {prefill, decode};
  }

  /** An autoscaled role's bounds. */
  record Bounds(int min, int max) {
    static Bounds of(DeploymentModel role) {
      AutoscalingPolicy policy = role.autoscalingPolicy();
      return policy == null ? null : new Bounds(policy.min(), policy.max());
    }
  }

  /**
   * The role models (prefill, decode) within the band; an adjusted role's status says so, and an Event.
   *
   * @param scaled each role's autoscaling status by role id (changed in place when adjusted)
   */
  static List<DeploymentModel> keep(DeploymentModel m, List<DeploymentModel> roles, Map<String, AutoscalingStatus> scaled,
      BiConsumer<String, String> event) {
    double[] band = m.prefillPerDecode();
    if (band == null || roles.size() != 2) {
      return roles;
    }
    DeploymentModel prefill = roles.get(0);
    DeploymentModel decode = roles.get(1);
    int[] kept = keep(prefill.replicas(), decode.replicas(), band[0], band[1], Bounds.of(prefill), Bounds.of(decode));
    List<DeploymentModel> out = new ArrayList<>(roles);
    String why = "prefill:decode " + prefill.replicas() + ":" + decode.replicas() + " is outside spec.disaggregation.prefillPerDecode ["
        + fmt(band[0]) + ", " + fmt(band[1]) + "]";
    if (kept[0] != prefill.replicas()) {
      out.set(0, adjusted(prefill, kept[0], scaled, why, event));
    }
    if (kept[1] != decode.replicas()) {
      out.set(1, adjusted(decode, kept[1], scaled, why, event));
    }
    return out;
  }

  private static DeploymentModel adjusted(DeploymentModel role, int count, Map<String, AutoscalingStatus> scaled, String why,
      BiConsumer<String, String> event) {
    String id = role.role().id();
    String message = why + ": " + id + " to " + count + " group(s)";
    AutoscalingStatus a = scaled.get(id);
    if (a != null) {
      a.desiredReplicas = count;
      a.reason = message;
    }
    int before = a == null || a.currentReplicas == null ? role.replicas() : a.currentReplicas;
    if (count != before) {
      event.accept(count > before ? Reasons.SCALED_UP : Reasons.SCALED_DOWN, "Autoscaler (" + id + "): " + message);
    }
    return role.withAutoscaledReplicas(count);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
