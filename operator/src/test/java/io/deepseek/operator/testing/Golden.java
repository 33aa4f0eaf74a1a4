package io.deepseek.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Compares text with a committed golden file; -Dgolden.update=true rewrites the file instead (review the diff!). */
public final class Golden {
  private Golden() {}

  public static void assertMatches(String name, String actual) {
    Path file = ProjectPaths.root().resolve("operator/src/test/resources/golden").resolve(name);
    try {
      if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual);
      }
      assertThat(actual).as("golden file %s (rerun with -Dgolden.update=true if the change is intended)", file)
          .isEqualTo(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
