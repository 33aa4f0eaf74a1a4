package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Measures what the operator adds to a rollout step and to a group recreation on the local cluster (hack/measure-lifecycle.sh
 * runs it; plain test runs skip it). kwok makes pods ready at once, so what remains is the control plane's and the
 * operator's reaction time. Every pod and StatefulSet change is timestamped as the watch delivers it; the figures are
 * the gaps the operator is responsible for:
 * <ul>
 *   <li>spec change -> first group released (leader pod deleted by the StatefulSet controller after the operator's
 *   partition patch);</li>
 *   <li>a group ready at the new revision -> the next group released;</li>
 *   <li>a new leader has its pod IP -> its worker StatefulSet exists (the operator makes workers for that leader);</li>
 *   <li>a rank fails (container restart reported) -> its group's leader deleted, and -> the group ready again.</li>
 * </ul>
 */
@ExtendWith(LocalCluster.class)
@EnabledIfSystemProperty(named = "dso.benchmark", matches = "true")
class LifecycleBenchmarkIT {
  static final String NAME = "deepseek-r1";
  static final int GROUPS = 3;

  record Seen(long nanos, String kind, Watcher.Action action, Object object) {}

  final List<Seen> seen = new CopyOnWriteArrayList<>();

  @Test
  void measureRolloutStepsAndRecreations() throws IOException {
    LocalCluster cluster = LocalCluster.get();
    KubernetesClient client = cluster.client;
    int rounds = Integer.getInteger("dso.benchmark.rounds", 5);
    String ns = cluster.createNamespace("bench");
    try (Watch pods = client.pods().inNamespace(ns).watch(recorder("pod"));
        Watch sets = client.apps().statefulSets().inNamespace(ns).watch(recorder("sts"))) {
      LifecycleIT.applyShrunk(cluster, ns, "", GROUPS);
      await().atMost(Duration.ofMinutes(2)).until(() -> allReadyAt(client, ns, null));

      Map<String, List<Double>> figures = new HashMap<>();
      for (int r = 0; r < rounds; r++) {
        measureRollout(cluster, ns, "lmsysorg/sglang:v0.5." + (20 + r), figures);
        // A new revision starts every group's recreation count afresh, so this recreation is immediate: what is
        // measured is the operator, not the back-off.
        measureRecreation(client, ns, Integer.toString(r % GROUPS), figures);
      }
      System.out.println("[bench] lifecycle on the local cluster, " + rounds + " rounds, " + GROUPS + " groups of 2 pods (ms):");
      figures.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
        List<Double> v = new ArrayList<>(e.getValue());
        v.sort(Double::compare);
        System.out.printf("[bench]   %-58s n=%-3d min %7.1f  median %7.1f  max %7.1f%n", e.getKey(), v.size(), v.get(0),
            v.get(v.size() / 2), v.get(v.size() - 1));
      });
      assertThat(figures).containsKeys("rollout: spec change -> first group released", "recreation: rank failure -> group ready");
    } finally {
      cluster.deleteNamespace(ns);
    }
  }

  void measureRollout(LocalCluster cluster, String ns, String image, Map<String, List<Double>> figures) {
    KubernetesClient client = cluster.client;
    long t0 = System.nanoTime();
    int from = seen.size();
    cluster.kubectlOrFail("patch", "dsd", NAME, "-n", ns, "--type=merge", "-p", "{\"spec\":{\"engine\":{\"image\":\"" + image + "\"}}}");
    long generation = client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(NAME).get().getMetadata().getGeneration();
    String revision = await().atMost(Duration.ofMinutes(1)).until(() -> updateRevision(client, ns, generation), Objects::nonNull);
    await().atMost(Duration.ofMinutes(2)).until(() -> allReadyAt(client, ns, revision));
    record(figures, f -> rollout(snapshot(from), t0, revision, f));
  }

  /** The events recorded since index {@code from}, as a copy (the watches keep adding). */
  List<Seen> snapshot(int from) {
    List<Seen> all = List.copyOf(seen);
    return all.subList(from, all.size());
  }

  /** The watches may deliver the last events a little after the API says all is ready: wait until they did. */
  static void record(Map<String, List<Double>> figures, java.util.function.Consumer<Map<String, List<Double>>> measure) {
    Map<String, List<Double>> round = new HashMap<>();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreException(IllegalStateException.class)
        .until(() -> {
          round.clear();
          measure.accept(round);
          return true;
        });
    round.forEach((k, v) -> figures.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
  }

  void measureRecreation(KubernetesClient client, String ns, String group, Map<String, List<Double>> figures) {
    await().atMost(Duration.ofMinutes(2)).until(() -> allReadyAt(client, ns, null));
    int from = seen.size();
    Pod worker = client.pods().inNamespace(ns).withName(NAME + "-" + group + "-1").get();
    Pod leader = client.pods().inNamespace(ns).withName(NAME + "-" + group).get();
    long t0 = System.nanoTime();
    LifecycleIT.crash(LocalCluster.get(), worker);
    await().atMost(Duration.ofMinutes(2)).until(() -> {
      Pod now = client.pods().inNamespace(ns).withName(NAME + "-" + group).get();
      return now != null && !now.getMetadata().getUid().equals(leader.getMetadata().getUid()) && allReadyAt(client, ns, null);
    });
    record(figures, f -> {
      List<Seen> events = snapshot(from);
      long deleted = first(events, s -> "pod".equals(s.kind()) && leader.getMetadata().getUid().equals(uid(s))
          && (s.action() == Watcher.Action.DELETED || ((Pod) s.object()).getMetadata().getDeletionTimestamp() != null));
      long ready = groupReadyAfter(events, group, null, Set.of(leader.getMetadata().getUid(), worker.getMetadata().getUid()));
      add(f, "recreation: rank failure -> leader deleted", deleted - t0);
      add(f, "recreation: rank failure -> group ready", ready - t0);
    });
  }

  /** Splits one rollout's events into the operator's gaps. */
  void rollout(List<Seen> events, long t0, String revision, Map<String, List<Double>> figures) {
    // Groups are released from the highest index down (maxUnavailable 1, no surge): one step per group.
    long previousReady = -1;
    long total = 0;
    for (int g = GROUPS - 1; g >= 0; g--) {
      String leaderName = NAME + "-" + g;
      String workerSet = leaderName;
      long released = first(events, s -> "pod".equals(s.kind()) && leaderName.equals(name(s)) && !revision.equals(revisionOf(s))
          && (s.action() == Watcher.Action.DELETED || ((Pod) s.object()).getMetadata().getDeletionTimestamp() != null));
      long leaderIp = first(events, s -> "pod".equals(s.kind()) && leaderName.equals(name(s)) && revision.equals(revisionOf(s))
          && ((Pod) s.object()).getStatus() != null && ((Pod) s.object()).getStatus().getPodIP() != null);
      long workers = first(events, s -> "sts".equals(s.kind()) && s.action() == Watcher.Action.ADDED
          && workerSet.equals(name(s)) && revision.equals(revisionOf(s)));
      long ready = groupReadyAfter(events, Integer.toString(g), revision, Set.of());
      add(figures, previousReady < 0 ? "rollout: spec change -> first group released" : "rollout: group ready -> next group released",
          released - (previousReady < 0 ? t0 : previousReady));
      add(figures, "rollout: new leader has an IP -> its worker StatefulSet", workers - leaderIp);
      add(figures, "rollout: group released -> ready at the new revision", ready - released);
      previousReady = ready;
      total = ready - t0;
    }
    add(figures, "rollout: whole rollout of " + GROUPS + " groups", total);
  }

  /** When group {@code g}'s leader and worker, new pods both, were first ready together (at {@code revision} if given). */
  static long groupReadyAfter(List<Seen> events, String g, String revision, Set<String> oldPods) {
    Map<String, Pod> pods = new HashMap<>();
    for (Seen s : events) {
      if (!"pod".equals(s.kind())) {
        continue;
      }
      Pod p = (Pod) s.object();
      if (s.action() == Watcher.Action.DELETED) {
        pods.remove(p.getMetadata().getName());
      } else {
        pods.put(p.getMetadata().getName(), p);
      }
      Pod leader = pods.get(NAME + "-" + g);
      Pod worker = pods.get(NAME + "-" + g + "-1");
      if (leader != null && worker != null && LifecycleIT.ready(leader) && LifecycleIT.ready(worker)
          && !oldPods.contains(leader.getMetadata().getUid()) && !oldPods.contains(worker.getMetadata().getUid())
          && Objects.equals(revisionOf(leader), revisionOf(worker))
          && (revision == null || revision.equals(revisionOf(leader)))) {
        return s.nanos();
      }
    }
    throw new IllegalStateException("group " + g + " never became ready in the recorded events");
  }

  static long first(Collection<Seen> events, Predicate<Seen> p) {
    return events.stream().filter(p).mapToLong(Seen::nanos).findFirst()
        .orElseThrow(() -> new IllegalStateException("an expected event was not seen"));
  }

  static void add(Map<String, List<Double>> figures, String key, long nanos) {
    figures.computeIfAbsent(key, k -> new ArrayList<>()).add(nanos / 1e6);
  }

  static String name(Seen s) {
    return s.object() instanceof Pod p ? p.getMetadata().getName() : ((StatefulSet) s.object()).getMetadata().getName();
  }

  static String uid(Seen s) {
    return ((Pod) s.object()).getMetadata().getUid();
  }

  static String revisionOf(Seen s) {
    Map<String, String> labels = s.object() instanceof Pod p ? p.getMetadata().getLabels()
        : ((StatefulSet) s.object()).getMetadata().getLabels();
    return labels == null ? null : labels.get(Labels.REVISION);
  }

  static String revisionOf(Pod p) {
    return p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(Labels.REVISION);
  }

  <T> Watcher<T> recorder(String kind) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        seen.add(new Seen(System.nanoTime(), kind, action, resource));
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  static String updateRevision(KubernetesClient client, String ns, long generation) {
    DeepSeekDeployment d = client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(NAME).get();
    return d.getStatus() != null && d.getStatus().observedGeneration >= generation
        ? d.getStatus().updateRevision : null;
  }

  static boolean allReadyAt(KubernetesClient client, String ns, String revision) {
    List<Pod> pods = client.pods().inNamespace(ns).withLabel(Labels.DEPLOYMENT, NAME).list().getItems();
    return pods.size() == GROUPS * 2 && LifecycleIT.readyGroups(pods) == GROUPS
        && (revision == null || pods.stream().allMatch(p -> revision.equals(revisionOf(p))));
  }
}
