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
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.desired.PodTemplates;
import io.deepseek.operator.model.Revision;
import io.deepseek.operator.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every flag the operator generates for every example exists in each engine release it supports (shared/engine-flags):
 * the pinned ones and the newest published.
 */
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

  /** The releases whose full option lists are in shared/engine-flags, dumped from the engines' own parsers. */
  static final Map<EngineType, List<String>> RELEASES = Map.of(EngineType.SGLang, List.of("0.5.18", "0.5.23"),
      EngineType.VLLM, List.of("0.25.1", "0.33.0"), EngineType.VLLMAscend, List.of("0.25.1", "0.33.0"));

  /** Every example, and a data-parallel-attention variant of the SGLang ones, for every release of its engine. */
  static Stream<Arguments> renderings() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String example : examples().toList()) {
      EngineType type = DeploymentModel.of(Fixtures.example(example)).engineType();
      for (String release : RELEASES.get(type)) {
        out.add(Arguments.of(example, release, false));
        if (type == EngineType.SGLang) {
          out.add(Arguments.of(example, release, true));
        }
      }
    }
    return out.stream();
  }

  static DeepSeekDeployment at(String example, String release, boolean dpAttention) {
    DeepSeekDeployment d = Fixtures.example(example);
    String image = d.getSpec().engine.image;
    d.getSpec().engine.image = image.substring(0, image.lastIndexOf(':') + 1) + "v" + release;
    if (dpAttention) {
      d.getSpec().engine.dataParallelAttention = true;
      d.getSpec().parallelism.data = d.getSpec().parallelism.tensor == null ? 2 : Math.min(2, d.getSpec().parallelism.tensor);
    }
    return d;
  }

  @ParameterizedTest(name = "{0} on {1}, DP attention {2}")
  @MethodSource("renderings")
  void everyGeneratedFlagExistsInTheRelease(String example, String release, boolean dpAttention) {
    DeepSeekDeployment d = at(example, release, dpAttention);
    assertThat(SpecValidator.validate(d)).as("the example is valid").isEmpty();
    DeploymentModel m = DeploymentModel.of(d);
    EngineType type = m.engineType();
    Set<String> known = flags((type == EngineType.SGLang ? "sglang-v" : "vllm-v") + release + ".txt");
    String rev = Revision.of(d);
    List<String> used = new ArrayList<>(Rendered.engineArgs(PodTemplates.leader(m, rev).getSpec()));
    if (m.nodes() > 1) {
      used.addAll(Rendered.engineArgs(PodTemplates.worker(m, rev, 0, Rendered.LEADER_IP).getSpec()));
      used.addAll(Engines.forType(type).workerComputedArgs(m));
    }
    List<String> flags = used.stream().filter(a -> a.startsWith("-") && a.length() > 1 && !a.matches("-?[0-9.]+"))
        .map(a -> a.split("=", 2)[0]).distinct().toList();
    assertThat(flags).isNotEmpty().allSatisfy(f -> assertThat(known).as(type + " " + release + " flags").contains(f));
    if (dpAttention) {
      // Each release in its own spelling: 0.5.23 deprecates --enable-dp-attention (and refuses --dp-size beside --attn-dp-size).
      boolean newSpelling = release.equals("0.5.23");
      assertThat(flags.contains("--attn-dp-size")).isEqualTo(newSpelling);
      assertThat(flags.contains("--enable-dp-attention")).isNotEqualTo(newSpelling);
    }
  }
}
