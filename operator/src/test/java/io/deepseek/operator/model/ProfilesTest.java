package io.deepseek.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekProfile;
import io.deepseek.operator.api.v1alpha1.DeepSeekProfileSpec;
import io.deepseek.operator.api.v1alpha1.EngineSpec;
import io.deepseek.operator.api.v1alpha1.ParallelismSpec;
import io.deepseek.operator.testing.Fixtures;
import org.junit.jupiter.api.Test;

class ProfilesTest {
  @Test
  void everyFieldTheProfileSetsIsTheProfilesTheRestTheDeployments() {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getSpec().profile = "p";
    DeepSeekProfile p = new DeepSeekProfile();
    p.getMetadata().setName("p");
    p.setSpec(new DeepSeekProfileSpec());
    p.getSpec().description = "not a spec field";
    p.getSpec().engine = new EngineSpec();
    p.getSpec().engine.image = "registry.example.com/sglang:v0.5.18";
    p.getSpec().parallelism = new ParallelismSpec();
    p.getSpec().parallelism.nodes = 4;

    DeepSeekDeployment r = Profiles.resolve(d, p);
    assertThat(r.getSpec().engine.image).isEqualTo("registry.example.com/sglang:v0.5.18");
    assertThat(r.getSpec().engine.memoryFraction).as("objects merge field by field").isEqualTo(0.75);
    assertThat(r.getSpec().parallelism.nodes).isEqualTo(4);
    assertThat(r.getSpec().parallelism.tensor).isEqualTo(16);
    assertThat(r.getSpec().model.name).isEqualTo("deepseek-ai/DeepSeek-R1");
    assertThat(r.getMetadata()).isSameAs(d.getMetadata());
    assertThat(d.getSpec().engine.image).as("the deployment itself is not changed").isEqualTo("lmsysorg/sglang:v0.5.18");
    assertThat(Revision.of(r)).as("a profile's change is a new revision").isNotEqualTo(Revision.of(d));
  }
}
