package io.deepseek.operator.status;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.model.Reasons;
import io.deepseek.operator.plan.Plan;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Events for what users watch, from a status change: a new Degraded message (once per distinct one) and Ready flips. */
public final class StatusEvents {
  private StatusEvents() {}

  public static List<Plan.Event> between(DeepSeekDeploymentStatus before, DeepSeekDeploymentStatus after) {
    List<Plan.Event> events = new ArrayList<>();
    List<Condition> was = before == null ? List.of() : before.conditions;
    Condition degradedBefore = Conditions.find(was, Conditions.DEGRADED);
    Condition degraded = Conditions.find(after.conditions, Conditions.DEGRADED);
    if (degraded != null && "True".equals(degraded.getStatus())
        && (degradedBefore == null || !Objects.equals(degradedBefore.getMessage(), degraded.getMessage()))) {
      events.add(new Plan.Event(true, degraded.getReason(), degraded.getMessage()));
    }
    Condition ready = Conditions.find(after.conditions, Conditions.READY);
    boolean wasReady = Conditions.isTrue(was, Conditions.READY);
    boolean isReady = ready != null && "True".equals(ready.getStatus());
    if (wasReady != isReady && !Reasons.INVALID_SPEC.equals(ready.getReason()) && !Reasons.POLICY_VIOLATION.equals(ready.getReason())) {
      events.add(new Plan.Event(!isReady, isReady ? Reasons.READY : Reasons.NOT_READY, ready.getMessage()));
    }
    return events;
  }
}
