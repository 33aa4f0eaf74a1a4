package io.deepseek.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Revision;
import io.deepseek.operator.desired.WorkerStatefulSets;
import io.deepseek.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class RevisionHistoryTest {
  @Test
  void aStoredRevisionGivesBackTheSpecItWasMadeFrom() {
    DeepSeekDeployment old = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    String oldRevision = Revision.of(old);
    // Through JSON, the way the informer hands it back.
    ControllerRevision stored = Serialization.unmarshal(Serialization.asJson(RevisionHistory.of(old, oldRevision)),
        ControllerRevision.class);

    DeepSeekDeployment now = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    now.getSpec().engine.image = "lmsysorg/sglang:v0.5.19";
    now.getSpec().replicas = 3;
    DeepSeekDeployment back = RevisionHistory.at(now, stored);

    assertThat(Revision.of(back)).isEqualTo(oldRevision);
    assertThat(back.getSpec().engine.image).isEqualTo(old.getSpec().engine.image);
    assertThat(back.getSpec().replicas).as("what a revision does not cover is today's").isEqualTo(3);
    assertThat(WorkerStatefulSets.build(DeploymentModel.of(back), oldRevision, 0, "deepseek-r1-0", "uid", "10.0.0.1")
        .getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(old.getSpec().engine.image);
  }
}
