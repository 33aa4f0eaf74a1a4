package io.deepseek.operator.observe;

import java.time.Instant;
import java.util.Map;

/**
 * The engines' metrics of one deployment's pods as last read (for spec.autoscaling): when, from where (pods or a
 * Prometheus server), each pod's reading by name, and what could not be read.
 *
 * @param at when the reading finished
 * @param source "pods" or the Prometheus URL
 * @param pods each pod's metrics, by pod name (pods that could not be read are missing)
 * @param problem why some or all of it could not be read, or null
 */
public record MetricsReading(Instant at, String source, Map<String, EngineMetrics> pods, String problem) {}
