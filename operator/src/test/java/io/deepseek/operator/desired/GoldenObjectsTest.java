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

/** Everything the operator creates for each example, byte for byte (the worker set as made for a leader at 10.0.0.10). */
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

  static java.util.stream.Stream<String> examples() throws java.io.IOException {
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(io.deepseek.operator.testing.ProjectPaths.examples())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
    }
  }

  /** S3 and S4 as the issue asks, and every other example too. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("examples")
  void rendersTheCommittedObjects(String example) {
    String yaml = objects(Fixtures.example(example)).stream().map(Serialization::asYaml).collect(Collectors.joining());
    Golden.assertMatches(example, yaml);
  }
}
