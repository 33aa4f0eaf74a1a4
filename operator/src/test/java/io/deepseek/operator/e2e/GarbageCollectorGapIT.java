package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Reasons;
import io.deepseek.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The garbage collector's gap (kubernetes/kubernetes#120862), made on purpose: a group's worker StatefulSet is deleted
 * and made again under the same name while the controller manager's watches are broken. On its return the garbage
 * collector relists, takes the new StatefulSet for an update of the old one, and never deletes the old one's pod; the
 * new StatefulSet cannot make its pod of that name, and the group would never form again. ChaosIT met this by chance
 * (an API server restart among its faults). The operator deletes a pod that has outlived its StatefulSet by 30 s.
 *
 * <p>The gap is made exactly: the controller manager is stopped (SIGSTOP), the API server restarted (so that the
 * delete below never reaches the controller manager's old connections), the StatefulSet deleted (the operator makes it
 * again at once), the API server restarted again (so that the controller manager's next watch asks for a resource
 * version the new API server's watch cache no longer has, and it relists), then the controller manager resumed. A
 * cluster of its own (kwok only, port offset 300, as ChaosIT's).
 */
class GarbageCollectorGapIT {
  LocalCluster cluster;
  Process operator;
  String kcmPid;

  @Test
  void aPodTheGarbageCollectorMissedIsDeletedAndTheGroupFormsAgain() throws Exception {
    // DSO_NODE_GRACE: the controller manager is stopped across two API server restarts (40-50 s); with the default 50 s
    // grace it may mark every node NotReady on resuming (kwok renews the leases, but posts the Ready condition again
    // only minutes later), and then the new worker cannot be scheduled (one local run).
    cluster = LocalCluster.startWithoutOperator(Map.of("DSO_CLUSTER_DIR", LocalCluster.cacheDir().resolve("cluster-gc-gap").toString(),
        "DSO_PORT_OFFSET", "300", "DSO_AGENT", "off", "DSO_KCM_V", "2", "DSO_NODE_GRACE", "5m",
        "DSO_H100_NODES", "3", "DSO_H200_NODES", "0", "DSO_A2_NODES", "0", "DSO_A3_NODES", "0"));
    String ns = cluster.createNamespace("gc-gap");
    startOperator();
    DeepSeekDeployment d = SmallDeployment.named("gap");
    var deployments = cluster.client.resources(DeepSeekDeployment.class).inNamespace(ns);
    deployments.resource(d).create();
    await("Ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> ready(ns));

    StatefulSet old = cluster.client.apps().statefulSets().inNamespace(ns).withName("gap-0").get();
    Pod oldWorker = cluster.client.pods().inNamespace(ns).withName("gap-0-1").get();
    assertThat(oldWorker.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(old.getMetadata().getUid());
    // The gap needs the garbage collector to have seen the old StatefulSet itself (an informer event), not only the pod's
    // reference to it: a node it made from a reference alone ("virtual") is checked by a live lookup, which finds the new
    // StatefulSet's other UID and deletes the pod at once. Its dependency graph says which it is.
    await("the garbage collector has observed the old StatefulSet and its worker").atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
          String graph = gcGraph(old);
          assertThat(observed(graph, old, oldWorker)).as("the collector's graph of %s:\n%s", old.getMetadata().getUid(), graph).isTrue();
        });

    kcmPid = java.nio.file.Files.readString(cluster.clusterDir().resolve("pid/controller-manager")).strip();
    signal("STOP");
    cluster.restart("apiserver");
    cluster.client.apps().statefulSets().inNamespace(ns).withName("gap-0").withPropagationPolicy(
        io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
    await("the operator makes the worker StatefulSet again").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          keepOperatorRunning();
          StatefulSet s = cluster.client.apps().statefulSets().inNamespace(ns).withName("gap-0").get();
          return s != null && !s.getMetadata().getUid().equals(old.getMetadata().getUid());
        });
    // Restarted once more, now that the delete and the new StatefulSet are in etcd: the controller manager's StatefulSet
    // watch must not be able to resume where it stopped. After the first restart alone it sometimes could (one CI run):
    // its last resource version can be the very revision the new API server's watch cache started at (nothing is
    // written while the API server is down), and then it is served the delete and makes no gap. This watch cache starts
    // after the new StatefulSet's revision, so the controller manager's is too old for it (410), and it relists.
    cluster.restart("apiserver");
    signal("CONT");
    kcmPid = null;

    // The gap is there: the garbage collector, running again, leaves the old worker alone (until the operator's grace).
    Thread.sleep(10_000);
    Pod still = cluster.client.pods().inNamespace(ns).withName("gap-0-1").get();
    assertThat(still).as(() -> "the old worker pod, 10 s after the controller manager resumed; " + story(ns, old)).isNotNull();
    assertThat(still.getMetadata().getUid()).as(() -> "the garbage collector missed it (the gap this test makes); " + story(ns, old))
        .isEqualTo(oldWorker.getMetadata().getUid());
    assertThat(still.getMetadata().getDeletionTimestamp()).isNull();

    // The operator deletes it once it has outlived its StatefulSet by 30 s; the StatefulSet controller, on its next retry
    // (it backs off after each "already exists"), makes the new worker, and the group forms.
    await("the group forms again with a worker of the new StatefulSet").atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofMillis(500)).until(() -> {
          keepOperatorRunning();
          Pod w = cluster.client.pods().inNamespace(ns).withName("gap-0-1").get();
          StatefulSet s = cluster.client.apps().statefulSets().inNamespace(ns).withName("gap-0").get();
          return w != null && s != null && w.getMetadata().getOwnerReferences().get(0).getUid().equals(s.getMetadata().getUid())
              && ready(ns);
        });
    assertThat(cluster.client.v1().events().inNamespace(ns).list().getItems())
        .filteredOn(e -> Reasons.STRAY_POD.equals(e.getReason()))
        .isNotEmpty().allSatisfy(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).contains("gap-0-1", old.getMetadata().getUid());
        });
  }

  void startOperator() {
    operator = cluster.startOperatorProcess("gc-gap-operator", cluster.kubeconfig, cluster.operatorJavaOptions(), operatorLog()).process();
  }

  java.nio.file.Path operatorLog() {
    return cluster.root.resolve("operator/target/operator-gc-gap.log");
  }

  /**
   * Starts the operator again if it has exited, as its Deployment would: an API server away for longer than the lease's
   * renew deadline (10 s; with the stopped controller manager's connections open, the old API server lingers until
   * restart.sh kills it 15 s later) makes the operator give up its lease and exit, maybe only after the API server is
   * back. Called by every wait that needs the operator.
   */
  void keepOperatorRunning() {
    if (!operator.isAlive()) {
      startOperator();
    }
  }

  boolean ready(String ns) {
    DeepSeekDeployment d = cluster.client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("gap").get();
    return d != null && d.getStatus() != null && d.getMetadata().getGeneration().equals(d.getStatus().observedGeneration)
        && Conditions.isTrue(d.getStatus().conditions, "Ready") && !Conditions.isTrue(d.getStatus().conditions, "Progressing");
  }

  /** The garbage collector's dependency graph around an object (the controller manager's debug handler, in DOT). */
  String gcGraph(StatefulSet s) {
    int port = 20257 + Integer.parseInt(cluster.clusterEnv.get("DSO_PORT_OFFSET"));
    java.nio.file.Path pki = cluster.clusterDir().resolve("pki");
    // The controller manager serves with a certificate it made itself: its address is ours, its identity is not checked.
    LocalCluster.Run r = cluster.run(List.of("curl", "-sS", "--max-time", "5", "--insecure",
        "--cert", pki.resolve("admin.crt").toString(), "--key", pki.resolve("admin.key").toString(),
        "https://127.0.0.1:" + port + "/debug/controllers/garbage-collector-controller/graph?uid=" + s.getMetadata().getUid()),
        Duration.ofSeconds(10));
    return r.code() == 0 ? r.output() : "(curl exited " + r.code() + ": " + r.output() + ")";
  }

  /** Whether the graph has the StatefulSet as an observed node (not virtual, not missing) with the pod as its dependent. */
  static boolean observed(String graph, StatefulSet s, Pod p) {
    String uid = s.getMetadata().getUid();
    String node = node(graph, uid);
    return node.contains("virtual=\"false\"") && node.contains("missing=\"false\"")
        && graph.contains("\"" + p.getMetadata().getUid() + "\" -> \"" + uid + "\"");
  }

  /** One node's attributes in the graph, or "" if it has none of that UID. */
  static String node(String graph, String uid) {
    int at = graph.indexOf("\"" + uid + "\" [");
    int end = at < 0 ? -1 : graph.indexOf("];", at);
    return end < 0 ? "" : graph.substring(at, end);
  }

  /**
   * What happened, for a failure's message: the namespace's story (its Events, pods and the operator's log lines), the
   * collector's node of the old StatefulSet with its dependents, and the controller manager's log lines of the group.
   */
  String story(String ns, StatefulSet old) {
    StringBuilder b = new StringBuilder(Story.of(cluster.client, ns, operatorLog(), null));
    String graph = gcGraph(old);
    String node = node(graph, old.getMetadata().getUid());
    b.append("the garbage collector's node of the old StatefulSet: ")
        .append(node.isEmpty() ? "none" : node.replaceAll("\\s+", " ")).append('\n');
    graph.lines().filter(l -> l.contains("-> \"" + old.getMetadata().getUid())).forEach(l -> b.append("  dependent ").append(l.strip()).append('\n'));
    b.append("the controller manager's log lines of ").append(ns).append("/gap-0 (\"already exists\" retries left out):\n");
    try (var lines = java.nio.file.Files.lines(cluster.clusterDir().resolve("log/controller-manager.log"))) {
      lines.filter(l -> l.contains(ns) && l.contains("gap-0") && !l.contains("already exists")).limit(60).forEach(l -> b.append("  ").append(l).append('\n'));
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      b.append("  (unreadable: ").append(e).append(")\n");
    }
    return b.toString();
  }

  void signal(String sig) {
    LocalCluster.Run r = cluster.run(List.of("kill", "-" + sig, kcmPid), Duration.ofSeconds(10));
    assertThat(r.code()).as("kill -%s the controller manager: %s", sig, r.output()).isZero();
  }

  @AfterEach
  void stop() {
    if (kcmPid != null) {
      signal("CONT");
    }
    if (operator != null) {
      operator.destroyForcibly();
    }
    if (cluster != null) {
      cluster.down();
    }
  }
}
