package io.deepseek.operator.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real kube-apiserver + etcd (fabric8 kube-api-test, offline: hack/build-binaries.sh places the binaries in
 * ~/.kubeapitest), shared by every API-server test of the JVM, with the committed CRD installed. No controller-manager:
 * nothing creates pods or collects garbage, so each test works in a namespace of its own.
 */
public final class ApiServer {
  private static KubeAPIServer server;
  private static KubernetesClient client;

  private ApiServer() {}

  public static synchronized KubernetesClient client() {
    if (client == null) {
      server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
          .withOfflineMode(true)
          .withUpdateKubeConfig(false)
          .withStartupTimeout(120_000)
          // No default route is needed: advertise loopback and skip the kubernetes Service endpoints.
          .withApiServerFlag("--advertise-address", "127.0.0.1")
          .withApiServerFlag("--endpoint-reconciler-type", "none")
          .build());
      server.start();
      client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        client.close();
        server.stop();
      }));
      installCrd(client);
    }
    return client;
  }

  public static void installCrd(KubernetesClient c) {
    ProjectPaths.crdFiles().forEach(f -> installCrd(c, f));
  }

  static void installCrd(KubernetesClient c, java.nio.file.Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      CustomResourceDefinition crd = c.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      c.resource(crd).fieldManager("deepseek-operator-tests").forceConflicts().serverSideApply();
      c.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          // Right after creation the status may not carry conditions yet.
          .waitUntilCondition(r -> r != null && r.getStatus() != null && r.getStatus().getConditions() != null
              && r.getStatus().getConditions().stream()
              .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())), 60, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String newNamespace(String prefix) {
    String ns = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    return ns;
  }
}
