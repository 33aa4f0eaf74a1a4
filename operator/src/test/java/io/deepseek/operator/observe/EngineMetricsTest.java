package io.deepseek.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The engines' /metrics as SGLang and vLLM (and their stand-ins) print them. */
class EngineMetricsTest {
  @Test
  void sglangDataParallelRanksAddUp() {
    String text = """
        # HELP sglang:num_queue_reqs The number of requests in the waiting queue.
        # TYPE sglang:num_queue_reqs gauge
        sglang:num_queue_reqs{dp_rank="2",engine_type="unified",model_name="deepseek-r1",tp_rank="0"} 3
        sglang:num_queue_reqs{dp_rank="3",engine_type="unified",model_name="deepseek-r1",tp_rank="0"} 5
        sglang:num_running_reqs{dp_rank="2",model_name="deepseek-r1"} 8
        sglang:num_running_reqs{dp_rank="3",model_name="deepseek-r1"} 8
        sglang:token_usage{dp_rank="2",model_name="deepseek-r1"} 0.5
        sglang:token_usage{dp_rank="3",model_name="deepseek-r1"} 0.7
        sglang:time_to_first_token_seconds_bucket{dp_rank="2",model_name="deepseek-r1",le="0.5"} 10
        sglang:time_to_first_token_seconds_bucket{dp_rank="2",model_name="deepseek-r1",le="+Inf"} 12
        sglang:time_to_first_token_seconds_bucket{dp_rank="3",model_name="deepseek-r1",le="0.5"} 4
        sglang:time_to_first_token_seconds_bucket{dp_rank="3",model_name="deepseek-r1",le="+Inf"} 8
        sglang:gen_throughput{dp_rank="2",model_name="deepseek-r1"} 120.5
        """;
    EngineMetrics m = EngineMetrics.parse("deepseek-r1-0-1", text);
    assertThat(m.waiting()).isEqualTo(8);
    assertThat(m.running()).isEqualTo(16);
    assertThat(m.ranks()).isEqualTo(2);
    assertThat(m.kvUsageSum()).isCloseTo(1.2, within(1e-9));
    assertThat(m.ttft()).containsEntry(0.5, 14.0).containsEntry(Double.POSITIVE_INFINITY, 20.0);
  }

  @Test
  void vllmEnginesAddUpAndAWorkerWithoutMetricsAddsNothing() {
    String text = """
        vllm:num_requests_waiting{engine="0",model_name="r1"} 2
        vllm:num_requests_waiting{engine="1",model_name="r1"} 1
        vllm:num_requests_running{engine="0",model_name="r1"} 4
        vllm:num_requests_running{engine="1",model_name="r1"} 4
        vllm:kv_cache_usage_perc{engine="0",model_name="r1"} 0.25
        vllm:kv_cache_usage_perc{engine="1",model_name="r1"} 0.75
        vllm:num_requests_waiting_by_reason{engine="0",reason="capacity"} 7
        """;
    EngineMetrics m = EngineMetrics.parse("r1-0", text);
    assertThat(m.waiting()).isEqualTo(3);
    assertThat(m.running()).isEqualTo(8);
    assertThat(m.ranks()).isEqualTo(2);
    assertThat(m.kvUsageSum()).isEqualTo(1.0);
    EngineMetrics worker = EngineMetrics.parse("r1-0-1", "# nothing but help\n");
    assertThat(worker.ranks()).isZero();
    assertThat(worker.waiting()).isZero();
  }

  @Test
  void quantileOfTheIncreaseInterpolatesInsideTheBucket() {
    Map<Double, Double> before = new TreeMap<>(Map.of(0.5, 10.0, 1.0, 10.0, Double.POSITIVE_INFINITY, 10.0));
    Map<Double, Double> now = new TreeMap<>(Map.of(0.5, 10.0, 1.0, 20.0, Double.POSITIVE_INFINITY, 20.0));
    // The 10 new observations all fell in (0.5, 1]: the median is in the middle of it.
    assertThat(EngineMetrics.quantile(0.5, now, before)).isCloseTo(0.75, within(1e-9));
    assertThat(EngineMetrics.quantile(0.9, now, now)).as("no new observations").isNull();
  }
}
