package io.deepseek.operator.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A clear error for a reconcile thread count that cannot work (DEEPSEEK_OPERATOR_RECONCILE_THREADS=0 or 1000). The count
 * goes straight to JOSDK, whose thread pool would otherwise stop the start with a bare IllegalArgumentException that
 * names nothing (0), or make a thousand threads. The chart's schema says the same (1 to 200); this covers the variable
 * set by hand. It runs before the extension's own start observer (default priority), which creates that pool.
 */
@ApplicationScoped
public class ReconcileThreadsCheck {
  static final String PROPERTY = "quarkus.operator-sdk.concurrent-reconciliation-threads";
  static final int MAX = 200;

  @ConfigProperty(name = PROPERTY)
  int threads;

  void onStart(@Observes @Priority(1) StartupEvent event) {
    check(threads);
  }

  static void check(int threads) {
    if (threads < 1 || threads > MAX) {
      throw new IllegalArgumentException(
          "DEEPSEEK_OPERATOR_RECONCILE_THREADS (" + PROPERTY + ") must be from 1 to " + MAX + ", not " + threads);
    }
  }
}
