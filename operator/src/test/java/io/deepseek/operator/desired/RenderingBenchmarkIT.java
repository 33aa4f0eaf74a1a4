package io.deepseek.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.testing.Fixtures;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What rendering a deployment's objects costs (hack/measure-rendering.sh runs it; plain test runs skip it): every
 * reconcile renders them to compare their hash with what the cluster has, so at 1000 deployments a restart renders
 * them 1000 times at once. Per example: the bytes allocated and the time per rendering, on this thread, after a warm-up.
 * It runs in the test JVM (the optimising compiler on, which removes some allocations the operator's client compiler
 * keeps): the figures compare renderings with each other, before and after a change.
 */
@EnabledIfSystemProperty(named = "dso.benchmark", matches = "true")
class RenderingBenchmarkIT {
  static final int WARM_UP = 3000;
  static final int ROUNDS = Integer.getInteger("dso.benchmark.rounds", 3000);

  @Test
  void allocationAndTimePerRendering() throws Exception {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    List<String> examples = GoldenObjectsTest.examples().toList();
    System.out.println("[bench] | example | objects | KiB allocated per rendering | us per rendering |");
    System.out.println("[bench] |---|---:|---:|---:|");
    // Every example warmed up before any is measured: the compilers have seen every path.
    for (String example : examples) {
      DeepSeekDeployment d = Fixtures.example(example);
      for (int i = 0; i < WARM_UP; i++) {
        DesiredState.objects(d, GoldenObjectsTest.LEADER);
      }
    }
    for (String example : examples) {
      DeepSeekDeployment d = Fixtures.example(example);
      int objects = DesiredState.objects(d, GoldenObjectsTest.LEADER).size();
      long bytes = threads.getThreadAllocatedBytes(self);
      long start = System.nanoTime();
      for (int i = 0; i < ROUNDS; i++) {
        DesiredState.objects(d, GoldenObjectsTest.LEADER);
      }
      long nanos = System.nanoTime() - start;
      bytes = threads.getThreadAllocatedBytes(self) - bytes;
      assertThat(bytes).as("allocation is measured on this JVM").isPositive();
      System.out.printf("[bench] | %s | %d | %.1f | %.1f |%n", example, objects, bytes / 1024.0 / ROUNDS, nanos / 1000.0 / ROUNDS);
    }
  }
}
