package io.deepseek.operator.model;

import io.deepseek.operator.api.v1alpha1.AutoscalingSpec.Metric;
import java.time.Duration;
import java.util.List;

/**
 * spec.autoscaling with its defaults resolved: groups between {@code min} and {@code max}; each target a metric's value
 * per group; the scale-up and scale-down stabilization windows and the most groups per step.
 */
public record AutoscalingPolicy(int min, int max, List<Target> targets, Duration upWindow, int upStep, Duration downWindow,
    int downStep) {

  /** One metric to hold at {@code value} per group (TimeToFirstToken: at {@code percentile}, in seconds). */
  public record Target(Metric metric, double value, Integer percentile) {}
}
