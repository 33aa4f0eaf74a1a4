package io.deepseek.operator.e2e;

import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekPolicy;
import io.deepseek.operator.api.v1alpha1.DeepSeekPolicySpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.Watch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Many deployments at once, side by side with LeaderWorkerSet (hack/measure-scale.sh runs it; plain test runs skip it).
 * A cluster of its own (DSO_AGENT=off: kwok makes pods Running and Ready, nothing runs), enough simulated 8-GPU nodes for
 * the largest size, and for each size and each controller, from a fresh start: N instances of "one group of 2 pods, 1 GPU
 * each" created concurrently (32 clients); per instance the time from its creation (the create call's return) to its
 * leader StatefulSet, to its worker StatefulSet and to Ready, as the watches deliver them; the writes each controller
 * made (the API server's audit log, leases apart), also while idle afterwards; its resident memory and live heap at 0
 * and at N; and a restart (SIGTERM, start again): how long until it has reconciled every instance once, and what it
 * writes then. Prints a table with ours/LWS ratios and writes it to docs/performance.md.
 */
@EnabledIfSystemProperty(named = "dso.benchmark", matches = "true")
class ScaleBenchmarkIT {
  static final int CLIENTS = 32;

  record Stats(double p50, double p99, double max) {
    static Stats of(Collection<Double> values) {
      if (values.isEmpty()) {
        return new Stats(Double.NaN, Double.NaN, Double.NaN);
      }
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return new Stats(v[(int) Math.floor(0.5 * (v.length - 1))], v[(int) Math.ceil(0.99 * (v.length - 1))], v[v.length - 1]);
    }
  }

  record Result(String controller, int n, Stats toLeader, Stats toWorkers, Stats toReady, double allChildrenS, double allReadyS,
      double writesPerInstance, Map<String, Long> writes, double readsPerInstance, Map<String, Long> reads, long idleWrites,
      long rss0, long heap0, long rssN, long heapN, long seriesN, double resyncS, long restartWrites, long rssRestart,
      double cpuToReadyS, double cpuResyncS, double createS, Map<String, Double> machineToChildren,
      Map<String, Double> machineToReady, Map<String, Double> controlPlaneResync, Stats stsWriteMs) {}

  /** The control plane's processes (what the cluster scripts started), as CpuSampler names them. */
  static final String[] CONTROL_PLANE = {"apiserver", "etcd", "controller-manager", "scheduler", "kwok"};

  record Restart(double seconds, Map<String, Double> controlPlaneCpu) {}

  final int idleSeconds = Integer.getInteger("dso.scale.idle", 60);
  LocalCluster cluster;
  AuditLog audit;

  @Test
  void manyDeploymentsSideBySideWithLeaderWorkerSet() throws Exception {
    List<Integer> sizes = Arrays.stream(System.getProperty("dso.scale.sizes", "100,1000").split(",")).map(String::trim)
        .map(Integer::parseInt).toList();
    int largest = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    Map<String, String> env = new HashMap<>(Map.of("DSO_CLUSTER_DIR", LocalCluster.cacheDir().resolve("cluster-scale").toString(),
        "DSO_PORT_OFFSET", "200", "DSO_AGENT", "off", "DSO_AUDIT_GROUP", ScaleUsers.AUDIT_GROUP,
        // 2 GPUs per instance on 8-GPU nodes, and a little room.
        "DSO_H100_NODES", Integer.toString(largest / 4 + 2), "DSO_H200_NODES", "0", "DSO_A2_NODES", "0", "DSO_A3_NODES", "0"));
    cluster = LocalCluster.startWithoutOperator(env);
    audit = new AuditLog(cluster.clusterDir().resolve("log/audit.log"));
    Integer ceiling = Integer.getInteger("dso.scale.ceiling");
    if (ceiling != null) {
      // -Ddso.scale.ceiling=1000000: a policy with a maxAcceleratorsPerNamespace ceiling for every namespace (one that
      // refuses nothing), to measure what counting the namespace's accelerators costs each reconcile.
      DeepSeekPolicy policy = new DeepSeekPolicy();
      policy.getMetadata().setName("scale-ceiling");
      policy.setSpec(new DeepSeekPolicySpec());
      policy.getSpec().maxAcceleratorsPerNamespace = ceiling;
      cluster.client.resource(policy).create();
    }

    ScaleController.Ours ours = new ScaleController.Ours(cluster, cluster.operatorJavaOptions());
    List<Result> results = new ArrayList<>();
    for (int n : sizes) {
      results.add(measure(ours, n, results.isEmpty()));
    }
    String lwsDir = System.getProperty("dso.scale.lws");
    if (lwsDir != null && !lwsDir.isBlank()) {
      ScaleController.Lws lws = new ScaleController.Lws(cluster, Path.of(lwsDir));
      lws.podsLike(sampleLeader, sampleWorker);
      try {
        for (int n : sizes) {
          results.add(measure(lws, n, false));
        }
      } finally {
        lws.uninstall();
      }
    }
    String table = table(sizes, results);
    table.lines().forEach(l -> System.out.println("[bench] " + l));
    writeDoc(table);
  }

  StatefulSet sampleLeader;
  StatefulSet sampleWorker;

  Result measure(ScaleController c, int n, boolean keepSample) throws Exception {
    String ns = cluster.createNamespace("scale-" + (c instanceof ScaleController.Ours ? "ours" : "lws") + "-" + n);
    System.out.printf("[bench] %s, %d instances (namespace %s)%n", c.name(), n, ns);
    c.start();
    Thread.sleep(5000);
    long rss0 = c.rssBytes();
    long heap0 = c.liveHeapBytes();
    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Long> leaderSeen = new ConcurrentHashMap<>();
    Map<String, Long> workerSeen = new ConcurrentHashMap<>();
    Map<String, Long> readySeen = new ConcurrentHashMap<>();
    try (Watch sets = ScaleController.watch(cluster.client.apps().statefulSets().inNamespace(ns), r -> {
      long now = System.nanoTime();
      ScaleController.StsOf of = c.classify(r);
      if (of != null) {
        if (of.leader()) {
          leaderSeen.putIfAbsent(of.instance(), now);
        } else {
          workerSeen.merge(of.instance() + "/" + r.getMetadata().getName(), now, Math::min);
        }
        if (keepSample) {
          if (of.leader() && sampleLeader == null) {
            sampleLeader = r;
          } else if (!of.leader() && sampleWorker == null) {
            sampleWorker = r;
          }
        }
      }
    }); Watch instances = c.watchInstances(ns, (name, ready) -> {
      if (ready) {
        readySeen.putIfAbsent(name, System.nanoTime());
      }
    })) {
      Map<String, Long> w0 = audit.writesBy(c.user);
      Map<String, Long> r0 = audit.readsBy(c.user);
      int stsWrites0 = audit.writeMillis(c.user, "statefulsets").size();
      Map<String, ProcessHandle> machine = new LinkedHashMap<>(CpuSampler.controlPlane(cluster.clusterDir()));
      machine.put("controller", c.process.toHandle());
      machine.put("benchmark", ProcessHandle.current());
      CpuSampler sampler = new CpuSampler(machine);
      double cpu0 = c.cpuSeconds();
      long t0 = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = String.format("m-%04d", i);
        calls.add(pool.submit(() -> {
          c.create(ns, name);
          created.put(name, System.nanoTime());
        }));
      }
      for (Future<?> f : calls) {
        f.get();
      }
      pool.shutdown();
      double createS = (System.nanoTime() - t0) / 1e9;
      await().pollInterval(Duration.ofSeconds(1)).atMost(Duration.ofMinutes(20)).until(() -> {
        if (!c.process.isAlive()) {
          throw new IllegalStateException(c.name() + " exited while its instances were being made; see its log in operator/target");
        }
        return readySeen.size() >= n;
      });
      double cpuToReady = c.cpuSeconds() - cpu0;
      sampler.sample();
      sampler.close();
      Map<String, Long> lastWorker = workersSeenLast(workerSeen);
      long tChildren = Math.max(max(leaderSeen.values()), max(lastWorker.values()));
      Map<String, Double> toChildren = sampler.between(t0, tChildren);
      Map<String, Double> toReady = sampler.between(t0, max(readySeen.values()));
      System.out.printf("[bench]   created in %.1f s, all Ready after %.1f s%n", createS, (max(readySeen.values()) - t0) / 1e9);
      System.out.printf("[bench]   CPU (s), first create -> every StatefulSet (%.1f s): %s%n", (tChildren - t0) / 1e9,
          CpuSampler.describe(toChildren));
      System.out.printf("[bench]   CPU (s), first create -> every instance Ready: %s%n", CpuSampler.describe(toReady));
      Thread.sleep(3000); // the audit log is written in batches of up to 1 s
      Map<String, Long> w1 = audit.writesBy(c.user);
      Map<String, Long> reads = AuditLog.minus(audit.readsBy(c.user), r0);
      List<Double> stsWrites = audit.writeMillis(c.user, "statefulsets");
      Stats stsWriteMs = Stats.of(stsWrites.subList(stsWrites0, stsWrites.size()));
      Thread.sleep(idleSeconds * 1000L);
      Map<String, Long> w2 = audit.writesBy(c.user);
      long rssN = c.rssBytes();
      long heapN = c.liveHeapBytes();
      long seriesN = c.series();

      Restart restart = restart(c, n);
      double resyncS = restart.seconds();
      double cpuResync = c.cpuSeconds();
      System.out.printf("[bench]   restart: re-sync %.1f s; its CPU %.1f s; the control plane's (s): %s%n", resyncS, cpuResync,
          CpuSampler.describe(restart.controlPlaneCpu()));
      Thread.sleep(idleSeconds * 1000L);
      Map<String, Long> w3 = audit.writesBy(c.user);
      long rssRestart = c.rssBytes();
      restartVariants(c, n);

      Map<String, Long> writes = AuditLog.minus(w1, w0);
      Result r = new Result(c.name(), n, latencies(created, leaderSeen), latencies(created, lastWorker), latencies(created, readySeen),
          (tChildren - t0) / 1e9, (max(readySeen.values()) - t0) / 1e9,
          sum(writes) / (double) n, writes, sum(reads) / (double) n, reads, sum(AuditLog.minus(w2, w1)), rss0, heap0,
          rssN, heapN, seriesN, resyncS, sum(AuditLog.minus(w3, w2)), rssRestart,
          cpuToReady, cpuResync, createS, toChildren, toReady, restart.controlPlaneCpu(), stsWriteMs);
      System.out.printf("[bench]   %s%n", r);
      return r;
    } finally {
      cluster.deleteNamespace(ns);
      c.stop();
    }
  }

  /** Per instance, when its last worker StatefulSet was seen (from "instance/StatefulSet" keys). */
  static Map<String, Long> workersSeenLast(Map<String, Long> workerSeen) {
    Map<String, Long> last = new HashMap<>();
    workerSeen.forEach((k, v) -> last.merge(k.substring(0, k.indexOf('/')), v, Math::max));
    return last;
  }

  static long max(Collection<Long> v) {
    return v.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  static long sum(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Milliseconds from each instance's creation to a moment seen for it. */
  static Stats latencies(Map<String, Long> created, Map<String, Long> seen) {
    List<Double> ms = new ArrayList<>();
    created.forEach((name, t) -> {
      Long s = seen.get(name);
      if (s != null) {
        ms.add((s - t) / 1e6);
      }
    });
    return Stats.of(ms);
  }

  static String table(List<Integer> sizes, List<Result> results) {
    StringBuilder out = new StringBuilder();
    for (int n : sizes) {
      Result ours = find(results, "deepseek-operator", n);
      Result lws = find(results, "LeaderWorkerSet", n);
      out.append("\n").append(n).append(" instances created at once (").append(CLIENTS).append(" clients)\n\n");
      out.append("| figure | deepseek-operator | LeaderWorkerSet | ours/LWS |\n|---|---:|---:|---:|\n");
      Map<String, double[]> rows = new LinkedHashMap<>();
      for (Result r : new Result[] {ours, lws}) {
        if (r == null) {
          continue;
        }
        int col = r == ours ? 0 : 1;
        put(rows, col, "creation -> leader StatefulSet p50 (ms)", r.toLeader().p50());
        put(rows, col, "creation -> leader StatefulSet p99 (ms)", r.toLeader().p99());
        put(rows, col, "creation -> leader StatefulSet max (ms)", r.toLeader().max());
        put(rows, col, "creation -> worker StatefulSet p50 (ms)", r.toWorkers().p50());
        put(rows, col, "creation -> worker StatefulSet p99 (ms)", r.toWorkers().p99());
        put(rows, col, "creation -> worker StatefulSet max (ms)", r.toWorkers().max());
        put(rows, col, "creation -> Ready p50 (ms)", r.toReady().p50());
        put(rows, col, "creation -> Ready p99 (ms)", r.toReady().p99());
        put(rows, col, "creation -> Ready max (ms)", r.toReady().max());
        put(rows, col, "first create -> every StatefulSet (s)", r.allChildrenS());
        put(rows, col, "first create -> every instance Ready (s)", r.allReadyS());
        put(rows, col, "its CPU time, first create -> every instance Ready (s)", r.cpuToReadyS());
        put(rows, col, "the N creates returned after (s)", r.createS());
        put(rows, col, "the API server's own time per StatefulSet write p50 (ms)", r.stsWriteMs().p50());
        put(rows, col, "the API server's own time per StatefulSet write p99 (ms)", r.stsWriteMs().p99());
        put(rows, col, "control plane's CPU, first create -> every StatefulSet (s)",
            CpuSampler.total(r.machineToChildren(), CONTROL_PLANE));
        put(rows, col, "of it the API server's and etcd's (s)", CpuSampler.total(r.machineToChildren(), "apiserver", "etcd"));
        put(rows, col, "all processes' CPU, first create -> every StatefulSet (s)", CpuSampler.total(r.machineToChildren()));
        put(rows, col, "control plane's CPU, first create -> every instance Ready (s)",
            CpuSampler.total(r.machineToReady(), CONTROL_PLANE));
        put(rows, col, "API writes per instance", r.writesPerInstance());
        put(rows, col, "API reads per instance (get, list)", r.readsPerInstance());
        put(rows, col, "API writes in the idle period after", r.idleWrites());
        put(rows, col, "resident memory at 0 (MiB)", r.rss0() / 1048576.0);
        put(rows, col, "resident memory at N (MiB)", r.rssN() / 1048576.0);
        put(rows, col, "live heap at 0 (MiB)", r.heap0() / 1048576.0);
        put(rows, col, "live heap at N (MiB)", r.heapN() / 1048576.0);
        put(rows, col, "metrics series served at N", r.seriesN());
        put(rows, col, "restart: start -> every instance reconciled (s)", r.resyncS());
        put(rows, col, "restart: its CPU time, start -> every instance reconciled (s)", r.cpuResyncS());
        put(rows, col, "restart: the control plane's CPU, start -> every instance reconciled (s)",
            CpuSampler.total(r.controlPlaneResync(), CONTROL_PLANE));
        put(rows, col, "restart: API writes in the idle period after", r.restartWrites());
        put(rows, col, "restart: resident memory after (MiB)", r.rssRestart() / 1048576.0);
      }
      rows.forEach((figure, v) -> out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", figure, fmt(v[0]), fmt(v[1]),
          Double.isNaN(v[0]) || Double.isNaN(v[1]) || v[1] == 0 ? "-" : String.format(Locale.ROOT, "%.2f", v[0] / v[1]))));
      for (Result r : new Result[] {ours, lws}) {
        if (r != null) {
          out.append("\n").append(r.controller()).append("'s writes by resource: ").append(r.writes()).append("; reads: ")
              .append(r.reads()).append("\n");
        }
      }
    }
    return out.toString();
  }

  /**
   * Stops the controller, starts it again and returns the seconds until it has reconciled every instance once, and the
   * CPU the control plane's processes spent meanwhile (serving the lists and watches a re-sync starts with).
   */
  private static Restart restart(ScaleController c, int n) {
    c.stop();
    Map<String, ProcessHandle> controlPlane = CpuSampler.controlPlane(c.cluster.clusterDir());
    try (CpuSampler sampler = new CpuSampler(controlPlane)) {
      long t = System.nanoTime();
      c.start();
      await().pollInterval(Duration.ofMillis(200)).atMost(Duration.ofMinutes(10)).until(() -> c.reconciles() >= n);
      long done = System.nanoTime();
      sampler.sample();
      return new Restart((done - t) / 1e9, sampler.between(t, done));
    }
  }

  /**
   * -Ddso.scale.restart-variants="-Xms128m;-XX:MinHeapFreeRatio=40 -XX:MaxHeapFreeRatio=60": after the restart above,
   * restarts again with each set of JVM options added to the users' ones, and prints its re-sync time, CPU and resident
   * memory, to compare options under the same cluster and the same N (printed only, not in the table).
   */
  private static void restartVariants(ScaleController c, int n) throws Exception {
    String variants = System.getProperty("dso.scale.restart-variants", "");
    if (variants.isBlank() || !(c instanceof ScaleController.Ours ours)) {
      return;
    }
    for (String variant : (";" + variants).split(";")) {
      ours.extraOptions = variant.isBlank() ? List.of() : List.of(variant.strip().split("\\s+"));
      for (int round = 0; round < 2; round++) {
        double s = restart(c, n).seconds();
        double cpu = c.cpuSeconds();
        String threads = ours.cpuByThread(6);
        Thread.sleep(15_000);
        System.out.printf("[bench]   restart with [%s]: every instance reconciled after %.1f s, CPU %.1f s (by thread: %s), resident after %.1f MiB%n",
            variant.strip(), s, cpu, threads, c.rssBytes() / 1048576.0);
      }
    }
  }

  private static void put(Map<String, double[]> rows, int col, String figure, double value) {
    rows.computeIfAbsent(figure, k -> new double[] {Double.NaN, Double.NaN})[col] = value;
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  static Result find(List<Result> results, String controller, int n) {
    return results.stream().filter(r -> r.controller().equals(controller) && r.n() == n).findFirst().orElse(null);
  }

  /** Replaces the generated part of docs/performance.md (between its markers) with this run's table. */
  void writeDoc(String table) throws IOException {
    writeBetween(cluster.root.resolve("docs/performance.md"), "scale-benchmark", "Measured " + LocalDate.now() + " on "
        + Runtime.getRuntime().availableProcessors() + " CPU(s) with `" + System.getProperty("dso.scale.command", "hack/measure-scale.sh")
        + "` (idle periods of " + idleSeconds + " s).\n" + table);
  }

  /**
   * Replaces what lies between {@code <!-- name:begin -->} and {@code <!-- name:end -->} in a generated document (the
   * markers are appended if missing).
   */
  static void writeBetween(Path doc, String name, String generated) throws IOException {
    String begin = "<!-- " + name + ":begin -->";
    String end = "<!-- " + name + ":end -->";
    String text = Files.exists(doc) ? Files.readString(doc) : "# Performance\n";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      text = text + "\n" + begin + "\n" + end + "\n";
      b = text.indexOf(begin);
      e = text.indexOf(end);
    }
    Files.writeString(doc, text.substring(0, b) + begin + "\n" + generated + "\n" + end + text.substring(e + end.length()));
    System.out.println("[bench] written to " + doc);
  }
}
