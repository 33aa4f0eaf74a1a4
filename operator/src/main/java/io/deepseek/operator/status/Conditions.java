package io.deepseek.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;

/** Typed conditions whose lastTransitionTime moves only when their status flips. */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  private Conditions() {}

  public static Condition make(String type, boolean status, String reason, String message, long generation,
      List<Condition> previous, String now) {
    String s = status ? "True" : "False";
    Condition before = find(previous, type);
    String since = before != null && s.equals(before.getStatus()) && before.getLastTransitionTime() != null
        ? before.getLastTransitionTime() : now;
    return new ConditionBuilder().withType(type).withStatus(s).withReason(reason).withMessage(message)
        .withObservedGeneration(generation).withLastTransitionTime(since).build();
  }

  /** Makes the conditions of one status: same generation, same previous conditions, same clock. */
  public record Builder(long generation, List<Condition> previous, String now) {
    public Condition make(String type, boolean status, String reason, String message) {
      return Conditions.make(type, status, reason, message, generation, previous, now);
    }
  }

  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    Condition c = find(conditions, type);
    return c != null && "True".equals(c.getStatus());
  }
}
