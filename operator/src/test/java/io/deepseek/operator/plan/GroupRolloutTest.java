package io.deepseek.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.plan.GroupRollout.Group;
import io.deepseek.operator.plan.GroupRollout.Step;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The plan driven step by step against a simulated StatefulSet controller (which replaces one released leader at a time,
 * the new group coming up not ready and then ready), checking the availability bound at every step.
 */
class GroupRolloutTest {
  static final String OLD = "old";
  static final String NEW = "new";

  /** Runs a whole rollout; returns the fewest ready groups seen among the first {@code replicas}+surge. */
  static int simulate(int replicas, int maxUnavailable, int maxSurge, int partition, Map<Integer, Group> groups, String[] finalRevisions) {
    String template = OLD;
    int stsPartition = 0;
    int stsReplicas = replicas;
    int minReady = Integer.MAX_VALUE;
    for (int step = 0; step < 200; step++) {
      Step p = GroupRollout.plan(replicas, partition, maxUnavailable, maxSurge, NEW, template, stsPartition, groups);
      template = NEW;
      stsPartition = p.partition();
      stsReplicas = p.replicas();
      // The StatefulSet controller: create missing ordinals (at NEW when >= partition), remove extra ones.
      for (int g = 0; g < stsReplicas; g++) {
        groups.putIfAbsent(g, new Group(g >= stsPartition ? NEW : OLD, false));
      }
      groups.keySet().removeIf(g -> g >= p.replicas());
      // ... replace the highest released outdated leader, one at a time, once every pod is ready (like the controller).
      boolean allReady = groups.values().stream().allMatch(Group::ready);
      Integer victim = groups.keySet().stream().filter(g -> g >= p.partition() && !NEW.equals(groups.get(g).revision()))
          .max(Integer::compare).orElse(null);
      if (victim != null && allReady) {
        groups.put(victim, new Group(NEW, false));
      } else {
        // ... and the groups that are starting become ready.
        groups.replaceAll((g, grp) -> new Group(grp.revision(), true));
      }
      minReady = Math.min(minReady, (int) groups.values().stream().filter(Group::ready).count());
      if (!p.inProgress() && groups.size() == replicas && groups.values().stream().allMatch(Group::ready)) {
        for (int g = 0; g < replicas; g++) {
          finalRevisions[g] = groups.get(g).revision();
        }
        return minReady;
      }
    }
    throw new AssertionError("the rollout did not finish: " + groups);
  }

  static Map<Integer, Group> ready(int n, String rev) {
    Map<Integer, Group> m = new TreeMap<>();
    for (int g = 0; g < n; g++) {
      m.put(g, new Group(rev, true));
    }
    return m;
  }

  @Test
  void maxUnavailableOneNeverTakesDownMoreThanOneGroup() {
    String[] revs = new String[3];
    assertThat(simulate(3, 1, 0, 0, ready(3, OLD), revs)).isGreaterThanOrEqualTo(2);
    assertThat(revs).containsOnly(NEW);
  }

  @Test
  void surgeWithoutUnavailabilityKeepsFullCapacity() {
    String[] revs = new String[3];
    assertThat(simulate(3, 0, 1, 0, ready(3, OLD), revs)).isGreaterThanOrEqualTo(3);
    assertThat(revs).containsOnly(NEW);
  }

  @Test
  void partitionHoldsTheGroupsBelowIt() {
    String[] revs = new String[3];
    simulate(3, 1, 0, 2, ready(3, OLD), revs);
    assertThat(revs).containsExactly(OLD, OLD, NEW);
  }

  @Test
  void aRolloutStartsWithNothingReleasedAndSurgesFirst() {
    Step p = GroupRollout.plan(3, 0, 0, 1, NEW, OLD, 0, ready(3, OLD));
    assertThat(p.replicas()).isEqualTo(4);
    assertThat(p.partition()).isEqualTo(3);
    assertThat(p.inProgress()).isTrue();
  }

  @Test
  void aScaleUpIsNotARollout() {
    Map<Integer, Group> groups = ready(2, NEW);
    groups.put(2, new Group(NEW, false));
    Step p = GroupRollout.plan(3, 0, 1, 1, NEW, NEW, 0, groups);
    assertThat(p.inProgress()).isFalse();
    assertThat(p.replicas()).isEqualTo(3);
  }

  @Test
  void nothingMovesWhileTheBudgetIsSpent() {
    Map<Integer, Group> groups = ready(3, OLD);
    groups.put(2, new Group(NEW, false));
    Step p = GroupRollout.plan(3, 0, 1, 0, NEW, NEW, 2, groups);
    assertThat(p.partition()).isEqualTo(2);
  }
}
