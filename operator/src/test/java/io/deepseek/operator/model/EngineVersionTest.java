package io.deepseek.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EngineVersionTest {
  @Test
  void theReleaseComesFromTheTag() {
    assertThat(EngineVersion.ofImage("lmsysorg/sglang:v0.5.18")).isEqualTo(new EngineVersion(0, 5, 18));
    assertThat(EngineVersion.ofImage("lmsysorg/sglang:v0.5.23-cu129")).isEqualTo(new EngineVersion(0, 5, 23));
    assertThat(EngineVersion.ofImage("quay.io/ascend/vllm-ascend:v0.25.1rc1-a3")).isEqualTo(new EngineVersion(0, 25, 1));
    assertThat(EngineVersion.ofImage("registry.local:5000/vllm/vllm-openai:0.33.0")).isEqualTo(new EngineVersion(0, 33, 0));
    assertThat(EngineVersion.ofImage("lmsysorg/sglang:v0.5.8-rocm700-mi35x")).isEqualTo(new EngineVersion(0, 5, 8));
    assertThat(EngineVersion.ofImage("vllm/vllm-openai:v0.10.1.1")).isEqualTo(new EngineVersion(0, 10, 1));
    assertThat(EngineVersion.ofImage("vllm/vllm-openai:v0.6.6.post1")).isEqualTo(new EngineVersion(0, 6, 6));
  }

  @Test
  void tagsThatSayNothing() {
    for (String image : new String[] {"lmsysorg/sglang:latest", "lmsysorg/sglang", "registry.local:5000/sglang",
        "lmsysorg/sglang@sha256:0123456789abcdef", "lmsysorg/sglang:dsv32-a3", "vllm/vllm-openai:nightly"}) {
      assertThat(EngineVersion.ofImage(image)).as(image).isNull();
    }
    assertThat(EngineVersion.tag("lmsysorg/sglang:v0.5.23@sha256:00")).isEqualTo("v0.5.23");
  }

  @Test
  void releasesCompareNumerically() {
    assertThat(new EngineVersion(0, 5, 23).atLeast(new EngineVersion(0, 5, 9))).isTrue();
    assertThat(new EngineVersion(0, 11, 0).atLeast(new EngineVersion(0, 12, 0))).isFalse();
    assertThat(EngineVersion.parse("0.5")).isEqualTo(new EngineVersion(0, 5, 0));
  }
}
