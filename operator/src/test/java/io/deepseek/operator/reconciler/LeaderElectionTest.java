package io.deepseek.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {
  /**
   * A replica stopped while the API server does not answer: fabric8 retries the refused connection with a back-off (10
   * tries from 100 ms, about 100 s in all), and the shutdown would wait for it until the kubelet kills the pod. The
   * release is given up at its deadline instead.
   */
  @Test
  void aReleaseTheApiServerDoesNotAnswerIsGivenUp() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("https://127.0.0.1:" + closed).withTrustCerts(true).build()).build()) {
      AtomicBoolean returned = new AtomicBoolean();
      boolean finished = LeaderElection.within(() -> {
        LeaderElection.release(client, "default", "deepseek-operator", "replica-0");
        returned.set(true);
      }, Duration.ofMillis(300));
      assertThat(finished).as("fabric8 still retrying after the deadline").isFalse();
      assertThat(returned).isFalse();
    }
  }

  @Test
  void aReleaseThatFinishesInTimeIsWaitedFor() {
    AtomicBoolean ran = new AtomicBoolean();
    assertThat(LeaderElection.within(() -> ran.set(true), Duration.ofSeconds(10))).isTrue();
    assertThat(ran).isTrue();
  }
}
