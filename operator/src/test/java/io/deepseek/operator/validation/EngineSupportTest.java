package io.deepseek.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.EngineSpec;
import io.deepseek.operator.api.v1alpha1.SpeculativeSpec;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.testing.Fixtures;
import org.junit.jupiter.api.Test;

class EngineSupportTest {
  static DeepSeekDeployment vllm(String image) {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-vllm-ray-2x8-h100.yaml");
    d.getSpec().engine.image = image;
    return d;
  }

  @Test
  void theExamplesAreSupported() {
    for (String example : new String[] {"deepseek-r1-sglang-2x8-h100.yaml", "deepseek-r1-vllm-ray-2x8-h100.yaml",
        "deepseek-r1-w8a8-vllm-ascend-2x8-a2.yaml", "deepseek-r1-distill-qwen-32b-sglang-1x8-h100.yaml"}) {
      assertThat(EngineSupport.check(DeploymentModel.of(Fixtures.example(example)))).as(example).isEmpty();
    }
  }

  @Test
  void aModelNeedsTheFirstReleaseThatServesIt() {
    DeepSeekDeployment d = vllm("vllm/vllm-openai:v0.10.2");
    d.getSpec().model.name = "deepseek-ai/DeepSeek-V3.2-Exp";
    assertThat(EngineSupport.check(DeploymentModel.of(d))).singleElement().asString()
        .isEqualTo("spec.engine.image: vLLM 0.10.2 cannot serve DeepSeek-V3.2-Exp (DeepseekV32ForCausalLM); vLLM 0.11.0 or"
            + " later can (vLLM blog 2025-09-29 'DeepSeek-V3.2-Exp in vLLM' (day-0 support after v0.10.2, in v0.11.0))");
    d.getSpec().engine.image = "vllm/vllm-openai:v0.11.0";
    assertThat(EngineSupport.check(DeploymentModel.of(d))).isEmpty();
  }

  @Test
  void aTagThatSaysNothingIsJudgedBySpecEngineVersionWhichMustAgreeWithATagThatDoes() {
    DeepSeekDeployment d = vllm("vllm/vllm-openai:latest");
    d.getSpec().model.name = "deepseek-ai/DeepSeek-V3.2";
    assertThat(EngineSupport.check(DeploymentModel.of(d))).as("nothing says which release").isEmpty();
    d.getSpec().engine.version = "0.10.0";
    assertThat(EngineSupport.check(DeploymentModel.of(d))).singleElement().asString().startsWith("spec.engine.image: vLLM 0.10.0 cannot");
    assertThat(DeploymentModel.of(d).engineVersionFrom()).isEqualTo("spec.engine.version");
    d.getSpec().engine.image = "vllm/vllm-openai:v0.33.0";
    assertThat(EngineSupport.check(DeploymentModel.of(d))).singleElement().asString()
        .isEqualTo("spec.engine.version: 0.10.0 disagrees with the image tag v0.33.0 (0.33.0); remove spec.engine.version or make"
            + " the two agree");
    d.getSpec().engine.version = "v0.33.0";
    assertThat(EngineSupport.check(DeploymentModel.of(d))).isEmpty();
  }

  @Test
  void vllmBeforeItsOwnMultiNodeLaunchNeedsRay() {
    DeepSeekDeployment d = vllm("vllm/vllm-openai:v0.11.0");
    d.getSpec().engine.multiNode = EngineSpec.MultiNode.Native;
    assertThat(EngineSupport.check(DeploymentModel.of(d))).singleElement().asString()
        .startsWith("spec.engine.multiNode: vLLM 0.11.0 runs one engine over several nodes only with Ray").contains("0.12.0");
    d.getSpec().engine.multiNode = EngineSpec.MultiNode.Ray;
    assertThat(EngineSupport.check(DeploymentModel.of(d))).isEmpty();
    d.getSpec().engine.multiNode = null;
    d.getSpec().engine.image = "vllm/vllm-openai:v0.12.0";
    assertThat(EngineSupport.check(DeploymentModel.of(d))).isEmpty();
  }

  @Test
  void mtpNeedsAModelWithAnMtpModule() {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-distill-qwen-32b-sglang-1x8-h100.yaml");
    d.getSpec().engine.speculative = new SpeculativeSpec();
    d.getSpec().engine.speculative.method = SpeculativeSpec.SpeculativeMethod.MTP;
    assertThat(EngineSupport.check(DeploymentModel.of(d))).singleElement().asString()
        .startsWith("spec.engine.speculative: DeepSeek-R1-Distill-Qwen-32B has no multi-token-prediction module");
    d.getSpec().engine.speculative.method = SpeculativeSpec.SpeculativeMethod.EAGLE;
    assertThat(EngineSupport.check(DeploymentModel.of(d))).isEmpty();
  }

  @Test
  void sglangDataParallelAttentionArrivedIn04() {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getSpec().engine.image = "lmsysorg/sglang:v0.3.6";
    d.getSpec().model.name = "Qwen/Qwen2.5-72B";
    d.getSpec().engine.dataParallelAttention = true;
    assertThat(EngineSupport.check(DeploymentModel.of(d))).singleElement().asString()
        .isEqualTo("spec.engine.dataParallelAttention: SGLang 0.3.6 has no data-parallel attention; it arrived in SGLang 0.4.0");
  }
}
