package io.deepseek.operator.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Counts a deployment's ready groups every 20 ms while a change runs; the fewest seen is the availability it kept. */
final class ReadyGroupsWatch implements AutoCloseable {
  private final AtomicInteger fewest = new AtomicInteger(Integer.MAX_VALUE);
  private final AtomicBoolean watching = new AtomicBoolean(true);
  private final Thread thread;

  ReadyGroupsWatch(Supplier<List<Pod>> pods) {
    thread = new Thread(() -> {
      while (watching.get()) {
        fewest.accumulateAndGet((int) LifecycleIT.readyGroups(pods.get()), Math::min);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    thread.start();
  }

  int fewest() {
    return fewest.get();
  }

  @Override
  public void close() {
    watching.set(false);
  }
}
