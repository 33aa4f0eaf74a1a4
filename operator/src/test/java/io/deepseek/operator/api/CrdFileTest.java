package io.deepseek.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.testing.ProjectPaths;
import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRD under crds/ (and the chart's copy) is generated from the Java types. This test fails when the committed file is
 * stale; {@code hack/update-crds.sh} (this test with -Dcrd.update=true) rewrites it.
 */
class CrdFileTest {

  static void generate(Path dir) {
    new CRDGenerator().withPostProcessor(new PrinterColumnOrder())
        .customResourceClasses(DeepSeekDeployment.class, io.deepseek.operator.api.v1alpha1.DeepSeekPolicy.class,
            io.deepseek.operator.api.v1alpha1.DeepSeekProfile.class)
        .forCRDVersions("v1").inOutputDir(dir.toFile()).generate();
  }

  @Test
  void committedCrdMatchesTheJavaTypes(@TempDir Path tmp) throws IOException {
    generate(tmp);
    for (Path committed : ProjectPaths.crdFiles()) {
      String generated = Files.readString(tmp.resolve(committed.getFileName()));
      if (Boolean.getBoolean("crd.update")) {
        Files.createDirectories(committed.getParent());
        Files.writeString(committed, generated);
      }
      assertThat(committed).exists();
      assertThat(Files.readString(committed))
          .as("crds/ is stale: run hack/update-crds.sh and commit the result")
          .isEqualTo(generated);
    }
  }
}
