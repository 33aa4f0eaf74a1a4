package io.deepseek.operator.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What clients see during a rolling upgrade and a group recreation (hack/measure-serving.sh runs it; plain test runs
 * skip it): 3 groups under a steady load of chat completions through the client Service, each change repeated for the
 * rounds asked; per kind of change the requests sent and failed, the latency of the requests served, and the time from
 * the change until every group serves again ("full capacity").
 */
@EnabledIfSystemProperty(named = "dso.benchmark", matches = "true")
class ServingBenchmarkIT extends UnderLoad {
  static final int GROUPS = 3;

  @Override
  String prefix() {
    return "sbench";
  }

  @Test
  void measureServingThroughRolloutsAndRecreations() throws IOException {
    int rounds = Integer.getInteger("dso.benchmark.rounds", 3);
    apply("  rollout: {maxSurge: 1, maxUnavailable: 0}\n", "", GROUPS);
    await().atMost(WAIT).until(() -> settled(GROUPS));
    Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
    int image = 20;
    for (int r = 0; r < rounds; r++) {
      outcomes.computeIfAbsent("rolling upgrade, maxSurge 1 / maxUnavailable 0", k -> new ArrayList<>())
          .add(rollUnderLoad(GROUPS, "lmsysorg/sglang:v0.5." + image++));
    }
    // Not a pod change: no group restarts for it.
    cluster.kubectlOrFail("patch", "dsd", NAME, "-n", ns, "--type=merge", "-p",
        "{\"spec\":{\"rollout\":{\"maxSurge\":0,\"maxUnavailable\":1}}}");
    for (int r = 0; r < rounds; r++) {
      outcomes.computeIfAbsent("rolling upgrade, maxUnavailable 1", k -> new ArrayList<>())
          .add(rollUnderLoad(GROUPS, "lmsysorg/sglang:v0.5." + image++));
    }
    for (int r = 0; r < rounds; r++) {
      // Each round a new revision first: a group's recreations are counted per revision, so none waits for a back-off.
      cluster.kubectlOrFail("patch", "dsd", NAME, "-n", ns, "--type=merge", "-p",
          "{\"spec\":{\"model\":{\"revision\":\"bench-" + r + "\"}}}");
      await().atMost(WAIT).until(() -> settled(GROUPS) && dsd().getStatus().updateRevision.equals(dsd().getStatus().currentRevision));
      outcomes.computeIfAbsent("group recreation (a worker killed)", k -> new ArrayList<>()).add(killWorkerUnderLoad(r % GROUPS, GROUPS));
    }
    System.out.printf("[bench] serving through changes: %d groups of 2 pods, %.0f requests/s of 32 tokens, %d round(s) each%n",
        GROUPS, RATE, rounds);
    System.out.printf("[bench] %-50s %8s %8s %9s %9s %28s%n", "change", "sent", "failed", "p50 ms", "p99 ms",
        "to full capacity s (min/med/max)");
    outcomes.forEach((kind, list) -> {
      int sent = list.stream().mapToInt(o -> o.load().sent()).sum();
      int failed = list.stream().mapToInt(o -> o.load().failed()).sum();
      double p50 = median(list.stream().map(o -> o.load().p50Ms()).toList());
      double p99 = list.stream().mapToDouble(o -> o.load().p99Ms()).max().orElse(0);
      List<Double> full = list.stream().map(Outcome::seconds).sorted().toList();
      System.out.printf("[bench] %-50s %8d %8d %9.0f %9.0f %28s%n", kind, sent, failed, p50, p99,
          String.format("%.1f / %.1f / %.1f", full.get(0), median(full), full.get(full.size() - 1)));
    });
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
  }
}
