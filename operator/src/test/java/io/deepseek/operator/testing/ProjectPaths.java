package io.deepseek.operator.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates files of the repository (crds/, examples/, hack/) from tests, wherever Maven runs them from. */
public final class ProjectPaths {
  private ProjectPaths() {}

  public static Path root() {
    String prop = System.getProperty("project.root");
    if (prop != null && Files.isDirectory(Path.of(prop, "crds"))) {
      return Path.of(prop).toAbsolutePath();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root (the folder with mvnw) above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** Every CRD the operator defines. */
  public static java.util.List<Path> crdFiles() {
    return java.util.List.of(crdFile(), root().resolve("crds/deepseekpolicies.serving.deepseek-operator.io-v1.yml"),
        root().resolve("crds/deepseekprofiles.serving.deepseek-operator.io-v1.yml"));
  }

  public static Path crdFile() {
    return root().resolve("crds/deepseekdeployments.serving.deepseek-operator.io-v1.yml");
  }

  public static Path examples() {
    return root().resolve("examples");
  }

  /** Every example, those in subfolders (disaggregated/) too, as paths relative to examples/, sorted. */
  public static java.util.List<String> exampleNames() {
    try (var files = Files.walk(examples())) {
      return files.filter(f -> f.toString().endsWith(".yaml")).map(f -> examples().relativize(f).toString()).sorted().toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
