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

/**
 * What a platform team watches per deployment, on /q/metrics with bounded labels (namespace and deployment only):
 * deepseek_operator_groups{state="desired|ready|updated|failed"}, deepseek_operator_group_recreations_total and
 * deepseek_operator_reconcile_errors_total. The dashboard and the alert rules in deploy/monitoring/ use exactly these.
 * A deployment's series go with it.
 */
final class DeploymentMetrics {
  static final String GROUPS = "deepseek_operator_groups";
  static final String RECREATIONS = "deepseek_operator_group_recreations";
  static final String RECONCILE_ERRORS = "deepseek_operator_reconcile_errors";

  record Figures(int desired, int ready, int updated, int failed) {}

  private final MeterRegistry meters;
  private final Map<String, Entry> entries = new HashMap<>();

  private static final class Entry {
    final AtomicReference<Figures> figures = new AtomicReference<>(new Figures(0, 0, 0, 0));
    final List<Meter> meters = new ArrayList<>();
    Counter recreations;
    Counter errors;
  }

  DeploymentMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  /** The figures of the status just rendered. */
  synchronized void update(DeepSeekDeployment d, int desired, DeepSeekDeploymentStatus s) {
    int failed = (int) s.groups.stream().filter(g -> Boolean.TRUE.equals(g.failed)).count();
    entry(d).figures.set(new Figures(desired, orZero(s.readyReplicas), orZero(s.updatedReplicas), failed));
  }

  /** Groups recreated after a failure (by the operator, or whose leader Kubernetes replaced). */
  synchronized void recreated(DeepSeekDeployment d, int groups) {
    if (groups > 0) {
      entry(d).recreations.increment(groups);
    }
  }

  synchronized void reconcileFailed(DeepSeekDeployment d) {
    entry(d).errors.increment();
  }

  synchronized void remove(String key) {
    Entry e = entries.remove(key);
    if (e != null) {
      e.meters.forEach(meters::remove);
    }
  }

  private Entry entry(DeepSeekDeployment d) {
    return entries.computeIfAbsent(d.getMetadata().getNamespace() + "/" + d.getMetadata().getName(), k -> {
      Entry e = new Entry();
      Tags tags = Tags.of("namespace", d.getMetadata().getNamespace(), "deployment", d.getMetadata().getName());
      gauge(e, tags, "desired", Figures::desired, "Groups wanted (spec.replicas, or the autoscaler's decision)");
      gauge(e, tags, "ready", Figures::ready, "Groups whose every pod is ready");
      gauge(e, tags, "updated", Figures::updated, "Groups that run the current spec's revision");
      gauge(e, tags, "failed", Figures::failed, "Groups marked failed after failure.maxRestarts recreations");
      e.recreations = Counter.builder(RECREATIONS).tags(tags)
          .description("Groups recreated after a failure of one of their ranks").register(meters);
      e.errors = Counter.builder(RECONCILE_ERRORS).tags(tags)
          .description("Reconciles that failed (and were retried)").register(meters);
      e.meters.add(e.recreations);
      e.meters.add(e.errors);
      return e;
    });
  }

  private void gauge(Entry e, Tags tags, String state, java.util.function.ToIntFunction<Figures> value, String help) {
    e.meters.add(Gauge.builder(GROUPS, e.figures, ref -> value.applyAsInt(ref.get())).tags(tags.and("state", state))
        .description(help).register(meters));
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }
}
