package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Faults: the operator killed (SIGKILL) at random moments while many deployments roll out, scale and recreate failed
 * groups, and the API server and etcd restarted once each, on a cluster of its own (kwok only: pods are Running and
 * Ready at once, nothing runs). Every deployment goes through one change at a time (a new image, one group more or
 * fewer, a crashed rank), each started once the previous one has settled; a monitor checks the invariants every 50 ms
 * from watches, and at the end every deployment must converge to exactly what its spec asks:
 * <ul>
 *   <li>never two revisions in one group: no group whose leader and worker are both ready with different revisions;
 *   <li>the rollout's availability bound: while a new image rolls out, at least replicas - maxUnavailable groups ready;
 *   <li>no duplicate group: never more groups (leader pods, worker StatefulSets, workers per group) than the larger of
 *       the replicas before and after the change, plus maxSurge;
 *   <li>no orphan once converged: nothing whose owner is gone, no worker StatefulSet of a group that should not exist or
 *       of another leader than the group's.
 * </ul>
 * Recreations back off (failure.backoff doubling per recreation within failure.window, up to 10 minutes): the
 * deployments count them over a window of 10 s, so that a group crashed again and again by the driver waits seconds,
 * not minutes, before it is recreated.
 * The default is the short version the test run includes (12 kills, 6 deployments, about 3 minutes); hack/chaos.sh runs
 * the long one (100 kills over 40 deployments). The seed is printed: {@code -Ddso.chaos.seed} repeats the moments.
 */
class ChaosIT {
  static final Duration SETTLE = Duration.ofMinutes(4);
  static final String OLD_IMAGE = "lmsysorg/sglang:v0.5.18";
  static final String NEW_IMAGE = "lmsysorg/sglang:v0.5.19";
  static final int MAX_REPLICAS = 3;
  static final int MAX_UNAVAILABLE = 1;

  final int kills = Integer.getInteger("dso.chaos.kills", 12);
  final int deployments = Integer.getInteger("dso.chaos.deployments", 6);
  /** The longest the operator runs between a start and its next kill. */
  final double maxUptimeS = Double.parseDouble(System.getProperty("dso.chaos.maxUptime", "8"));
  final long seed = Long.getLong("dso.chaos.seed", System.nanoTime());

  enum Kind { ROLLOUT, SCALE, RECREATE }

  /** What a deployment is going through: the change, and the replicas before and after it. */
  record Change(Kind kind, int before, int after, long startedNanos) {}

  LocalCluster cluster;
  String ns;
  Process operator;
  int operatorStarts;
  final Map<String, Change> changes = new ConcurrentHashMap<>();
  final Map<String, AtomicLong> violations = new ConcurrentHashMap<>();
  final Map<String, List<String>> examples = new ConcurrentHashMap<>();
  final Map<Kind, AtomicLong> done = new ConcurrentHashMap<>();
  final Map<Kind, AtomicLong> stuck = new ConcurrentHashMap<>();
  final AtomicLong checks = new AtomicLong();
  final AtomicBoolean running = new AtomicBoolean(true);
  final AtomicBoolean monitoring = new AtomicBoolean(true);
  SharedIndexInformer<Pod> pods;
  SharedIndexInformer<StatefulSet> sets;

