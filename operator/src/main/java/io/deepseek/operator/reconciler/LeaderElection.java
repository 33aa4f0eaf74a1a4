package io.deepseek.operator.reconciler;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Several operator replicas, one at work: the holder of a Lease reconciles, the others wait and take over when it stops
 * renewing (after lease-duration). A replica that loses the lease exits (Kubernetes restarts it as a standby), so two never
 * write at once. Its identity is the pod's name (POD_NAME, from the downward API): a container restarted in the same pod
 * takes its lease back at once; elsewhere, the host name and process id.
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {
  public LeaderElection(
      @ConfigProperty(name = "deepseek.operator.leader-election.lease-name", defaultValue = "deepseek-operator") String leaseName,
      @ConfigProperty(name = "deepseek.operator.leader-election.namespace") Optional<String> namespace,
      @ConfigProperty(name = "deepseek.operator.leader-election.lease-duration", defaultValue = "15s") Duration leaseDuration,
      @ConfigProperty(name = "deepseek.operator.leader-election.renew-deadline", defaultValue = "10s") Duration renewDeadline,
      @ConfigProperty(name = "deepseek.operator.leader-election.retry-period", defaultValue = "2s") Duration retryPeriod) {
    super(leaseName, namespace.or(() -> Optional.ofNullable(System.getenv("POD_NAMESPACE"))).orElse("default"),
        leaseDuration, renewDeadline, retryPeriod, identity(), null, true);
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
