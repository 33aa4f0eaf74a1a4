package io.deepseek.operator.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An end-to-end test class whose every test runs in a namespace of its own on the shared local cluster. */
@ExtendWith(LocalCluster.class)
abstract class InNamespace {
  LocalCluster cluster;
  KubernetesClient client;
  String ns;

  /** A test that failed tells what happened in its namespace (before {@link #deleteNamespace()} takes it away). */
  @RegisterExtension
  final AfterTestExecutionCallback tellOnFailure = context -> context.getExecutionException()
      .ifPresent(e -> System.out.println("[e2e] " + context.getDisplayName() + " failed; " + story()));

  /** The namespace's name prefix, so that a leftover namespace tells which test class made it. */
  abstract String prefix();

  /** What happened in the namespace so far (Events, pods, the operator's log lines about it). */
  String story() {
    if (cluster == null || ns == null) {
      return "(no namespace was made)";
    }
    return Story.of(client, ns, cluster.operatorLog, cluster.agent() ? cluster.clusterDir().resolve("log/nodeagent.log") : null);
  }

  @BeforeEach
  void createNamespace() {
    cluster = LocalCluster.get();
    client = cluster.client;
    ns = cluster.createNamespace(prefix());
  }

  @AfterEach
  void deleteNamespace() {
    cluster.deleteNamespace(ns);
  }
}