  @Test
  void killedAtRandomMomentsTheOperatorKeepsEveryInvariantAndConverges() throws Exception {
    Random random = new Random(seed);
    System.out.printf("[chaos] seed %d: %d kills, %d deployments (-Ddso.chaos.seed=%d repeats the moments)%n", seed, kills,
        deployments, seed);
    cluster = LocalCluster.startWithoutOperator(Map.of("DSO_CLUSTER_DIR", LocalCluster.cacheDir().resolve("cluster-chaos").toString(),
        "DSO_PORT_OFFSET", "300", "DSO_AGENT", "off", "DSO_KCM_V", "2",
        // Twice the GPUs the deployments can ask for: a recreated group's old pods hold theirs until kwok has removed them.
        "DSO_H100_NODES", Integer.toString((2 * deployments * MAX_REPLICAS * 2 + 7) / 8 + 2),
        "DSO_H200_NODES", "0", "DSO_A2_NODES", "0", "DSO_A3_NODES", "0"));
    ns = cluster.createNamespace("chaos");
    pods = cluster.client.pods().inNamespace(ns).inform();
    sets = cluster.client.apps().statefulSets().inNamespace(ns).inform();
    startOperator();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < deployments; i++) {
      names.add(String.format("c-%02d", i));
      create(names.get(i), 1 + random.nextInt(MAX_REPLICAS));
    }
    long t0 = System.nanoTime();
    for (String name : names) {
      if (!settle(name, Duration.ofMinutes(3))) {
        throw new IllegalStateException(name + " never became Ready before the faults: " + describe(name));
      }
    }
    System.out.printf("[chaos] %d deployments ready in %.1f s%n", deployments, (System.nanoTime() - t0) / 1e9);

