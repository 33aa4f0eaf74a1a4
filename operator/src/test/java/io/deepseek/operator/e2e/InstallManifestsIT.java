package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** deploy/ installs on a real API server, and its RBAC allows every call the operator makes. */
@ExtendWith(LocalCluster.class)
class InstallManifestsIT {
  static final String SA = "system:serviceaccount:deepseek-operator:deepseek-operator";

  @Test
  void rbacAllowsWhatTheOperatorDoes() {
    LocalCluster cluster = LocalCluster.get();
    // The Deployment's pod would only be simulated here; what matters is that the API server accepts every object.
    cluster.kubectlOrFail("apply", "-k", cluster.root.resolve("deploy").toString());
    try {
      for (List<String> check : List.of(
          List.of("watch", "deepseekdeployments.serving.deepseek-operator.io"),
          List.of("patch", "deepseekdeployments.serving.deepseek-operator.io/status"),
          List.of("update", "deepseekdeployments.serving.deepseek-operator.io/finalizers"),
          List.of("create", "statefulsets.apps"), List.of("patch", "statefulsets.apps"), List.of("delete", "statefulsets.apps"),
          List.of("watch", "statefulsets.apps"), List.of("create", "controllerrevisions.apps"),
          List.of("delete", "controllerrevisions.apps"), List.of("watch", "controllerrevisions.apps"), List.of("create", "services"), List.of("patch", "services"),
          List.of("watch", "services"), List.of("watch", "pods"), List.of("delete", "pods"),
          List.of("create", "events"), List.of("update", "events"),
          List.of("watch", "deepseekpolicies.serving.deepseek-operator.io"), List.of("watch", "namespaces"),
          List.of("watch", "deepseekprofiles.serving.deepseek-operator.io"), List.of("list", "nodes"),
          List.of("list", "endpointslices.discovery.k8s.io"))) {
        LocalCluster.Run r = cluster.kubectl("auth", "can-i", check.get(0), check.get(1), "--all-namespaces", "--as", SA);
        assertThat(r.output().trim()).as("%s may %s %s", SA, check.get(0), check.get(1)).isEqualTo("yes");
      }
      for (String verb : List.of("get", "create", "update", "patch")) {
        assertThat(cluster.kubectl("auth", "can-i", verb, "leases.coordination.k8s.io", "-n", "deepseek-operator", "--as", SA)
            .output().trim()).as("leader election: %s its Lease", verb).isEqualTo("yes");
      }
      assertThat(cluster.kubectl("auth", "can-i", "update", "leases.coordination.k8s.io", "-n", "kube-system", "--as", SA)
          .output().trim()).as("no Lease elsewhere").isEqualTo("no");
      assertThat(cluster.kubectl("auth", "can-i", "get", "secrets", "--all-namespaces", "--as", SA).output().trim())
          .as("the operator never reads Secrets: pods get them through secretKeyRef").isEqualTo("no");
      for (String kind : List.of("deepseekpolicies", "deepseekprofiles")) {
        // kubectl warns on its first line that these are cluster-scoped; the answer is the last.
        List<String> lines = cluster.kubectl("auth", "can-i", "update", kind + ".serving.deepseek-operator.io", "--as", SA)
            .output().trim().lines().toList();
        assertThat(lines.get(lines.size() - 1)).as("the platform team's %s are read only", kind).isEqualTo("no");
      }
    } finally {
      cluster.kubectl("delete", "-k", cluster.root.resolve("deploy").toString(), "--wait=false");
    }
  }
}
