package io.deepseek.operator.reconciler;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
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
  /** Gives the lease up at shutdown (set once the singleton exists; the callbacks are made before it). */
  private static volatile Runnable release = () -> {};
  /**
   * How long a stopping replica tries to release its lease: an API server that does not answer must not hold the shutdown
   * (fabric8 retries a refused connection with a back-off for about 100 s); the lease then expires as it would anyway.
   */
  static final Duration RELEASE_DEADLINE = Duration.ofSeconds(3);

  public LeaderElection(
      @ConfigProperty(name = "deepseek.operator.leader-election.lease-name", defaultValue = "deepseek-operator") String leaseName,
      @ConfigProperty(name = "deepseek.operator.leader-election.namespace") Optional<String> namespace,
      @ConfigProperty(name = "deepseek.operator.leader-election.lease-duration", defaultValue = "15s") Duration leaseDuration,
      @ConfigProperty(name = "deepseek.operator.leader-election.renew-deadline", defaultValue = "10s") Duration renewDeadline,
      @ConfigProperty(name = "deepseek.operator.leader-election.retry-period", defaultValue = "2s") Duration retryPeriod,
      KubernetesClient client) {
    super(leaseName, leaseNamespace(namespace), leaseDuration, renewDeadline, retryPeriod, identity(),
        new LeaderCallbacks(() -> {}, LeaderElection::stoppedLeading, id -> {}), false);
    String ns = leaseNamespace(namespace);
    String holder = identity();
    release = () -> release(client, ns, leaseName, holder);
  }

  private static String leaseNamespace(Optional<String> configured) {
    return configured.or(() -> Optional.ofNullable(System.getenv("POD_NAMESPACE"))).orElse("default");
  }

  /**
   * Gives the lease up, as client-go's ReleaseOnCancel does (JOSDK 5.2.1 does not ask fabric8 to): no holder, a duration
   * of one second, so that a standby takes over at its next try instead of after lease-duration. Only if this replica
   * still holds it; a conflict means someone else wrote it since, and is left alone.
   */
  static void release(KubernetesClient client, String namespace, String name, String holder) {
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(name).get();
      if (lease == null || lease.getSpec() == null || !holder.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      lease.getSpec().setHolderIdentity("");
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
      client.leases().inNamespace(namespace).resource(lease).update();
      LOG.infof("released the leader-election lease %s/%s", namespace, name);
    } catch (KubernetesClientException e) {
      LOG.warnf("could not release the leader-election lease %s/%s (a standby takes over once it expires): %s", namespace, name,
          e.getMessage());
    }
  }

  /**
   * The lease was lost while running: exit, from a thread of its own, so that two replicas never write at once. Not when
   * the JVM is stopping already (SIGTERM: the shutdown cancels the election and lands here): then the lease is released;
   * JOSDK's own exit (exitOnStopLeading) would then wait forever for the shutdown it is part of, and the pod would hang
   * until it is killed (java-operator-sdk#1614, fixed after 5.2.1 by #3383).
   */
  static void stoppedLeading() {
    if (shuttingDown()) {
      within(release, RELEASE_DEADLINE);
      return;
    }
    LOG.warn("lost the leader-election lease: exiting so that only the new leader writes");
    new Thread(() -> System.exit(1), "lost-lease-exit").start();
  }

  /** Runs {@code r} on a daemon thread, waiting for it at most {@code deadline}; whether it finished. */
  static boolean within(Runnable r, Duration deadline) {
    Thread t = new Thread(r, "lease-release");
    t.setDaemon(true);
    t.start();
    try {
      t.join(deadline.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      LOG.warnf("the leader-election lease was not released within %s (the API server does not answer): exiting without;"
          + " a standby takes over once it expires", deadline);
      return false;
    }
    return true;
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
