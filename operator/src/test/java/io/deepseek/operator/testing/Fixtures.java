package io.deepseek.operator.testing;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Deployments for tests: the committed examples, read as the API server would store them (namespace, uid, generation). */
public final class Fixtures {
  public static final String NAMESPACE = "ai";
  public static final String UID = "0b5e8f1c-2d3a-4e5f-8a9b-0c1d2e3f4a5b";

  private Fixtures() {}

  public static DeepSeekDeployment example(String file) {
    try (InputStream in = Files.newInputStream(ProjectPaths.examples().resolve(file))) {
      DeepSeekDeployment d = Serialization.unmarshal(in, DeepSeekDeployment.class);
      d.getMetadata().setNamespace(NAMESPACE);
      d.getMetadata().setUid(UID);
      d.getMetadata().setGeneration(1L);
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
