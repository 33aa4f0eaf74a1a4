package io.deepseek.operator.reconciler;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.AutoscalingStatus;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.GroupMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The autoscaler's signal on /q/metrics, with bounded labels (namespace, deployment, and group for per-group series;
 * never per request or per pod), so that dashboards and external scalers can use the same group-true figures:
 * deepseek_operator_autoscaling_{desired,current,serving,starting,recommended}_groups and
 * deepseek_operator_group_{waiting_requests,running_requests,kv_cache_usage}.
 */
final class AutoscalingGauges {
  private final MeterRegistry meters;
  /** Per deployment (namespace/name): its latest status and the gauges registered for it. */
  private final Map<String, Entry> entries = new HashMap<>();

  private static final class Entry {
    final AtomicReference<AutoscalingStatus> status = new AtomicReference<>();
    final Map<String, Gauge> gauges = new HashMap<>();
  }

  AutoscalingGauges(MeterRegistry meters) {
    this.meters = meters;
  }

  synchronized void update(DeepSeekDeployment d, AutoscalingStatus a) {
    String key = d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
    if (a == null) {
      remove(key);
      return;
    }
    Entry e = entries.computeIfAbsent(key, k -> new Entry());
    e.status.set(a);
    Tags tags = Tags.of("namespace", d.getMetadata().getNamespace(), "deployment", d.getMetadata().getName());
    deployment(e, tags, "desired", s -> s.desiredReplicas);
    deployment(e, tags, "current", s -> s.currentReplicas);
    deployment(e, tags, "serving", s -> s.servingReplicas);
    deployment(e, tags, "starting", s -> s.startingReplicas);
    deployment(e, tags, "recommended", s -> s.recommendedReplicas);
    java.util.Set<String> groups = new java.util.HashSet<>();
    for (GroupMetrics g : a.groups) {
      String index = String.valueOf(g.index);
      groups.add(index);
      group(e, tags, index, "waiting_requests", m -> m.waitingRequests);
      group(e, tags, index, "running_requests", m -> m.runningRequests);
      group(e, tags, index, "kv_cache_usage", m -> m.kvCacheUsage);
    }
    // Groups no longer measured: their series go, so cardinality follows the groups that exist.
    e.gauges.entrySet().removeIf(g -> {
      String[] parts = g.getKey().split("\\|");
      if (parts.length == 2 && !groups.contains(parts[0])) {
        meters.remove(g.getValue());
        return true;
      }
      return false;
    });
  }

  synchronized void remove(String key) {
    Entry e = entries.remove(key);
    if (e != null) {
      e.gauges.values().forEach(meters::remove);
    }
  }

  private void deployment(Entry e, Tags tags, String what, java.util.function.Function<AutoscalingStatus, Integer> value) {
    e.gauges.computeIfAbsent(what, k -> Gauge.builder("deepseek_operator_autoscaling_" + what + "_groups", e.status, ref -> {
      AutoscalingStatus s = ref.get();
      Integer v = s == null ? null : value.apply(s);
      return v == null ? Double.NaN : v;
    }).tags(tags).description("Groups " + what + " by the autoscaler (status.autoscaling)").register(meters));
  }

  private void group(Entry e, Tags tags, String index, String what, java.util.function.Function<GroupMetrics, String> value) {
    e.gauges.computeIfAbsent(index + "|" + what, k -> Gauge.builder("deepseek_operator_group_" + what, e.status, ref -> {
      AutoscalingStatus s = ref.get();
      if (s == null) {
        return Double.NaN;
      }
      return s.groups.stream().filter(g -> index.equals(String.valueOf(g.index))).findFirst()
          .map(g -> parse(value.apply(g))).orElse(Double.NaN);
    }).tags(tags.and("group", index)).description("A serving group's " + what.replace('_', ' ') + ", over all its ranks")
        .register(meters));
  }

  private static double parse(String v) {
    try {
      return v == null ? Double.NaN : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
