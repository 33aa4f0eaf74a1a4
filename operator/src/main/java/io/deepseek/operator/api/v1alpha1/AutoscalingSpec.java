package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The operator sizes the number of groups itself, from what the engines measure in every rank of every group. No CRD
 * defaults on the object's fields that would appear in existing specs: autoscaling is outside the revision anyway (it
 * never touches a pod), and the operator applies the defaults documented here.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
    message = "autoscaling.minReplicas must not be above autoscaling.maxReplicas", reason = "FieldValueInvalid",
    fieldPath = ".minReplicas")
@ValidationRule(value = "!has(self.source) || !has(self.source.prometheus) || self.targets.all(t, has(t.query))",
    message = "with autoscaling.source.prometheus every target needs its query (PromQL, one value per pod)",
    reason = "FieldValueRequired", fieldPath = ".targets")
public class AutoscalingSpec {
  @Min(1)
  @Max(512)
  @JsonPropertyDescription("The fewest groups (default 1). Scale to zero is not offered: a DeepSeek group takes minutes"
      + " to load, so the first request would wait that long.")
  public Integer minReplicas;

  @Required
  @Min(1)
  @Max(512)
  @JsonPropertyDescription("The most groups: the accelerators the deployment may take.")
  public Integer maxReplicas;

  @Required
  @Size(min = 1, max = 4)
  @JsonPropertyDescription("What each group should carry. Each target asks for a number of groups; the largest wins.")
  public List<Target> targets;

  @JsonPropertyDescription("How fast groups are added. Default: after 30s of asking for more, at most 1 group per step"
      + " (a group takes minutes to start; see docs/autoscaling.md).")
  public Behavior scaleUp;

  @JsonPropertyDescription("How fast groups are removed. Default: after 10m of asking for fewer, 1 group per step.")
  public Behavior scaleDown;

  @JsonPropertyDescription("Where the engines' metrics come from: the pods themselves (default), or a Prometheus server.")
  public MetricsSource source;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.metric != 'TimeToFirstToken' || has(self.percentile)",
      message = "a TimeToFirstToken target needs percentile (e.g. 90)", reason = "FieldValueRequired", fieldPath = ".percentile")
  public static class Target {
    @Required
    @JsonPropertyDescription("WaitingRequests: requests queued in a group, over all its ranks (SGLang sglang:num_queue_reqs,"
        + " vLLM vllm:num_requests_waiting). RunningRequests: requests being served in a group (sglang:num_running_reqs,"
        + " vllm:num_requests_running). KVCacheUsage: the mean KV-cache use of a group's ranks, 0-1 (sglang:token_usage,"
        + " vllm:kv_cache_usage_perc). TimeToFirstToken: a percentile of the time to first token over the last"
        + " scale-up window, in seconds (sglang:time_to_first_token_seconds, vllm:time_to_first_token_seconds).")
    public Metric metric;

    @Required
    @Pattern("^[0-9]{1,6}(\\.[0-9]{1,4})?$")
    @JsonPropertyDescription("The value per group to keep, e.g. 8 waiting requests, 0.8 KV-cache usage, 2.5 seconds.")
    public String value;

    @Min(50)
    @Max(99)
    @JsonPropertyDescription("TimeToFirstToken only: which percentile, e.g. 90.")
    public Integer percentile;

    @Size(max = 2048)
    @JsonPropertyDescription("With source.prometheus: the PromQL query that returns this metric per pod (a vector with"
        + " a `pod` label), e.g. sum by (pod) (sglang:num_queue_reqs{namespace=\"ai\"}). The operator adds the pods up by"
        + " group itself.")
    public String query;
  }

  public enum Metric {
    WaitingRequests, RunningRequests, KVCacheUsage, TimeToFirstToken
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Behavior {
    @Pattern("^([0-9]{1,4}h)?([0-9]{1,6}m)?([0-9]{1,8}s)?$")
    @JsonPropertyDescription("A change is made only when every recommendation over this window asked for it (scale up:"
        + " more groups than now; scale down: fewer), and then to the one closest to the current count.")
    public String stabilizationWindow;

    @Min(1)
    @Max(64)
    @JsonPropertyDescription("Groups added or removed in one step at most.")
    public Integer maxGroupsPerStep;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class MetricsSource {
    @JsonPropertyDescription("Read the metrics from a Prometheus server instead of the pods: each target then needs its"
        + " query.")
    public PrometheusSource prometheus;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PrometheusSource {
    @Required
    @Size(max = 512)
    @Pattern("^https?://[^\\s]+$")
    @JsonPropertyDescription("The Prometheus server's base URL, e.g. http://prometheus.monitoring.svc:9090.")
    public String url;
  }
}
