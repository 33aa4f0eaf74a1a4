package io.deepseek.operator.reconciler;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Several operator replicas, one at work: the holder of a Lease reconciles, the others wait and take over when it stops
 * renewing (after lease-duration). A replica that loses the lease exits (Kubernetes restarts it as a standby), so two never
 * write at once; one that is stopped (SIGTERM) releases the lease and exits, so that a standby takes over at once. Its
 * identity is the pod's name (POD_NAME, from the downward API): a container restarted in the same pod takes its lease back
 * at once; elsewhere, the host name and process id.
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {
  private static final Logger LOG = Logger.getLogger(LeaderElection.class);

  public LeaderElection(
      @ConfigProperty(name = "deepseek.operator.leader-election.lease-name", defaultValue = "deepseek-operator") String leaseName,
      @ConfigProperty(name = "deepseek.operator.leader-election.namespace") Optional<String> namespace,
      @ConfigProperty(name = "deepseek.operator.leader-election.lease-duration", defaultValue = "15s") Duration leaseDuration,
      @ConfigProperty(name = "deepseek.operator.leader-election.renew-deadline", defaultValue = "10s") Duration renewDeadline,
      @ConfigProperty(name = "deepseek.operator.leader-election.retry-period", defaultValue = "2s") Duration retryPeriod) {
    super(leaseName, namespace.or(() -> Optional.ofNullable(System.getenv("POD_NAMESPACE"))).orElse("default"),
        leaseDuration, renewDeadline, retryPeriod, identity(), new LeaderCallbacks(() -> {}, LeaderElection::stoppedLeading, id -> {}),
        false);
  }

  /**
   * The lease was lost while running: exit, from a thread of its own, so that two replicas never write at once. Not when
   * the JVM is stopping already (SIGTERM: the shutdown cancels the election, which releases the lease and lands here):
   * JOSDK's own exit (exitOnStopLeading) would then wait forever for the shutdown it is part of, and the pod would hang
   * until it is killed (java-operator-sdk#1614, fixed after 5.2.1 by #3383).
   */
  static void stoppedLeading() {
    if (shuttingDown()) {
      return;
    }
    LOG.warn("lost the leader-election lease: exiting so that only the new leader writes");
    new Thread(() -> System.exit(1), "lost-lease-exit").start();
  }

  /** Whether the JVM has begun to shut down (it refuses new shutdown hooks from then on). */
  static boolean shuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException stopping) {
      return true;
    }
  }

  static String identity() {
    String pod = System.getenv("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid();
  }
}
