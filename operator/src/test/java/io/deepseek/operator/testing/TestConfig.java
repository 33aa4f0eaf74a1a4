package io.deepseek.operator.testing;

import io.deepseek.operator.config.OperatorConfig;
import io.deepseek.operator.validation.HostPathPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The operator's configuration with its defaults, for the reconciler run in-process against a real API server. */
public class TestConfig implements OperatorConfig {
  @Override
  public Duration notReadyRequeue() {
    return Duration.ofSeconds(2);
  }

  @Override
  public List<String> hostPathAllowedPrefixes() {
    return HostPathPolicy.DEFAULT_PREFIXES;
  }

  @Override
  public int maxGroupsPerDeployment() {
    return 16;
  }

  @Override
  public Duration autoscalingPollInterval() {
    return Duration.ofSeconds(1);
  }

  @Override
  public PerDeploymentMetrics perDeploymentMetrics() {
    return PerDeploymentMetrics.FULL;
  }

  @Override
  public Policy policy() {
    return new Policy() {
      @Override
      public boolean allowHostNetwork() {
        return true;
      }

      @Override
      public boolean allowRdma() {
        return true;
      }

      @Override
      public List<String> serviceTypes() {
        return List.of("ClusterIP");
      }

      @Override
      public List<String> serviceAccounts() {
        return List.of("default");
      }

      @Override
      public List<String> schedulerNames() {
        return List.of("default-scheduler");
      }

      @Override
      public List<String> acceleratorResources() {
        return List.of("nvidia.com/gpu", "huawei.com/Ascend910", "huawei.com/ascend-1980");
      }

      @Override
      public Optional<List<String>> serviceAnnotationPrefixes() {
        return Optional.empty();
      }
    };
  }
}
