package io.deepseek.operator.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** An end-to-end test class whose every test runs in a namespace of its own on the shared local cluster. */
@ExtendWith(LocalCluster.class)
abstract class InNamespace {
  LocalCluster cluster;
  KubernetesClient client;
  String ns;

  /** The namespace's name prefix, so that a leftover namespace tells which test class made it. */
  abstract String prefix();

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
