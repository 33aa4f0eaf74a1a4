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
  static final DesiredState.LeaderPod LEADER = new DesiredState.LeaderPod("11111111-2222-3333-4444-555555555555", "10.0.0.10");


  static java.util.stream.Stream<String> examples() throws java.io.IOException {
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(io.deepseek.operator.testing.ProjectPaths.examples())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
    }
  }

  /**
   * S3 and S4 as the issue asks, and every other example too, as revisions made before renderings were recorded are
   * rendered: these files never change, or an operator upgrade would restart the groups that run them.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("examples")
  void rendersTheCommittedObjects(String example) {
    String yaml = DesiredState.objects(Fixtures.example(example), LEADER, io.deepseek.operator.model.RenderVersion.LEGACY)
        .stream().map(Serialization::asYaml).collect(Collectors.joining());
    Golden.assertMatches(example, yaml);
  }

  /** Revisions made by the operator that rendered hardened pods keep them (golden/hardened/): these files never change. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("examples")
  void rendersHardenedRevisionsAsTheyWere(String example) {
    String yaml = DesiredState.objects(Fixtures.example(example), LEADER, io.deepseek.operator.model.RenderVersion.HARDENED)
        .stream().map(Serialization::asYaml).collect(Collectors.joining());
    Golden.assertMatches("hardened/" + example, yaml);
  }

  /** What a new revision gets today: hardened pods whose leaders drain on the way out (golden/draining/). */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("examples")
  void rendersNewRevisionsDraining(String example) {
    String yaml = DesiredState.objects(Fixtures.example(example), LEADER).stream().map(Serialization::asYaml)
        .collect(Collectors.joining());
    Golden.assertMatches("draining/" + example, yaml);
  }
}
