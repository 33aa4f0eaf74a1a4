package io.deepseek.operator.reconciler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Independent API calls of one reconcile, made at once: the reconcile waits for the slowest call, not for the sum of
 * them. A new deployment's first reconcile reads four names and writes four objects; one after the other they took most
 * of the time to its first StatefulSet when the API server was busy. The calls share a bounded pool, so that many
 * reconciles at once do not open hundreds of requests.
 */
final class Concurrently {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService CALLS = pool(32, Duration.ofSeconds(10));

  /**
   * Up to {@code size} threads, each ended after {@code idle} without a call: a burst's threads do not stay (each keeps
   * the stack it touched resident, about 125 KiB; docs/performance.md).
   */
  static ThreadPoolExecutor pool(int size, Duration idle) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, idle.toMillis(), TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "deepseek-api-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private Concurrently() {}

  /**
   * {@code call} of each item, in the items' order. Every call runs to its end; then the first failure, if any, is
   * thrown (what succeeded stays written; the next reconcile plans from there, as after any failed write).
   */
  static <T, R> List<R> map(List<T> items, Function<T, R> call) {
    if (items.size() <= 1) {
      return items.stream().map(call).toList();
    }
    List<CompletableFuture<R>> calls = new ArrayList<>();
    for (T item : items) {
      calls.add(CompletableFuture.supplyAsync(() -> call.apply(item), CALLS));
    }
    RuntimeException failure = null;
    List<R> out = new ArrayList<>();
    for (CompletableFuture<R> c : calls) {
      try {
        out.add(c.join());
      } catch (CompletionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException r ? r : e;
        }
        out.add(null);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return out;
  }
}
