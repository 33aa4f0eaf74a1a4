package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.status.Conditions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * charts/deepseek-operator on the local cluster: it lints, renders (every option), passes the API server's validation,
 * and in the namespaced mode its service account can do what the operator does there and nothing more. Then the
 * operator runs with exactly that identity and the chart's settings, and serves the S4 example to Ready. (The chart's
 * Deployment itself cannot run here: there is no image registry; its pods are only simulated.)
 */
class HelmChartIT extends InNamespace {
  static final String RELEASE_NS = "dso-chart";
  static final String SA = "system:serviceaccount:" + RELEASE_NS + ":dso-deepseek-operator";

  @Override
  String prefix() {
    return "chart";
  }

  LocalCluster.Run helm(String... args) {
    List<String> cmd = new ArrayList<>(List.of(cluster.helm().toString()));
    cmd.addAll(List.of(args));
    return cluster.run(cmd, Duration.ofMinutes(2));
  }

  String render(String... sets) {
    List<String> args = new ArrayList<>(List.of("template", "dso", cluster.root.resolve("charts/deepseek-operator").toString(),
        "-n", RELEASE_NS, "--kube-version", "1.34.4"));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    LocalCluster.Run r = helm(args.toArray(String[]::new));
    assertThat(r.code()).as(r.output()).isZero();
    return r.output();
  }

  String canI(String... args) {
    List<String> cmd = new ArrayList<>(List.of("auth", "can-i"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--as", SA));
    List<String> lines = cluster.kubectl(cmd.toArray(String[]::new)).output().trim().lines().toList();
    return lines.get(lines.size() - 1);
  }

  @Test
  void theChartInstallsAndItsServiceAccountRunsTheOperatorInTheNamespacesItWatches() throws IOException {
    Path chart = cluster.root.resolve("charts/deepseek-operator");
    assertThat(helm("lint", chart.toString()).code()).isZero();
    LocalCluster.Run all = helm("lint", chart.toString(), "--set", "watchNamespaces={a,b}", "--set",
        "monitoring.serviceMonitor.enabled=true", "--set", "monitoring.prometheusRule.enabled=true", "--set", "replicas=3");
    assertThat(all.code()).as(all.output()).isZero();
    LocalCluster.Run bad = helm("template", "dso", chart.toString(), "--kube-version", "1.34.4", "--set", "replicas=0");
    assertThat(bad.output()).as("values.schema.json refuses a bad value").contains("/replicas");
    assertThat(render("monitoring.serviceMonitor.enabled=true", "monitoring.prometheusRule.enabled=true"))
        .contains("kind: ServiceMonitor", "kind: PrometheusRule", "alert: DeepSeekGroupFailed");
    assertThat(Files.readString(chart.resolve("files/alerts.yaml")))
        .as("the chart's alert rules are deploy/monitoring/alerts.yaml").isEqualTo(Files.readString(cluster.root.resolve("deploy/monitoring/alerts.yaml")));
    for (String crd : List.of("deepseekdeployments", "deepseekpolicies", "deepseekprofiles")) {
      String file = crd + ".serving.deepseek-operator.io-v1.yml";
      assertThat(Files.readString(chart.resolve("crds/" + file))).as("the chart's CRDs are crds/ (hack/update-crds.sh)")
          .isEqualTo(Files.readString(cluster.root.resolve("crds/" + file)));
    }

    Path rendered = Files.createTempFile("chart", ".yaml");
    Files.writeString(rendered, render("watchNamespaces={" + ns + "}"));
    cluster.kubectl("create", "namespace", RELEASE_NS);
    try {
      cluster.kubectlOrFail("apply", "--dry-run=server", "-f", rendered.toString());
      cluster.kubectlOrFail("apply", "--server-side", "-f", rendered.toString());
      // Exactly what the operator does, where it works; nothing elsewhere.
      for (String[] allowed : new String[][] {{"create", "statefulsets.apps"}, {"delete", "statefulsets.apps"},
          {"watch", "controllerrevisions.apps"}, {"patch", "services"}, {"delete", "pods"}, {"create", "events"},
          {"patch", "deepseekdeployments.serving.deepseek-operator.io/status"}, {"list", "endpointslices.discovery.k8s.io"}}) {
        assertThat(canI(allowed[0], allowed[1], "-n", ns)).as("%s %s in %s", allowed[0], allowed[1], ns).isEqualTo("yes");
        assertThat(canI(allowed[0], allowed[1], "-n", "default")).as("%s %s elsewhere", allowed[0], allowed[1]).isEqualTo("no");
      }
      assertThat(canI("watch", "namespaces")).isEqualTo("yes");
      assertThat(canI("watch", "deepseekpolicies.serving.deepseek-operator.io")).isEqualTo("yes");
      assertThat(canI("update", "deepseekpolicies.serving.deepseek-operator.io")).isEqualTo("no");
      assertThat(canI("get", "secrets", "-n", ns)).isEqualTo("no");
      assertThat(canI("create", "pods", "-n", ns)).as("pods come from StatefulSets").isEqualTo("no");
      assertThat(canI("patch", "leases.coordination.k8s.io", "-n", RELEASE_NS)).as("leader election renews with a patch").isEqualTo("yes");
      assertThat(canI("list", "statefulsets.apps", "--all-namespaces")).isEqualTo("no");
      // Placement of prefill/decode deployments reads the nodes' room (capacityCheck): list, never watch or change.
      assertThat(canI("list", "nodes")).isEqualTo("yes");
      assertThat(canI("list", "pods", "--all-namespaces")).isEqualTo("yes");
      assertThat(canI("watch", "pods", "--all-namespaces")).isEqualTo("no");
      assertThat(canI("patch", "nodes")).isEqualTo("no");

      // The operator as that service account, with the chart's settings: it serves the namespace it watches.
      String token = cluster.kubectlOrFail("create", "token", "dso-deepseek-operator", "-n", RELEASE_NS, "--duration=1h").trim();
      String admin = Files.readString(cluster.kubeconfig);
      Path asSa = Files.createTempFile("chart-sa", ".kubeconfig");
      Files.writeString(asSa, admin.replaceAll("(?m)^users: .*$", "users: [{name: admin, user: {token: " + token + "}}]"));
      cluster.pauseOperator();
      Path log = cluster.root.resolve("operator/target/operator-e2e-chart.log");
      Files.deleteIfExists(log);
      Process operator = null;
      try {
        operator = cluster.startOperatorAs("dso-chart-0", asSa, Map.of("QUARKUS_OPERATOR_SDK_NAMESPACES", ns,
            "POD_NAMESPACE", RELEASE_NS), log);
        LifecycleIT.applyShrunk(cluster, ns, "", 1);
        await().atMost(Duration.ofMinutes(2)).until(() -> {
          DeepSeekDeployment d = client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("deepseek-r1").get();
          return d != null && d.getStatus() != null && Conditions.isTrue(d.getStatus().conditions, "Ready");
        });
        assertThat(Files.readString(log)).as("nothing refused to the service account").doesNotContain("is forbidden");
        System.out.println("[e2e] chart: the operator as the chart's service account (namespaced mode) served " + ns);
      } finally {
        if (operator != null) {
          operator.destroyForcibly();
        }
        cluster.resumeOperator();
      }
    } finally {
      cluster.kubectl("delete", "-f", rendered.toString(), "--ignore-not-found", "--wait=false");
      cluster.kubectl("delete", "namespace", RELEASE_NS, "--wait=false");
    }
  }
}
