package io.deepseek.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The option strings an engine's own parser accepts (../shared/engine-flags/, dumped from the engines). */
public final class EngineFlagList {
  private EngineFlagList() {}

  public static Set<String> of(String file) {
    Path path = ProjectPaths.root().resolve("../shared/engine-flags").resolve(file);
    try {
      return Files.readAllLines(path).stream().map(String::trim).collect(Collectors.toSet());
    } catch (IOException e) {
      throw new AssertionError("the flag list is expected at " + path + " (../shared beside the repository)", e);
    }
  }

  /** Every --flag among {@code args} (value after '=' dropped) is one the engine knows. */
  public static void assertKnown(String file, List<String> args) {
    List<String> used = args.stream().filter(a -> a.startsWith("--")).map(a -> a.split("=", 2)[0]).toList();
    assertThat(of(file)).as(file).containsAll(used);
  }
}
