package io.deepseek.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.EngineType;
import io.deepseek.operator.api.v1alpha1.ModelSpec.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {
  static ModelCatalog.Identified id(String name) {
    return ModelCatalog.get().identify(name);
  }

  static String known(String name) {
    return id(name).entry().map(ModelCatalog.Entry::name).orElse(null);
  }

  @Test
  void everyModelOfTheIssueIsKnownWithSourcedFigures() {
    assertThat(ModelCatalog.get().entries()).extracting(ModelCatalog.Entry::name).contains("DeepSeek-R1", "DeepSeek-V3",
        "DeepSeek-R1-0528", "DeepSeek-V3-0324", "DeepSeek-V3.1", "DeepSeek-V3.1-Terminus", "DeepSeek-V3.2",
        "DeepSeek-V3.2-Exp", "DeepSeek-R1-Distill-Qwen-1.5B", "DeepSeek-R1-Distill-Llama-70B");
    for (ModelCatalog.Entry e : ModelCatalog.get().entries()) {
      assertThat(e.model().source()).as(e.name()).startsWith("https://");
      assertThat(e.family().weights()).as(e.name()).containsKey(e.family().defaultPrecision());
      e.family().weights().forEach((p, w) -> assertThat(w.source()).as(e.name() + " " + p).isNotBlank());
      e.family().engines().forEach((t, s) -> {
        assertThat(s.source()).as(e.name() + " " + t).isNotBlank();
        assertThat(s.since() == null || s.sinceVersion() != null).as("since is a release").isTrue();
      });
    }
  }

  @Test
  void namesMatchOnTheirLastSegmentWithoutThePrecisionWord() {
    assertThat(known("deepseek-ai/DeepSeek-R1")).isEqualTo("DeepSeek-R1");
    assertThat(known("vllm-ascend/DeepSeek-R1-0528-W8A8")).isEqualTo("DeepSeek-R1-0528");
    assertThat(id("vllm-ascend/DeepSeek-R1-0528-W8A8").precisionInName()).isEqualTo(Precision.W8A8);
    assertThat(id("meituan/DeepSeek-R1-Block-INT8").precisionInName()).isEqualTo(Precision.W8A8);
    assertThat(id("unsloth/DeepSeek-V3-BF16").precisionInName()).isEqualTo(Precision.BF16);
    assertThat(known("deepseek-ai/DeepSeek-V3.1-Terminus")).isEqualTo("DeepSeek-V3.1-Terminus");
    assertThat(known("deepseek-ai/DeepSeek-V3.2-Speciale")).isEqualTo("DeepSeek-V3.2");
    assertThat(known("/models/deepseek-r1-distill-qwen-32b")).isEqualTo("DeepSeek-R1-Distill-Qwen-32B");
    assertThat(id("cognitivecomputations/DeepSeek-R1-AWQ").otherFormat()).isTrue();
    // Not DeepSeek-R1 itself: a name the catalog does not list is not judged, whatever it starts with.
    for (String other : List.of("deepseek-ai/DeepSeek-R1-Distill-Llama-3B", "Qwen/Qwen3-235B", "deepseek-ai/DeepSeek-Coder-V2", "")) {
      assertThat(known(other)).as(other).isNull();
    }
  }

  @Test
  void theSuccessorsNeedNewerEngines() {
    ModelCatalog.Entry v32 = id("deepseek-ai/DeepSeek-V3.2").entry().orElseThrow();
    assertThat(v32.family().engines().get(EngineType.VLLM).sinceVersion()).isEqualTo(new EngineVersion(0, 11, 0));
    assertThat(v32.family().mtp()).isTrue();
    assertThat(id("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B").entry().orElseThrow().family().mtp()).isFalse();
  }
}