    Thread monitor = new Thread(this::monitor, "chaos-monitor");
    monitor.start();
    List<Thread> drivers = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Random own = new Random(seed + 1 + i);
      Thread t = new Thread(() -> drive(name, own), "chaos-" + name);
      t.start();
      drivers.add(t);
    }

    long faultsFrom = System.nanoTime();
    int apiServerAt = Math.max(1, kills / 3);
    int etcdAt = Math.max(2, 2 * kills / 3);
    int exitedOnTheirOwn = 0;
    for (int k = 1; k <= kills; k++) {
      long up = (long) (random.nextDouble() * maxUptimeS * 1000);
      long until = System.currentTimeMillis() + up;
      while (System.currentTimeMillis() < until) {
        if (!operator.isAlive()) {
          // e.g. its lease could not be renewed while the API server was away: it exits, and its pod restarts it.
          exitedOnTheirOwn++;
          System.out.printf("[chaos] the operator exited on its own (code %d); starting it again%n", operator.exitValue());
          startOperator();
        }
        Thread.sleep(50);
      }
      operator.destroyForcibly();
      operator.waitFor(20, TimeUnit.SECONDS);
      if (k == apiServerAt) {
        restart("apiserver");
      } else if (k == etcdAt) {
        restart("etcd");
      }
      startOperator();
    }
    double faultsS = (System.nanoTime() - faultsFrom) / 1e9;
    running.set(false);
    long lastFault = System.nanoTime();
    for (Thread t : drivers) {
      t.join(SETTLE.toMillis() + 60_000);
    }
    // Every deployment converges: settled, and exactly what its spec asks for (one deadline for all of them).
    long convergeBy = System.nanoTime() + SETTLE.toNanos();
    for (String name : names) {
      if (!settle(name, Duration.ofNanos(Math.max(0, convergeBy - System.nanoTime())))) {
        violation("did not converge", name + ": " + describe(name));
      }
    }
    double convergedS = (System.nanoTime() - lastFault) / 1e9;
    monitoring.set(false);
    monitor.join();
    for (String name : names) {
      checkExact(name);
    }
    checkOwners();

    System.out.printf("[chaos] %d SIGKILLs over %.0f s (each after 0-%.0f s of the operator's uptime), the API server and etcd"
        + " restarted once each; %d exits on its own; %d operator starts%n", kills, faultsS, maxUptimeS, exitedOnTheirOwn, operatorStarts);
    System.out.printf("[chaos] changes settled: %s; stuck (not settled in %d s, then waited for again): %s%n", counts(done),
        SETTLE.toSeconds(), counts(stuck));
    System.out.printf("[chaos] %d invariant checks; every deployment converged %.1f s after the last fault%n", checks.get(), convergedS);
    System.out.printf("[chaos] violations: %s%n", violations.isEmpty() ? "none" : counts(violations));
    examples.forEach((kind, list) -> list.forEach(e -> System.out.printf("[chaos]   %s: %s%n", kind, e)));
    // The examples go into the failure itself too: a CI log's tail keeps the failure, not the lines above it.
    assertThat(violations).as("invariant violations (seed %d): %s", seed, examples).isEmpty();
    assertThat(done.values().stream().mapToLong(AtomicLong::get).sum()).as("changes that settled").isGreaterThan(0);
  }

  @AfterEach
  void stop() {
    running.set(false);
    monitoring.set(false);
    if (operator != null) {
      operator.destroyForcibly();
    }
    if (pods != null) {
      pods.close();
      sets.close();
    }
    if (cluster != null) {
      cluster.down();
    }
  }

  void startOperator() {
    LocalCluster.OperatorProcess p = cluster.startOperatorProcess("chaos-operator", cluster.kubeconfig,
        cluster.operatorJavaOptions(), cluster.root.resolve("operator/target/operator-chaos.log"));
    operator = p.process();
    operatorStarts++;
  }

  void restart(String component) {
    long t0 = System.nanoTime();
    cluster.restart(component);
    System.out.printf("[chaos] %s restarted, the API server ready again in %.1f s%n", component, (System.nanoTime() - t0) / 1e9);
  }

  void create(String name, int replicas) {
    DeepSeekDeployment d = Serialization.unmarshal("""
        apiVersion: serving.deepseek-operator.io/v1alpha1
        kind: DeepSeekDeployment
        metadata: {name: %s}
        spec:
          replicas: %d
          model: {name: deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B, source: {hostPath: /data/models/DeepSeek-R1-Distill-Qwen-1.5B}}
          engine: {type: SGLang, image: %s}
          accelerator: {type: NvidiaGPU, perNode: 1}
          parallelism: {nodes: 2, tensor: 2}
          rollout: {maxUnavailable: %d}
          failure: {maxRestarts: 1000, backoff: 1s, window: 10s}
          shutdown: {drainDelay: 0s}
        """.formatted(name, replicas, OLD_IMAGE, MAX_UNAVAILABLE), DeepSeekDeployment.class);
    cluster.client.resources(DeepSeekDeployment.class).inNamespace(ns).resource(d).create();
  }

  DeepSeekDeployment dsd(String name) {
    return cluster.client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(name).get();
  }

  /** One change at a time, each once the previous one has settled, until the faults end. */
  void drive(String name, Random random) {
    while (running.get()) {
      try {
        DeepSeekDeployment d = dsd(name);
        int r = d.getSpec().replicas;
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        switch (kind) {
          case ROLLOUT -> {
            changes.put(name, new Change(kind, r, r, System.nanoTime()));
            String image = OLD_IMAGE.equals(d.getSpec().engine.image) ? NEW_IMAGE : OLD_IMAGE;
            patch(name, "{\"spec\":{\"engine\":{\"image\":\"" + image + "\"}}}");
          }
          case SCALE -> {
            int to = r == 1 ? 2 : r == MAX_REPLICAS ? r - 1 : r + (random.nextBoolean() ? 1 : -1);
            changes.put(name, new Change(kind, r, to, System.nanoTime()));
            patch(name, "{\"spec\":{\"replicas\":" + to + "}}");
          }
          case RECREATE -> {
            changes.put(name, new Change(kind, r, r, System.nanoTime()));
            List<Pod> workers = groupPods(name).stream().filter(p -> Labels.POSITION_WORKER.equals(label(p, Labels.POSITION)))
                .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null
                    && !p.getStatus().getContainerStatuses().isEmpty()).toList();
            if (workers.isEmpty()) {
              changes.remove(name);
              continue;
            }
            LifecycleIT.crash(cluster, workers.get(random.nextInt(workers.size())));
            // Settled is only true again once the operator has noticed the crash and replaced the group.
          }
          default -> throw new IllegalStateException();
        }
        Thread.sleep(300);
        if (settle(name, SETTLE)) {
          done.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        } else {
          stuck.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
          violation("stuck", name + " " + kind + ": " + describe(name));
        }
        changes.remove(name);
        Thread.sleep(random.nextInt(1000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // The API server restarting: try the next change.
        System.out.printf("[chaos] %s: %s%n", name, e.getMessage());
        sleepQuietly(1000);
      }
    }
  }

  void patch(String name, String json) {
    cluster.client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(name)
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), json);
  }

  /** Waits until the deployment is settled: observed, Ready, not progressing, its groups ready at its revision. */
  boolean settle(String name, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    do {
      try {
        if (settled(name)) {
          return true;
        }
      } catch (RuntimeException apiServerAway) {
        // retried
      }
      sleepQuietly(250);
    } while (System.nanoTime() < deadline);
    return false;
  }

  boolean settled(String name) {
    DeepSeekDeployment d = dsd(name);
    if (d == null || d.getStatus() == null || d.getStatus().observedGeneration == null
        || !d.getStatus().observedGeneration.equals(d.getMetadata().getGeneration())
        || !Conditions.isTrue(d.getStatus().conditions, "Ready") || Conditions.isTrue(d.getStatus().conditions, "Progressing")) {
      return false;
    }
    int r = d.getSpec().replicas;
    List<Pod> live = groupPods(name).stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    return live.size() == 2 * r && LifecycleIT.readyGroups(live) == r
        && live.stream().allMatch(p -> Objects.equals(d.getStatus().updateRevision, label(p, Labels.REVISION)))
        && !hasCrashedRank(live);
  }

  /** A rank whose crash the operator has not answered yet (LifecycleIT.crash writes restartCount 1). */
  static boolean hasCrashedRank(List<Pod> pods) {
    return pods.stream().anyMatch(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null
        && p.getStatus().getContainerStatuses().stream().anyMatch(c -> c.getRestartCount() != null && c.getRestartCount() > 0));
  }

  List<Pod> groupPods(String name) {
    return pods.getStore().list().stream().filter(p -> name.equals(label(p, Labels.DEPLOYMENT))).toList();
  }

  static String label(HasMetadata o, String key) {
    Map<String, String> labels = o.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  /** Every 50 ms, from the watches' caches: one revision per serving group, the rollout's bound, no duplicates. */
  void monitor() {
    while (monitoring.get()) {
      Map<String, List<Pod>> byDeployment = pods.getStore().list().stream().filter(p -> label(p, Labels.DEPLOYMENT) != null)
          .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
          .collect(Collectors.groupingBy(p -> label(p, Labels.DEPLOYMENT)));
      List<StatefulSet> workerSetList = sets.getStore().list().stream()
          .filter(s -> Labels.POSITION_WORKER.equals(label(s, Labels.POSITION)) && s.getMetadata().getDeletionTimestamp() == null)
          .toList();
      Map<String, Long> workerSets = workerSetList.stream().collect(Collectors.groupingBy(s -> label(s, Labels.DEPLOYMENT),
          Collectors.counting()));
      // A worker belongs to the leader its StatefulSet was made for (the leader-uid label), not to whoever has its index now.
      Map<String, String> leaderOfSet = workerSetList.stream().collect(Collectors.toMap(s -> s.getMetadata().getUid(),
          s -> String.valueOf(label(s, Labels.LEADER_UID)), (a, b) -> a));
      for (Map.Entry<String, List<Pod>> e : byDeployment.entrySet()) {
        String name = e.getKey();
        List<Pod> live = e.getValue();
        Map<String, Pod> leaders = new HashMap<>();
        Map<String, List<Pod>> workers = new HashMap<>();
        for (Pod p : live) {
          if (Labels.POSITION_LEADER.equals(label(p, Labels.POSITION))) {
            leaders.put(label(p, Labels.POD_INDEX), p);
          } else {
            workers.computeIfAbsent(label(p, Labels.GROUP_INDEX), k -> new ArrayList<>()).add(p);
          }
        }
        for (Map.Entry<String, Pod> l : leaders.entrySet()) {
          Pod leader = l.getValue();
          int bound = 0;
          for (Pod w : workers.getOrDefault(l.getKey(), List.of())) {
            String set = w.getMetadata().getOwnerReferences().isEmpty() ? "" : w.getMetadata().getOwnerReferences().get(0).getUid();
            if (!leader.getMetadata().getUid().equals(leaderOfSet.get(set))) {
              continue; // a worker of the group's previous leader, on its way out
            }
            bound++;
            if (LifecycleIT.ready(leader) && LifecycleIT.ready(w) && !Objects.equals(label(leader, Labels.REVISION), label(w, Labels.REVISION))) {
              violation("two revisions in one group", name + " group " + l.getKey() + ": leader " + label(leader, Labels.REVISION)
                  + ", worker " + label(w, Labels.REVISION));
            }
          }
          if (bound > 1) {
            lasting("duplicate group", name + "/" + l.getKey(), name + " group " + l.getKey() + ": " + bound
                + " workers of one leader (1 wanted)");
          }
        }
        Change c = changes.get(name);
        if (c != null) {
          int most = Math.max(c.before(), c.after());
          if (leaders.size() > most || workerSets.getOrDefault(name, 0L) > most) {
            lasting("duplicate group", name, name + " (" + c.kind() + " " + c.before() + "->" + c.after() + "): " + leaders.size()
                + " leaders, " + workerSets.getOrDefault(name, 0L) + " worker StatefulSets");
          }
          if (c.kind() == Kind.ROLLOUT && LifecycleIT.readyGroups(live) < c.before() - MAX_UNAVAILABLE) {
            violation("rollout below its availability bound", name + ": " + LifecycleIT.readyGroups(live) + " of " + c.before()
                + " groups ready (maxUnavailable " + MAX_UNAVAILABLE + ")");
          }
        }
      }
      seenSince.keySet().retainAll(seenNow);
      seenNow.clear();
      checks.incrementAndGet();
      sleepQuietly(50);
    }
  }

  /** Once converged: exactly replicas groups, each worker StatefulSet of the group's current leader. */
  void checkExact(String name) {
    DeepSeekDeployment d = dsd(name);
    int r = d.getSpec().replicas;
    List<StatefulSet> all = cluster.client.apps().statefulSets().inNamespace(ns).withLabel(Labels.DEPLOYMENT, name).list().getItems();
    Set<String> want = new HashSet<>();
    want.add(name);
    for (int i = 0; i < r; i++) {
      want.add(name + "-" + i);
    }
    Set<String> have = all.stream().map(s -> s.getMetadata().getName()).collect(Collectors.toSet());
    if (!have.equals(want)) {
      violation("orphaned or missing group", name + ": StatefulSets " + new TreeMap<>(all.stream().collect(Collectors.toMap(
          s -> s.getMetadata().getName(), s -> String.valueOf(label(s, Labels.REVISION))))) + ", want " + want);
    }
    List<Pod> live = cluster.client.pods().inNamespace(ns).withLabel(Labels.DEPLOYMENT, name).list().getItems();
    for (StatefulSet s : all) {
      String group = label(s, Labels.GROUP_INDEX);
      if (group == null || !Labels.POSITION_WORKER.equals(label(s, Labels.POSITION))) {
        continue;
      }
      Pod leader = live.stream().filter(p -> (name + "-" + group).equals(p.getMetadata().getName())).findFirst().orElse(null);
      if (leader == null || !leader.getMetadata().getUid().equals(label(s, Labels.LEADER_UID))) {
        violation("orphaned group", name + ": worker StatefulSet " + s.getMetadata().getName() + " of leader " + label(s, Labels.LEADER_UID)
            + ", the group's leader is " + (leader == null ? "gone" : leader.getMetadata().getUid()));
      }
    }
    if (d.getStatus().groups.stream().anyMatch(g -> Boolean.TRUE.equals(g.failed))) {
      violation("group marked failed", name + ": " + describe(name));
    }
  }

  /** Nothing in the namespace whose owner is gone (the garbage collector would take it; the operator must not leave it). */
  void checkOwners() {
    Set<String> uids = new HashSet<>();
    List<HasMetadata> objects = new ArrayList<>();
    objects.addAll(cluster.client.resources(DeepSeekDeployment.class).inNamespace(ns).list().getItems());
    objects.addAll(cluster.client.apps().statefulSets().inNamespace(ns).list().getItems());
    objects.addAll(cluster.client.pods().inNamespace(ns).list().getItems());
    objects.addAll(cluster.client.services().inNamespace(ns).list().getItems());
    objects.addAll(cluster.client.configMaps().inNamespace(ns).list().getItems());
    objects.forEach(o -> uids.add(o.getMetadata().getUid()));
    for (HasMetadata o : objects) {
      for (OwnerReference ref : o.getMetadata().getOwnerReferences()) {
        if (!uids.contains(ref.getUid()) && o.getMetadata().getDeletionTimestamp() == null) {
          violation("orphan", o.getKind() + " " + o.getMetadata().getName() + " (uid " + o.getMetadata().getUid() + ", created "
              + o.getMetadata().getCreationTimestamp() + ", finalizers " + o.getMetadata().getFinalizers() + ") owned by the gone "
              + ref.getKind() + " " + ref.getName() + " (uid " + ref.getUid() + "); the controller manager on them: "
              + logLines("controller-manager.log", o.getMetadata().getUid(), ref.getUid(), "\\\"" + o.getMetadata().getName() + "\\\""));
        }
      }
    }
  }

  /** The last lines of one of the cluster's logs that mention any of the words (each cut to 400 characters). */
  List<String> logLines(String log, String... words) {
    try (var lines = java.nio.file.Files.lines(cluster.clusterDir().resolve("log").resolve(log))) {
      List<String> hits = lines.filter(l -> java.util.Arrays.stream(words).anyMatch(l::contains))
          .map(l -> l.length() > 400 ? l.substring(0, 400) + "..." : l).collect(Collectors.toList());
      return hits.subList(Math.max(0, hits.size() - 4), hits.size());
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return List.of("(" + e.getMessage() + ")");
    }
  }

  String describe(String name) {
    try {
      DeepSeekDeployment d = dsd(name);
      return "generation " + d.getMetadata().getGeneration() + ", status " + Serialization.asJson(d.getStatus()) + "; pods "
          + groupPods(name).stream().map(p -> p.getMetadata().getName() + "@" + label(p, Labels.REVISION) + (p.getSpec().getNodeName() == null ? "(unscheduled)"
              : LifecycleIT.ready(p) ? "" : "(not ready)") + (p.getMetadata().getDeletionTimestamp() != null ? "(terminating)" : "")
              + (hasCrashedRank(List.of(p)) ? "(restarted)" : "") + " uid " + p.getMetadata().getUid())
              .sorted().toList();
    } catch (RuntimeException e) {
      return "(" + e.getMessage() + ")";
    }
  }

  /** Count-based findings seen in the last check, by what they are about, and since when. */
  final Map<String, Long> seenSince = new ConcurrentHashMap<>();
  final Set<String> seenNow = ConcurrentHashMap.newKeySet();

  /**
   * A finding that counts only once it has lasted 1 s (then once per episode): right after the API server or etcd comes
   * back, the watches' caches may still hold an object that is gone until their relist; a real extra group stays.
   */
  void lasting(String kind, String about, String example) {
    String key = kind + "|" + about;
    seenNow.add(key);
    long first = seenSince.computeIfAbsent(key, k -> System.nanoTime());
    if (first != Long.MIN_VALUE && System.nanoTime() - first >= TimeUnit.SECONDS.toNanos(1)) {
      violation(kind, example);
      seenSince.put(key, Long.MIN_VALUE);
    }
  }

  void violation(String kind, String example) {
    violations.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    List<String> list = examples.computeIfAbsent(kind, k -> java.util.Collections.synchronizedList(new ArrayList<>()));
    if (list.size() < 3) {
      list.add(example);
    }
  }

  static <K> String counts(Map<K, AtomicLong> m) {
    return m.entrySet().stream().map(e -> e.getKey().toString().toLowerCase(java.util.Locale.ROOT) + " " + e.getValue().get())
        .sorted().collect(Collectors.joining(", "));
  }

  static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
