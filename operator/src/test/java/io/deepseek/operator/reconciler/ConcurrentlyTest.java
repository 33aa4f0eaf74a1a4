package io.deepseek.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConcurrentlyTest {
  @Test
  void callsRunAtOnceAndAnswerInTheItemsOrder() {
    // Four calls that each wait for all four to have started: they finish only if they run at once.
    CountDownLatch started = new CountDownLatch(4);
    List<Integer> out = Concurrently.map(List.of(1, 2, 3, 4), i -> {
      started.countDown();
      try {
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return i * 10;
    });
    assertThat(out).containsExactly(10, 20, 30, 40);
  }

  @Test
  void everyCallRunsToItsEndThenTheFirstFailureIsThrown() {
    Set<Integer> done = ConcurrentHashMap.newKeySet();
    assertThatThrownBy(() -> Concurrently.map(List.of(1, 2, 3), i -> {
      if (i == 2) {
        throw new IllegalArgumentException("call " + i);
      }
      done.add(i);
      return i;
    })).isInstanceOf(IllegalArgumentException.class).hasMessage("call 2");
    assertThat(done).containsExactlyInAnyOrder(1, 3);
  }

  @Test
  void aBurstsThreadsEndWhenIdle() {
    ThreadPoolExecutor pool = Concurrently.pool(8, Duration.ofMillis(100));
    try {
      CountDownLatch release = new CountDownLatch(1);
      IntStream.range(0, 8).forEach(i -> pool.execute(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      assertThat(pool.getPoolSize()).isEqualTo(8);
      release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPoolSize() == 0);
      // And it starts threads again for the next burst.
      CountDownLatch ran = new CountDownLatch(1);
      pool.execute(ran::countDown);
      await().atMost(Duration.ofSeconds(10)).until(() -> ran.getCount() == 0);
    } finally {
      pool.shutdownNow();
    }
  }
}
