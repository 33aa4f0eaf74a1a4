package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The soak (hack/soak.sh; plain test runs skip it): N deployments (default 1000) on the scale benchmark's cluster, then
 * minutes of churn (a new image, a group more or fewer, a crashed rank: {@code dso.soak.changes} a minute, spread over
 * it), then quiet minutes without a change. Each minute: the changes made, the reconciles the operator finished, the
 * writes it made (the API server's audit log), its resident memory and its live heap after a full collection. Passes
 * when memory is flat (the live heap of the last third of the churn within 15% of the first third's), there is no hot
 * loop (reconciles per change stay within 3x of their median, and a quiet minute reconciles next to nothing), and
 * nothing is written without a change. Writes the table to docs/performance.md.
 */
@EnabledIfSystemProperty(named = "dso.benchmark", matches = "true")
class SoakIT {
  static final String OLD_IMAGE = "lmsysorg/sglang:v0.5.18";
  static final String NEW_IMAGE = "lmsysorg/sglang:v0.5.19";
  static final int QUIET_MINUTES = 2;

  final int minutes = Integer.getInteger("dso.soak.minutes", 10);
  final int n = Integer.getInteger("dso.soak.deployments", 1000);
  final int changesPerMinute = Integer.getInteger("dso.soak.changes", 20);
  final Random random = new Random(Long.getLong("dso.soak.seed", 1));

  record Minute(int minute, boolean quiet, int changes, long reconciles, long writes, long rss, long heap, int restarts) {
    double perChange() {
      return changes == 0 ? Double.NaN : reconciles / (double) changes;
    }
  }

  LocalCluster cluster;
  String ns;
  final Map<String, Integer> replicas = new HashMap<>();
  final Map<String, String> images = new HashMap<>();
  ScaleController.Ours ours;
  /** Exits of the operator (e.g. a lease it could not renew in time), each followed by a start, as its pod would be. */
  int restarts;

  @Test
  void aThousandDeploymentsUnderChurnKeepMemoryFlatAndWriteNothingWhenQuiet() throws Exception {
    Map<String, String> env = Map.of("DSO_CLUSTER_DIR", LocalCluster.cacheDir().resolve("cluster-scale").toString(),
        "DSO_PORT_OFFSET", "200", "DSO_AGENT", "off", "DSO_AUDIT_GROUP", ScaleUsers.AUDIT_GROUP,
        // 2 GPUs per group on 8-GPU nodes; at most an eighth of the deployments at 2 groups; room for recreations.
        "DSO_H100_NODES", Integer.toString(n * 5 / 16 + 4), "DSO_H200_NODES", "0", "DSO_A2_NODES", "0", "DSO_A3_NODES", "0");
    cluster = LocalCluster.startWithoutOperator(env);
    AuditLog audit = new AuditLog(cluster.clusterDir().resolve("log/audit.log"));
    ns = cluster.createNamespace("soak");
    ours = new ScaleController.Ours(cluster, cluster.operatorJavaOptions());
    ours.start();
    try {
      long t0 = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(32);
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = String.format("s-%04d", i);
        replicas.put(name, 1);
        images.put(name, OLD_IMAGE);
        calls.add(pool.submit(() -> ours.create(ns, name)));
      }
      for (Future<?> f : calls) {
        f.get();
      }
      pool.shutdown();
      // (a list of 1000 may time out while the API server is busiest: tried again)
      await().pollInterval(Duration.ofSeconds(5)).atMost(Duration.ofMinutes(20)).ignoreExceptions().until(() -> alive() && ready() >= n);
      System.out.printf("[bench] soak: %d deployments Ready in %.0f s; %d minutes of churn (%d changes a minute), then %d quiet%n", n,
          (System.nanoTime() - t0) / 1e9, minutes, changesPerMinute, QUIET_MINUTES);
      Thread.sleep(30_000); // the last statuses settle

      List<Minute> rows = new ArrayList<>();
      long reconciles = ours.reconciles();
      Thread.sleep(2000);
      long writes = ScaleBenchmarkIT.sum(audit.writesBy(ours.user));
      for (int m = 1; m <= minutes + QUIET_MINUTES; m++) {
        boolean quiet = m > minutes;
        long minuteEnd = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        int made = 0;
        if (!quiet) {
          for (int c = 0; c < changesPerMinute; c++) {
            try {
              change();
              made++;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException busy) {
              System.out.println("[bench] soak: a change was not made: " + busy.getMessage());
            }
            long next = System.nanoTime() + (minuteEnd - System.nanoTime()) / (changesPerMinute - c);
            Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
          }
        }
        Thread.sleep(Math.max(0, (minuteEnd - System.nanoTime()) / 1_000_000));
        int restartsBefore = restarts;
        alive();
        if (restarts > restartsBefore) {
          reconciles = 0; // a new process counts from 0
        }
        long r = ours.reconciles();
        long w = ScaleBenchmarkIT.sum(audit.writesBy(ours.user));
        Minute row = new Minute(m, quiet, made, r - reconciles, w - writes, ours.rssBytes(), ours.liveHeapBytes(), restarts);
        reconciles = r;
        writes = w;
        rows.add(row);
        System.out.printf(Locale.ROOT, "[bench] soak minute %d%s: %d changes, %d reconciles, %d writes, RSS %.0f MiB, live heap %.0f MiB,"
            + " %d operator restarts so far%n", m, quiet ? " (quiet)" : "", made, row.reconciles(), row.writes(), row.rss() / 1048576.0,
            row.heap() / 1048576.0, restarts);
      }
      String table = table(rows);
      table.lines().forEach(l -> System.out.println("[bench] " + l));
      writeDoc(table);
      verdicts(rows);
    } finally {
      ours.stop();
      cluster.down();
    }
  }

  /** Starts the operator again if it exited (a pod's restart); true once it runs. */
  boolean alive() {
    if (!ours.process.isAlive()) {
      restarts++;
      System.out.printf("[bench] soak: the operator exited (code %d); starting it again (restart %d)%n", ours.process.exitValue(),
          restarts);
      ours.process = null;
      ours.start();
    }
    return true;
  }

  long ready() {
    return cluster.client.resources(DeepSeekDeployment.class).inNamespace(ns).list().getItems().stream()
        .filter(d -> d.getStatus() != null && Conditions.isTrue(d.getStatus().conditions, "Ready")).count();
  }

  /** One change to a deployment picked at random: a new image, a group more or fewer, or a crashed rank. */
  void change() {
    String name = String.format("s-%04d", random.nextInt(n));
    long atTwo = replicas.values().stream().filter(r -> r == 2).count();
    switch (random.nextInt(3)) {
      case 0 -> {
        String image = OLD_IMAGE.equals(images.get(name)) ? NEW_IMAGE : OLD_IMAGE;
        images.put(name, image);
        patch(name, "{\"spec\":{\"engine\":{\"image\":\"" + image + "\"}}}");
      }
      case 1 -> {
        int to = replicas.get(name) == 2 || atTwo >= n / 8 ? 1 : 2;
        replicas.put(name, to);
        patch(name, "{\"spec\":{\"replicas\":" + to + "}}");
      }
      default -> {
        List<Pod> workers = cluster.client.pods().inNamespace(ns).withLabel(Labels.DEPLOYMENT, name)
            .withLabel(Labels.POSITION, Labels.POSITION_WORKER).list().getItems();
        if (!workers.isEmpty()) {
          LifecycleIT.crash(cluster, workers.get(random.nextInt(workers.size())));
        }
      }
    }
  }

  void patch(String name, String json) {
    cluster.client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), json);
  }

  static String table(List<Minute> rows) {
    StringBuilder out = new StringBuilder("\n| minute | changes | reconciles | reconciles per change | API writes | resident memory (MiB) |"
        + " live heap (MiB) | operator restarts so far |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Minute m : rows) {
      out.append(String.format(Locale.ROOT, "| %d%s | %d | %d | %s | %d | %.0f | %.0f | %d |%n", m.minute(), m.quiet() ? " (quiet)" : "",
          m.changes(), m.reconciles(), Double.isNaN(m.perChange()) ? "-" : String.format(Locale.ROOT, "%.1f", m.perChange()),
          m.writes(), m.rss() / 1048576.0, m.heap() / 1048576.0, m.restarts()));
    }
    return out.toString();
  }

  /** Memory flat, no hot loop, no writes without changes. */
  void verdicts(List<Minute> rows) {
    // A minute in which the operator was restarted re-synced every deployment: not a hot loop, and not comparable.
    List<Minute> steady = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).restarts() == (i == 0 ? 0 : rows.get(i - 1).restarts())) {
        steady.add(rows.get(i));
      }
    }
    List<Minute> churn = steady.stream().filter(m -> !m.quiet()).toList();
    List<Minute> quiet = steady.stream().filter(Minute::quiet).toList();
    int third = Math.max(1, churn.size() / 3);
    double first = churn.subList(0, third).stream().mapToLong(Minute::heap).average().orElseThrow();
    double last = churn.subList(churn.size() - third, churn.size()).stream().mapToLong(Minute::heap).average().orElseThrow();
    double[] ratios = churn.stream().mapToDouble(Minute::perChange).sorted().toArray();
    double median = ratios[ratios.length / 2];
    System.out.printf(Locale.ROOT, "[bench] soak: live heap %.0f MiB (first third) -> %.0f MiB (last third); reconciles per change:"
        + " median %.1f, max %.1f; quiet minutes: %s reconciles, %s writes%n", first / 1048576, last / 1048576, median,
        ratios[ratios.length - 1], quiet.stream().map(m -> Long.toString(m.reconciles())).toList(),
        quiet.stream().map(m -> Long.toString(m.writes())).toList());
    assertThat(last).as("live heap, last third of the churn vs first (MiB)").isLessThanOrEqualTo(first * 1.15);
    assertThat(ratios[ratios.length - 1]).as("reconciles per change in the busiest minute vs the median").isLessThanOrEqualTo(3 * median);
    // The last quiet minute: every change of the churn has settled by then.
    Minute settled = quiet.get(quiet.size() - 1);
    assertThat(settled.writes()).as("API writes in a minute without changes").isZero();
    assertThat(settled.reconciles()).as("reconciles in a minute without changes").isLessThanOrEqualTo(Math.max(5, n / 100));
  }

  /** Replaces the soak's part of docs/performance.md (between its markers). */
  void writeDoc(String table) throws IOException {
    ScaleBenchmarkIT.writeBetween(cluster.root.resolve("docs/performance.md"), "soak", "Measured " + LocalDate.now() + " on "
        + Runtime.getRuntime().availableProcessors() + " CPU(s) with `" + System.getProperty("dso.soak.command", "hack/soak.sh") + "`: "
        + n + " deployments, " + changesPerMinute + " changes a minute for " + minutes + " minutes, then " + QUIET_MINUTES
        + " quiet minutes.\n" + table);
  }
}
