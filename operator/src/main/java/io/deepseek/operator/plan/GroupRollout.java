package io.deepseek.operator.plan;

import java.util.Map;

/**
 * Rolls groups to a new revision whole, a few at a time (LeaderWorkerSet's semantics). The leader StatefulSet rolls with a
 * partition that only this plan lowers: the StatefulSet controller replaces leader pods at or above it, each leader takes
 * its workers along, and the plan lowers the partition only as far as whole-group readiness allows. Pure.
 */
public final class GroupRollout {
  /** What the reconciler sees of one group: its revision (the leader pod's) and whether every pod of it is ready. */
  public record Group(String revision, boolean ready) {}

  /**
   * The leader StatefulSet's replicas and partition, whether a rollout is under way, and the step in words.
   *
   * @param replicas groups, surge included
   * @param partition leader ordinals below it keep their revision
   */
  public record Step(int replicas, int partition, boolean inProgress, int updated, String step) {}

  private GroupRollout() {}

  /**
   * @param replicas spec.replicas
   * @param userPartition rollout.partition: groups below it are held back
   * @param revision the update revision (the current spec)
   * @param templateRevision the revision in the leader StatefulSet now, or null before it exists
   * @param currentPartition the leader StatefulSet's partition now
   * @param groups every existing group by index, surge groups included
   */
  public static Step plan(int replicas, int userPartition, int maxUnavailable, int maxSurge, String revision,
      String templateRevision, int currentPartition, Map<Integer, Group> groups) {
    int hold = Math.min(userPartition, replicas);
    // Over the groups that exist (never up to a number the user typed): done when every group that may move is there,
    // at the revision and ready.
    int updated = 0;
    int readyAtRevision = 0;
    for (Map.Entry<Integer, Group> e : groups.entrySet()) {
      if (e.getKey() >= hold && e.getKey() < replicas && revision.equals(e.getValue().revision())) {
        updated++;
        readyAtRevision += e.getValue().ready() ? 1 : 0;
      }
    }
    boolean done = readyAtRevision == Math.max(0, replicas - hold);
    if (templateRevision == null) {
      // A new deployment: every group starts at the current revision.
      return new Step(replicas, hold, false, updated, "creating groups");
    }
    boolean outdated = groups.entrySet().stream().anyMatch(e -> e.getKey() >= hold && e.getKey() < replicas
        && !revision.equals(e.getValue().revision()));
    if (revision.equals(templateRevision) && !outdated) {
      // Every group that may move is at the revision. Surge groups stay until those are all ready, so capacity never
      // drops below what maxUnavailable allows; a plain scale-up never surges.
      boolean surging = groups.keySet().stream().anyMatch(g -> g >= replicas);
      if (surging && !done && maxSurge > 0) {
        return new Step(replicas + maxSurge, hold, true, updated, "waiting for the last updated groups before removing the surge");
      }
      return new Step(replicas, hold, false, updated, "complete");
    }
    // A new revision starts with nothing released; surge groups (ordinals >= replicas) come up at it at once.
    int from = revision.equals(templateRevision) ? Math.min(Math.max(currentPartition, hold), replicas) : replicas;
    int ready = 0;
    int releasedButServing = 0;
    for (Map.Entry<Integer, Group> e : groups.entrySet()) {
      if (e.getKey() >= replicas + maxSurge || !e.getValue().ready()) {
        continue;
      }
      ready++;
      if (e.getKey() >= from && e.getKey() < replicas && !revision.equals(e.getValue().revision())) {
        // Released to the StatefulSet controller but not replaced yet: it will go down.
        releasedButServing++;
      }
    }
    int budget = Math.max(0, ready - releasedButServing - (replicas - maxUnavailable));
    int partition = Math.max(hold, from - budget);
    return new Step(replicas + maxSurge, partition, true, updated,
        updated + " of " + (replicas - hold) + " groups at revision " + revision
            + (hold > 0 ? " (partition " + hold + " holds groups 0-" + (hold - 1) + ")" : "")
            + (maxSurge > 0 ? ", " + maxSurge + " surge" : ""));
  }
}
