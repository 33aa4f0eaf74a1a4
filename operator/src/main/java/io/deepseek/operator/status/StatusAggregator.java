package io.deepseek.operator.status;

import io.deepseek.operator.model.Names;
import io.deepseek.operator.model.Reasons;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what each group reports and turns it into the Ready reason and the Degraded condition (the pattern of
 * Keycloak's operator, KeycloakStatusAggregator). A new kind of trouble is one line in {@link Trouble}: its reason, its
 * place in the precedence, and what the Degraded message adds.
 */
final class StatusAggregator {
  /** What can hold groups back, most important first: the first one present names Ready's reason and Degraded. */
  enum Trouble {
    NAME_CONFLICT(Reasons.NAME_CONFLICT, ""),
    GROUP_FAILED(Reasons.GROUP_FAILED, ". The group is left alone: fix the cause and change the spec (a new revision recreates it),"
        + " or delete its leader pod to try again."),
    UNSCHEDULABLE(Reasons.UNSCHEDULABLE, ""),
    MODEL_DOWNLOAD_FAILED(Reasons.MODEL_DOWNLOAD_FAILED,
        " (kubectl logs <pod> -c " + Names.MODEL_DOWNLOAD_CONTAINER + " shows why; the download is retried)"),
    GROUP_RESTARTING(Reasons.GROUP_RESTARTING, ""),
    /** Serving, but not as asked: holds no group back (never Ready's reason). */
    NO_KV_TRANSFER(Reasons.NO_KV_TRANSFER, ".", false);

    final String reason;
    final String advice;
    final boolean holdsGroups;

    Trouble(String reason, String advice) {
      this(reason, advice, true);
    }

    Trouble(String reason, String advice, boolean holdsGroups) {
      this.reason = reason;
      this.advice = advice;
      this.holdsGroups = holdsGroups;
    }
  }

  private final Map<Trouble, List<String>> troubles = new EnumMap<>(Trouble.class);
  private final List<String> notReady = new ArrayList<>();

  void add(Trouble trouble, String message) {
    troubles.computeIfAbsent(trouble, t -> new ArrayList<>()).add(message);
  }

  /** A group that is not ready, and what it waits for. */
  void notReady(String group, String message) {
    notReady.add(group + ": " + message);
  }

  Trouble worst() {
    return troubles.keySet().stream().findFirst().orElse(null);
  }

  /** Ready's reason while fewer groups are ready than desired. */
  String notReadyReason() {
    return troubles.keySet().stream().filter(t -> t.holdsGroups).findFirst().map(t -> t.reason).orElse(Reasons.GROUPS_NOT_READY);
  }

  /** "; group 0: ..." for every group that is not ready, or "." when none says why. */
  String notReadyDetail() {
    return notReady.isEmpty() ? "." : "; " + String.join("; ", notReady);
  }

  record Verdict(boolean degraded, String reason, String message) {}

  /** Degraded's status, reason and message: the worst trouble, or none. */
  Verdict degraded() {
    Trouble worst = worst();
    if (worst == null) {
      return new Verdict(false, Reasons.AS_EXPECTED, "No problem found.");
    }
    return new Verdict(true, worst.reason, String.join("; ", troubles.get(worst)) + worst.advice);
  }
}
