package io.deepseek.operator.reconciler;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToIntFunction;

/**
 * What a platform team watches per deployment, on /q/metrics with bounded labels (namespace and deployment only):
 * deepseek_operator_groups{state="desired|ready|updated|failed"}, deepseek_operator_group_recreations_total and
 * deepseek_operator_reconcile_errors_total. The dashboard and the alert rules in deploy/monitoring/ use exactly these.
 * A deployment's series go with it. Sparse (deepseek.operator.metrics.per-deployment=sparse): the group gauges exist
 * only while the deployment needs attention (a group not ready, not updated or failed) and the counters from their
 * first increment, so that 1000 healthy deployments add no series; the alert rules read the same either way (an absent
 * gauge compares as nothing, so no alert).
 */
final class DeploymentMetrics {
  static final String GROUPS = "deepseek_operator_groups";
  static final String RECREATIONS = "deepseek_operator_group_recreations";
  static final String RECONCILE_ERRORS = "deepseek_operator_reconcile_errors";

  record Figures(int desired, int ready, int updated, int failed) {
    boolean healthy() {
      return ready == desired && updated == desired && failed == 0;
    }
  }

  private final MeterRegistry meters;
  private final boolean sparse;
  private final Map<String, Entry> entries = new HashMap<>();

  private static final class Entry {
    final Tags tags;
    final AtomicReference<Figures> figures = new AtomicReference<>(new Figures(0, 0, 0, 0));
    final List<Meter> gauges = new ArrayList<>();
    Counter recreations;
    Counter errors;

    Entry(Tags tags) {
      this.tags = tags;
    }
  }

  DeploymentMetrics(MeterRegistry meters, boolean sparse) {
    this.meters = meters;
    this.sparse = sparse;
  }

  /** The figures of the status just rendered. */
  synchronized void update(DeepSeekDeployment d, int desired, DeepSeekDeploymentStatus s) {
    int failed = (int) s.groups.stream().filter(g -> Boolean.TRUE.equals(g.failed)).count();
    Entry e = entry(d);
    Figures f = new Figures(desired, orZero(s.readyReplicas), orZero(s.updatedReplicas), failed);
    e.figures.set(f);
    if (!sparse || !f.healthy()) {
      gauges(e);
    } else {
      e.gauges.forEach(meters::remove);
      e.gauges.clear();
    }
  }

  /** Groups recreated after a failure (by the operator, or whose leader Kubernetes replaced). */
  synchronized void recreated(DeepSeekDeployment d, int groups) {
    if (groups > 0) {
      Entry e = entry(d);
      if (e.recreations == null) {
        e.recreations = recreations(e);
      }
      e.recreations.increment(groups);
    }
  }

  synchronized void reconcileFailed(DeepSeekDeployment d) {
    Entry e = entry(d);
    if (e.errors == null) {
      e.errors = errors(e);
    }
    e.errors.increment();
  }

  synchronized void remove(String key) {
    Entry e = entries.remove(key);
    if (e != null) {
      e.gauges.forEach(meters::remove);
      if (e.recreations != null) {
        meters.remove(e.recreations);
      }
      if (e.errors != null) {
        meters.remove(e.errors);
      }
    }
  }

  private Entry entry(DeepSeekDeployment d) {
    return entries.computeIfAbsent(d.getMetadata().getNamespace() + "/" + d.getMetadata().getName(), k -> {
      Entry e = new Entry(Tags.of("namespace", d.getMetadata().getNamespace(), "deployment", d.getMetadata().getName()));
      if (!sparse) {
        e.recreations = recreations(e);
        e.errors = errors(e);
      }
      return e;
    });
  }

  private Counter recreations(Entry e) {
    return Counter.builder(RECREATIONS).tags(e.tags).description("Groups recreated after a failure of one of their ranks")
        .register(meters);
  }

  private Counter errors(Entry e) {
    return Counter.builder(RECONCILE_ERRORS).tags(e.tags).description("Reconciles that failed (and were retried)").register(meters);
  }

  private void gauges(Entry e) {
    if (!e.gauges.isEmpty()) {
      return;
    }
    gauge(e, "desired", Figures::desired, "Groups wanted (spec.replicas, or the autoscaler's decision)");
    gauge(e, "ready", Figures::ready, "Groups whose every pod is ready");
    gauge(e, "updated", Figures::updated, "Groups that run the current spec's revision");
    gauge(e, "failed", Figures::failed, "Groups marked failed after failure.maxRestarts recreations");
  }

  private void gauge(Entry e, String state, ToIntFunction<Figures> value, String help) {
    e.gauges.add(Gauge.builder(GROUPS, e.figures, ref -> value.applyAsInt(ref.get())).tags(e.tags.and("state", state))
        .description(help).register(meters));
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }
}
