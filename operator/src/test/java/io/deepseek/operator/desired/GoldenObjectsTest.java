package io.deepseek.operator.desired;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.testing.Fixtures;
import io.deepseek.operator.testing.Golden;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Everything the operator creates for S3 and S4, byte for byte (the worker set as made for a leader at 10.0.0.10). */
class GoldenObjectsTest {

  static List<HasMetadata> objects(DeepSeekDeployment d) {
    DeploymentModel m = DeploymentModel.of(d);
    String revision = Revision.of(d);
    List<HasMetadata> out = new ArrayList<>();
    out.add(Services.headless(m));
    out.add(Services.client(m));
    out.add(LeaderStatefulSets.build(m, revision));
    if (m.nodes() > 1) {
      out.add(WorkerStatefulSets.build(m, revision, 0, Names.leaderPod(d, 0), "11111111-2222-3333-4444-555555555555", "10.0.0.10"));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"deepseek-r1-sglang-2x8-h100.yaml", "deepseek-v3-sglang-2x8-h200.yaml"})
  void rendersTheCommittedObjects(String example) {
    String yaml = objects(Fixtures.example(example)).stream().map(Serialization::asYaml).collect(Collectors.joining());
    Golden.assertMatches(example, yaml);
  }
}
