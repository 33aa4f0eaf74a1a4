package io.deepseek.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.testing.Fixtures;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeploymentModelTest {
  @Test
  void durations() {
    assertThat(DeploymentModel.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DeploymentModel.parseDuration("45m")).isEqualTo(Duration.ofMinutes(45));
    assertThat(DeploymentModel.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DeploymentModel.parseDuration("0m")).isNull();
    assertThat(DeploymentModel.parseDuration("1 hour")).isNull();
  }

  @Test
  void tensorDefaultsToEveryDeviceOfTheGroup() {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getSpec().parallelism.tensor = null;
    assertThat(DeploymentModel.of(d).tensor()).isEqualTo(16);
    d.getSpec().parallelism.pipeline = 2;
    assertThat(DeploymentModel.of(d).tensor()).isEqualTo(8);
  }

  @Test
  void revisionIgnoresFieldsThatNeverTouchAPod() {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    String before = Revision.of(d);
    d.getSpec().replicas = 5;
    d.getSpec().service.port = 9000;
    d.getSpec().rollout = new io.deepseek.operator.api.v1alpha1.RolloutSpec();
    d.getSpec().rollout.partition = 1;
    d.getSpec().failure = new io.deepseek.operator.api.v1alpha1.FailureSpec();
    d.getSpec().failure.maxRestarts = 2;
    d.getSpec().model.precision = io.deepseek.operator.api.v1alpha1.ModelSpec.Precision.FP8;
    assertThat(Revision.of(d)).isEqualTo(before);
    d.getSpec().model.revision = "2026-11-22";
    assertThat(Revision.of(d)).as("new weights behind the same path").isNotEqualTo(before);
    d.getSpec().model.revision = null;
    d.getSpec().engine.image = "lmsysorg/sglang:v0.5.19";
    assertThat(Revision.of(d)).isNotEqualTo(before);
  }

  @Test
  void modelAndDraftMountUnderModels() {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getSpec().model.draftPath = "/data/models/DeepSeek-R1-NextN/";
    assertThat(DeploymentModel.of(d).modelMountPath()).isEqualTo("/models/DeepSeek-R1");
    assertThat(DeploymentModel.of(d).draftMountPath()).isEqualTo("/models/DeepSeek-R1-NextN");
  }
}
