package io.deepseek.operator.observe;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one pod's engine metrics say, as the autoscaler reads them: summed over every rank the pod exports (SGLang's data
 * parallel ranks, label dp_rank; vLLM's engines, label engine), with SGLang's and vLLM's metric names. A pod that exports
 * none (an SGLang worker without DP attention, a headless vLLM node) has zero ranks and adds nothing.
 *
 * @param pod the pod's name
 * @param waiting requests waiting (sglang:num_queue_reqs, vllm:num_requests_waiting), summed
 * @param running requests running (sglang:num_running_reqs, vllm:num_requests_running), summed
 * @param kvUsageSum KV-cache usage (sglang:token_usage, vllm:kv_cache_usage_perc), summed over the ranks
 * @param ranks series of the waiting metric: the ranks the pod exports
 * @param ttft time to first token: cumulative bucket counts by upper bound (+Inf as infinity), summed over the ranks
 * @param ttftBefore the same histogram as read about a scale-up window earlier (for the increase), or null
 */
public record EngineMetrics(String pod, double waiting, double running, double kvUsageSum, int ranks,
    Map<Double, Double> ttft, Map<Double, Double> ttftBefore) {

  static final String[] WAITING = {"sglang:num_queue_reqs", "vllm:num_requests_waiting"};
  static final String[] RUNNING = {"sglang:num_running_reqs", "vllm:num_requests_running"};
  static final String[] KV = {"sglang:token_usage", "vllm:kv_cache_usage_perc"};
  static final String[] TTFT = {"sglang:time_to_first_token_seconds_bucket", "vllm:time_to_first_token_seconds_bucket"};

  public EngineMetrics withBefore(Map<Double, Double> before) {
    return new EngineMetrics(pod, waiting, running, kvUsageSum, ranks, ttft, before);
  }

  /** Parses the Prometheus text exposition of an engine's /metrics. Lines it does not know are skipped. */
  public static EngineMetrics parse(String pod, String text) {
    double waiting = 0;
    double running = 0;
    double kv = 0;
    int ranks = 0;
    Map<Double, Double> ttft = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      int nameEnd = brace >= 0 && (space < 0 || brace < space) ? brace : space;
      if (nameEnd <= 0) {
        continue;
      }
      String name = line.substring(0, nameEnd);
      int labelsEnd = brace == nameEnd ? line.indexOf('}', brace) : -1;
      String labels = labelsEnd > 0 ? line.substring(brace + 1, labelsEnd) : "";
      String rest = (labelsEnd > 0 ? line.substring(labelsEnd + 1) : line.substring(nameEnd)).trim();
      int sp = rest.indexOf(' ');
      double value;
      try {
        value = Double.parseDouble(sp < 0 ? rest : rest.substring(0, sp));
      } catch (NumberFormatException e) {
        continue;
      }
      if (Double.isNaN(value)) {
        continue;
      }
      if (is(name, WAITING)) {
        waiting += value;
        ranks++;
      } else if (is(name, RUNNING)) {
        running += value;
      } else if (is(name, KV)) {
        kv += value;
      } else if (is(name, TTFT)) {
        String le = label(labels, "le");
        if (le != null) {
          double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : parseOr(le, Double.NaN);
          if (!Double.isNaN(bound)) {
            ttft.merge(bound, value, Double::sum);
          }
        }
      }
    }
    return new EngineMetrics(pod, waiting, running, kv, ranks, ttft, null);
  }

  private static boolean is(String name, String[] names) {
    for (String n : names) {
      if (n.equals(name)) {
        return true;
      }
    }
    return false;
  }

  static String label(String labels, String key) {
    String marker = key + "=\"";
    int at = labels.startsWith(marker) ? 0 : labels.indexOf("," + marker);
    if (at < 0) {
      return null;
    }
    int start = labels.indexOf('"', at) + 1;
    int end = labels.indexOf('"', start);
    return end < 0 ? null : labels.substring(start, end);
  }

  private static double parseOr(String s, double def) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return def;
    }
  }

  /**
   * The q-quantile (0-1) of the observations between two cumulative histograms (summed over pods), interpolated
   * linearly inside the bucket, as Prometheus' histogram_quantile does; null without observations.
   */
  public static Double quantile(double q, Map<Double, Double> now, Map<Double, Double> before) {
    TreeMap<Double, Double> inc = new TreeMap<>();
    now.forEach((le, c) -> inc.put(le, c - (before == null ? 0 : before.getOrDefault(le, 0.0))));
    Double total = inc.get(Double.POSITIVE_INFINITY);
    if (total == null || total <= 0) {
      return null;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> b : inc.entrySet()) {
      if (b.getValue() >= rank) {
        if (b.getKey().isInfinite()) {
          return lowerBound;
        }
        double inBucket = b.getValue() - lowerCount;
        return inBucket <= 0 ? b.getKey() : lowerBound + (b.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = b.getKey();
      lowerCount = b.getValue();
    }
    return lowerBound;
  }
}
