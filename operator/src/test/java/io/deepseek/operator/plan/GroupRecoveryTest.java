package io.deepseek.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.FailureSpec;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.plan.GroupRecovery.Action;
import io.deepseek.operator.plan.GroupRecovery.Decision;
import io.deepseek.operator.plan.GroupRecovery.State;
import io.deepseek.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupRecoveryTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  static DeploymentModel model(FailureSpec failure) {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getSpec().failure = failure;
    return DeploymentModel.of(d);
  }

  static FailureSpec failure(int maxRestarts, String backoff) {
    FailureSpec f = new FailureSpec();
    f.maxRestarts = maxRestarts;
    f.backoff = backoff;
    f.window = "1h";
    return f;
  }

  static Pod pod(String name, String uid, int restarts, String phase) {
    return new PodBuilder().withNewMetadata().withName(name).withUid(uid).withCreationTimestamp(NOW.minusSeconds(60).toString())
        .endMetadata().withNewSpec().withNodeName("gpu-1").endSpec()
        .withNewStatus().withPhase(phase).addNewContainerStatus().withName("engine").withRestartCount(restarts)
        .withNewLastState().withNewTerminated().withReason(restarts > 0 ? "Error" : null).withExitCode(restarts > 0 ? 1 : 0)
        .endTerminated().endLastState().endContainerStatus().endStatus().build();
  }

  @Test
  void aHealthyGroupHasNoFailure() {
    assertThat(GroupRecovery.failure(model(null), pod("deepseek-r1-0", "l", 0, "Running"),
        List.of(pod("deepseek-r1-0-1", "w1", 0, "Running")), "w1/deepseek-r1-0-1/gpu-1", true, NOW)).isNull();
  }

  @Test
  void aRestartedContainerNamesThePodTheNodeAndTheExit() {
    assertThat(GroupRecovery.failure(model(null), pod("deepseek-r1-0", "l", 0, "Running"),
        List.of(pod("deepseek-r1-0-1", "w1", 1, "Running")), "w1/deepseek-r1-0-1/gpu-1", true, NOW))
        .isEqualTo("container engine of pod deepseek-r1-0-1 on node gpu-1 restarted (Error, exit code 1)");
  }

  /** A worker dies, the leader follows moments later: the worker is the cause, whatever order the pods are read in. */
  @Test
  void theRankThatFailedFirstIsTheCauseAndTheNextFollowedIt() {
    Pod leader = pod("deepseek-r1-0", "l", 1, "Running");
    Pod worker = pod("deepseek-r1-0-1", "w1", 1, "Running");
    worker.getStatus().getContainerStatuses().get(0).getLastState().getTerminated().setExitCode(137);
    worker.getStatus().getContainerStatuses().get(0).getLastState().getTerminated().setFinishedAt(NOW.minusSeconds(2).toString());
    leader.getStatus().getContainerStatuses().get(0).getLastState().getTerminated().setFinishedAt(NOW.minusSeconds(1).toString());
    assertThat(GroupRecovery.failure(model(null), leader, List.of(worker), "w1/deepseek-r1-0-1/gpu-1", false, NOW))
        .isEqualTo("container engine of pod deepseek-r1-0-1 on node gpu-1 restarted (Error, exit code 137); then container"
            + " engine of pod deepseek-r1-0 on node gpu-1 restarted (Error, exit code 1)");
    // Within the same second: the rank a signal killed, not the one that exited after it.
    worker.getStatus().getContainerStatuses().get(0).getLastState().getTerminated().setFinishedAt(NOW.toString());
    leader.getStatus().getContainerStatuses().get(0).getLastState().getTerminated().setFinishedAt(NOW.toString());
    assertThat(GroupRecovery.failure(model(null), leader, List.of(worker), "w1/deepseek-r1-0-1/gpu-1", false, NOW))
        .startsWith("container engine of pod deepseek-r1-0-1 ");
    // A worker that is gone leaves no termination to compare: it is the cause of the leader's restart.
    assertThat(GroupRecovery.failure(model(null), leader, List.of(), "w1/deepseek-r1-0-1/gpu-1", false, NOW))
        .startsWith("worker pod deepseek-r1-0-1 on node gpu-1 is gone").contains("; then container engine of pod deepseek-r1-0 ");
    // So is a worker being deleted: the leader may restart before the pod has left the API server.
    Pod deleting = pod("deepseek-r1-0-1", "w1", 0, "Running");
    deleting.getMetadata().setDeletionTimestamp(NOW.minusSeconds(3).toString());
    assertThat(GroupRecovery.failure(model(null), leader, List.of(deleting), "w1/deepseek-r1-0-1/gpu-1", false, NOW))
        .startsWith("worker pod deepseek-r1-0-1 on node gpu-1 is gone").contains("; then container engine of pod deepseek-r1-0 ");
  }

  @Test
  void aFailedPodIsAFailure() {
    assertThat(GroupRecovery.failure(model(null), pod("deepseek-r1-0", "l", 0, "Failed"), List.of(), null, false, NOW))
        .startsWith("pod deepseek-r1-0 on node gpu-1 failed");
  }

  @Test
  void aReplacedOrMissingWorkerIsCaughtByTheRecordedMembers() {
    String members = GroupRecovery.members(List.of(pod("deepseek-r1-0-1", "w1", 0, "Running")));
    assertThat(members).isEqualTo("w1/deepseek-r1-0-1/gpu-1");
    Pod leader = pod("deepseek-r1-0", "l", 0, "Running");
    assertThat(GroupRecovery.failure(model(null), leader, List.of(pod("deepseek-r1-0-1", "w1", 0, "Running")), members,
        true, NOW)).isNull();
    assertThat(GroupRecovery.failure(model(null), leader, List.of(pod("deepseek-r1-0-1", "w1-new", 0, "Running")),
        members, true, NOW)).isEqualTo("worker pod deepseek-r1-0-1 on node gpu-1 is gone (deleted, evicted or its node lost)");
    assertThat(GroupRecovery.failure(model(null), leader, List.of(), members, true, NOW))
        .isEqualTo("worker pod deepseek-r1-0-1 on node gpu-1 is gone (deleted, evicted or its node lost)");
    assertThat(GroupRecovery.failure(model(null), leader, List.of(pod("deepseek-r1-0-1", "w1", 0, "Running"),
        pod("deepseek-r1-0-2", "w2", 0, "Running")), members, true, NOW)).contains("deepseek-r1-0-2 was replaced");
  }

  static Pod scheduled(Pod p, Instant at) {
    p.getStatus().getConditions().add(new PodConditionBuilder().withType("PodScheduled").withStatus("True")
        .withLastTransitionTime(at.toString()).build());
    return p;
  }

  @Test
  void aGroupNotReadyWithinTheStartupBudgetAfterItsPodsWereScheduledHasFailed() {
    Pod leader = scheduled(pod("deepseek-r1-0", "l", 0, "Running"), NOW.minus(Duration.ofMinutes(61)));
    Pod worker = scheduled(pod("deepseek-r1-0-1", "w1", 0, "Running"), NOW.minus(Duration.ofMinutes(61)));
    assertThat(GroupRecovery.failure(model(null), leader, List.of(worker), null, false, NOW)).contains("startup.timeout");
    assertThat(GroupRecovery.failure(model(null), leader, List.of(worker), null, true, NOW)).as("ready groups are past start-up").isNull();
  }

  @Test
  void theStartupBudgetStartsWhenTheLastPodIsScheduled() {
    Pod leader = scheduled(pod("deepseek-r1-0", "l", 0, "Running"), NOW.minus(Duration.ofHours(3)));
    Pod pending = pod("deepseek-r1-0-1", "w1", 0, "Pending");
    assertThat(GroupRecovery.failure(model(null), leader, List.of(pending), null, false, NOW))
        .as("waiting for accelerators is not a failed start").isNull();
    assertThat(GroupRecovery.failure(model(null), leader, List.of(), null, false, NOW)).as("workers not made yet").isNull();
    Pod late = scheduled(pod("deepseek-r1-0-1", "w1", 0, "Running"), NOW.minus(Duration.ofMinutes(30)));
    assertThat(GroupRecovery.failure(model(null), leader, List.of(late), null, false, NOW)).as("30 of 60 minutes used").isNull();
  }

  @Test
  void recreationsBackOffExponentiallyThenTheGroupIsMarkedFailed() {
    DeploymentModel m = model(failure(3, "10s"));
    Decision first = GroupRecovery.decide(m, State.NONE, "boom", false, NOW);
    assertThat(first.action()).as("the first recreation is immediate").isEqualTo(Action.RECREATE);
    assertThat(first.state().restarts()).isEqualTo(1);

    Decision early = GroupRecovery.decide(m, first.state(), "boom", false, NOW.plusSeconds(5));
    assertThat(early.action()).isEqualTo(Action.WAIT);
    assertThat(early.waitUntil()).isEqualTo(NOW.plusSeconds(10));

    Decision second = GroupRecovery.decide(m, first.state(), "boom", false, NOW.plusSeconds(10));
    assertThat(second.action()).isEqualTo(Action.RECREATE);
    Instant t2 = NOW.plusSeconds(10);
    assertThat(GroupRecovery.decide(m, second.state(), "boom", false, t2.plusSeconds(19)).waitUntil()).isEqualTo(t2.plusSeconds(20));

    Decision third = GroupRecovery.decide(m, second.state(), "boom", false, t2.plusSeconds(20));
    assertThat(third.action()).isEqualTo(Action.RECREATE);
    assertThat(third.state().restarts()).isEqualTo(3);

    Decision fail = GroupRecovery.decide(m, third.state(), "boom again", false, t2.plusSeconds(200));
    assertThat(fail.action()).isEqualTo(Action.FAIL);
    assertThat(fail.state().failed()).isTrue();
    assertThat(fail.state().lastFailure()).isEqualTo("boom again");
    assertThat(GroupRecovery.decide(m, fail.state(), "boom again", false, t2.plusSeconds(300)).action())
        .as("a failed group is left alone").isEqualTo(Action.NONE);
  }

  @Test
  void backOffDoublesUpToTenMinutes() {
    DeploymentModel m = model(failure(20, "30s"));
    assertThat(GroupRecovery.backoff(m, 1)).isEqualTo(Duration.ofSeconds(30));
    assertThat(GroupRecovery.backoff(m, 2)).isEqualTo(Duration.ofSeconds(60));
    assertThat(GroupRecovery.backoff(m, 5)).isEqualTo(Duration.ofMinutes(8));
    assertThat(GroupRecovery.backoff(m, 6)).isEqualTo(Duration.ofMinutes(10));
    assertThat(GroupRecovery.backoff(m, 19)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aFailedGroupThatIsReadyAgainClearsItsCondition() {
    State failed = new State(3, NOW.minusSeconds(600).toString(), true, "boom", null);
    Decision d = GroupRecovery.decide(model(failure(3, "10s")), failed, null, true, NOW);
    assertThat(d.action()).isEqualTo(Action.NONE);
    assertThat(d.state().failed()).isFalse();
  }

  @Test
  void aQuietWindowResetsTheCount() {
    State old = new State(3, NOW.minus(Duration.ofMinutes(61)).toString(), false, "boom", null);
    Decision d = GroupRecovery.decide(model(failure(3, "10s")), old, "boom", false, NOW);
    assertThat(d.action()).isEqualTo(Action.RECREATE);
    assertThat(d.state().restarts()).isEqualTo(1);
  }

  @Test
  void policyNoneLeavesPodsAlone() {
    FailureSpec none = failure(3, "10s");
    none.policy = FailureSpec.Policy.None;
    Decision d = GroupRecovery.decide(model(none), State.NONE, "boom", false, NOW);
    assertThat(d.action()).isEqualTo(Action.NONE);
    assertThat(d.failure()).isEqualTo("boom");
  }

  @Test
  void aLeaderReplacedBehindTheOperatorsBackIsCountedButNotRecreatedAgain() {
    State formed = new State(0, null, false, null, "old-leader");
    Pod leader = pod("deepseek-r1-0", "new-leader", 0, "Running");
    String why = GroupRecovery.leaderReplaced(formed, leader);
    assertThat(why).isEqualTo("leader pod deepseek-r1-0 was replaced (deleted, evicted or its node lost)");
    Decision d = GroupRecovery.decide(model(failure(3, "10s")), formed, why, true, false, NOW);
    assertThat(d.action()).isEqualTo(Action.RECREATED);
    assertThat(d.state().restarts()).isEqualTo(1);
    assertThat(GroupRecovery.decide(model(failure(1, "10s")), d.state(), why, true, false, NOW.plusSeconds(1)).action())
        .as("lost leaders count towards maxRestarts too").isEqualTo(Action.FAIL);
    assertThat(GroupRecovery.leaderReplaced(new State(1, NOW.toString(), false, "boom", null), leader))
        .as("the operator's own recreation").isNull();
    assertThat(GroupRecovery.leaderReplaced(new State(0, null, false, null, "new-leader"), leader)).isNull();
  }
}
