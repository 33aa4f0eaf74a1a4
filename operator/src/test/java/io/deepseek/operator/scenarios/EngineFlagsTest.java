package io.deepseek.operator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.EngineType;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.engine.Engines;
import io.deepseek.operator.testing.ProjectPaths;
import io.deepseek.operator.validation.SpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every flag the operator generates for every example exists in the pinned engine (shared/engine-flags). */
class EngineFlagsTest {
  static Stream<String> examples() throws IOException {
    try (Stream<Path> files = Files.list(ProjectPaths.examples())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
    }
  }

  static Set<String> flags(String file) {
    try {
      return Files.readAllLines(ProjectPaths.root().resolve("../shared/engine-flags/" + file)).stream().map(String::trim)
          .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new AssertionError("engine flag list expected at ../shared/engine-flags/" + file, e);
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyGeneratedFlagExistsInTheEngine(String example) {
    Rendered r = Rendered.of(example);
    assertThat(SpecValidator.validate(r.deployment())).as("the example is valid").isEmpty();
    EngineType type = DeploymentModel.of(r.deployment()).engineType();
    Set<String> known = flags(type == EngineType.SGLang ? "sglang-v0.5.18.txt" : "vllm-v0.25.1.txt");
    List<String> used = new ArrayList<>(Rendered.engineArgs(r.leader()));
    if (r.worker() != null) {
      used.addAll(Rendered.engineArgs(r.worker()));
      used.addAll(Engines.forType(type).workerComputedArgs(DeploymentModel.of(r.deployment())));
    }
    List<String> flags = used.stream().filter(a -> a.startsWith("-") && a.length() > 1 && !a.matches("-?[0-9.]+"))
        .map(a -> a.split("=", 2)[0]).distinct().toList();
    assertThat(flags).isNotEmpty().allSatisfy(f -> assertThat(known).as(type + " flags").contains(f));
  }
}
