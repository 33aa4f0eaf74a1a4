package io.deepseek.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.AcceleratorProduct;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.ModelSpec;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** The sizing facts of shared/SCENARIOS.md. */
class SizingTest {
  static DeepSeekDeployment r1(AcceleratorProduct product, int nodes) {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getSpec().accelerator.product = product;
    d.getSpec().parallelism.nodes = nodes;
    d.getSpec().parallelism.tensor = null;
    d.getSpec().engine.memoryFraction = null;
    return d;
  }

  @Test
  void r1Fp8DoesNotFitOneNodeOfH100AndSaysHowManyNodesWould() {
    assertThat(Sizing.check(DeploymentModel.of(r1(AcceleratorProduct.H100_80GB, 1)))).singleElement().asString()
        .isEqualTo("spec.accelerator: DeepSeek-R1 FP8 needs about 759 GB (690 GB of weights plus 10% for the KV cache);"
            + " 1 node x 8 x 80 GB = 640 GB, of which the engine uses 90%; use parallelism.nodes >= 2");
  }

  @Test
  void r1Fp8FitsOneNodeOfH200AndTwoOfH100() {
    assertThat(Sizing.check(DeploymentModel.of(r1(AcceleratorProduct.H200_141GB, 1)))).isEmpty();
    assertThat(Sizing.check(DeploymentModel.of(r1(AcceleratorProduct.H100_80GB, 2)))).isEmpty();
  }

  @Test
  void a100HasNoFp8AndItsBf16WeightsNeedFourNodes() {
    assertThat(Sizing.check(DeploymentModel.of(r1(AcceleratorProduct.A100_80GB, 2)))).singleElement().asString()
        .contains("need FP8 hardware, which A100-80GB does not have", "precision FP8 from the published format of DeepSeek-R1",
            "use BF16 weights (about 1340 GB)", "spec.model.precision");
    DeepSeekDeployment bf16 = r1(AcceleratorProduct.A100_80GB, 2);
    bf16.getSpec().model.name = "unsloth/DeepSeek-R1-BF16";
    assertThat(Sizing.check(DeploymentModel.of(bf16))).singleElement().asString()
        .contains("DeepSeek-R1 BF16 needs about 1474 GB", "use parallelism.nodes >= 4");
    assertThat(Sizing.check(DeploymentModel.of(r1withName(AcceleratorProduct.A100_80GB, 4, "unsloth/DeepSeek-R1-BF16")))).isEmpty();
  }

  @Test
  void w8a8FitsOneA3OrTwoA2() {
    DeepSeekDeployment a3 = Fixtures.example("deepseek-r1-w8a8-vllm-ascend-1x16-a3.yaml");
    assertThat(Sizing.check(DeploymentModel.of(a3))).isEmpty();
    DeepSeekDeployment oneA2 = Fixtures.example("deepseek-r1-w8a8-vllm-ascend-2x8-a2.yaml");
    oneA2.getSpec().parallelism.nodes = 1;
    assertThat(Sizing.check(DeploymentModel.of(oneA2))).singleElement().asString()
        .contains("DeepSeek-R1 W8A8 needs about 712 GB", "1 node x 8 x 64 GB = 512 GB", "use parallelism.nodes >= 2");
  }

  @Test
  void distillsAndUnknownModels() {
    assertThat(Sizing.check(DeploymentModel.of(Fixtures.example("deepseek-r1-distill-qwen-32b-sglang-1x8-h100.yaml")))).isEmpty();
    DeepSeekDeployment tiny = Fixtures.example("deepseek-r1-distill-qwen-32b-sglang-1x8-h100.yaml");
    tiny.getSpec().accelerator.perNode = 1;
    tiny.getSpec().parallelism.tensor = 1;
    tiny.getSpec().engine.memoryFraction = 0.5;
    assertThat(Sizing.check(DeploymentModel.of(tiny))).singleElement().asString().contains("DeepSeek-R1-Distill-Qwen-32B BF16 needs about 72 GB");
    DeepSeekDeployment other = r1(AcceleratorProduct.H100_80GB, 1);
    other.getSpec().model.name = "Qwen/Qwen3-235B";
    assertThat(Sizing.check(DeploymentModel.of(other))).as("unknown models are not judged").isEmpty();
  }

  /** The A100 route of the source documents: V3 converted to BF16, 4 nodes of 8 x A100-80GB, tensor parallel 32. */
  @Test
  void bf16DeepSeekV3OnFourNodesOfA100FitsOnceThePrecisionIsSaid() {
    DeepSeekDeployment d = r1withName(AcceleratorProduct.A100_80GB, 4, "deepseek-ai/DeepSeek-V3");
    assertThat(Sizing.check(DeploymentModel.of(d))).singleElement().asString()
        .startsWith("spec.model: DeepSeek-V3 FP8 weights need FP8 hardware").contains("spec.model.precision");
    d.getSpec().model.precision = ModelSpec.Precision.BF16;
    assertThat(SpecValidator.validate(d)).isEmpty();
    DeploymentModel m = DeploymentModel.of(d);
    assertThat(m.tensor()).isEqualTo(32);
    assertThat(m.precision()).isEqualTo(new DeploymentModel.Precision(ModelSpec.Precision.BF16, "spec.model.precision"));
    assertThat(String.join(" ", io.deepseek.operator.desired.PodTemplates.leader(m, "r").getSpec().getContainers().get(0).getArgs()))
        .contains("--tp-size 32", "--nnodes 4");
    d.getSpec().parallelism.nodes = 2;
    assertThat(Sizing.check(DeploymentModel.of(d))).singleElement().asString()
        .contains("DeepSeek-V3 BF16 needs about 1474 GB", "use parallelism.nodes >= 4");
  }

  @Test
  void newerModelsAndTheirQuantizedVariantsAreKnown() {
    assertThat(Sizing.check(DeploymentModel.of(r1withName(AcceleratorProduct.H100_80GB, 1, "deepseek-ai/DeepSeek-V3.1-Terminus"))))
        .singleElement().asString().contains("DeepSeek-V3.1-Terminus FP8 needs about 759 GB", "use parallelism.nodes >= 2");
    assertThat(Sizing.check(DeploymentModel.of(r1withName(AcceleratorProduct.H200_141GB, 1, "deepseek-ai/DeepSeek-V3.2")))).isEmpty();
    DeepSeekDeployment w4a8 = Fixtures.example("deepseek-r1-w8a8-vllm-ascend-2x8-a2.yaml");
    w4a8.getSpec().parallelism.nodes = 1;
    w4a8.getSpec().model.name = "vllm-ascend/DeepSeek-R1-0528-W4A8";
    assertThat(Sizing.check(DeploymentModel.of(w4a8))).as("376 GB of W4A8 fit 8 x 64 GB").isEmpty();
    DeepSeekDeployment awq = r1withName(AcceleratorProduct.H100_80GB, 1, "cognitivecomputations/DeepSeek-R1-AWQ");
    assertThat(Sizing.check(DeploymentModel.of(awq))).as("a format without figures is not judged").isEmpty();
    assertThat(DeploymentModel.of(awq).precision()).isNull();
  }

  static DeepSeekDeployment r1withName(AcceleratorProduct product, int nodes, String name) {
    DeepSeekDeployment d = r1(product, nodes);
    d.getSpec().model.name = name;
    return d;
  }
}
