package io.deepseek.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.testing.ApiServer;
import io.deepseek.operator.testing.ProjectPaths;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DsctlTest {
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Dsctl(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String example(String name) {
    return ProjectPaths.examples().resolve(name).toString();
  }

  @Test
  void validateSaysOkForEveryExample() throws IOException {
    try (var files = Files.list(ProjectPaths.examples())) {
      for (Path f : files.toList()) {
        Result r = run("validate", "-f", f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("OK: 1 DeepSeekDeployment\n");
      }
    }
  }

  @Test
  void validatePrintsEveryProblemAndFails(@TempDir Path tmp) throws IOException {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, Files.readString(Path.of(example("deepseek-r1-sglang-2x8-h100.yaml")))
        .replace("tensor: 16", "tensor: 8").replace("/data/models", "/etc"));
    Result r = run("validate", "-f", bad.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines()).hasSize(2).anySatisfy(l -> assertThat(l).startsWith("deepseek-r1: spec.model.source.hostPath"))
        .anySatisfy(l -> assertThat(l).startsWith("deepseek-r1: spec.parallelism.tensor"));
    assertThat(run("validate", "-f", bad.toString(), "--allowed-host-paths", "/srv").err()).contains("(/srv)");
  }

  @Test
  void renderPrintsWhatTheOperatorCreatesAndTheApiServerAcceptsIt() {
    Result r = run("render", "-f", example("deepseek-r1-w8a8-vllm-ascend-2x8-a2.yaml"), "-n", "ai");
    assertThat(r.code()).as(r.err()).isZero();
    KubernetesClient client = ApiServer.client();
    List<HasMetadata> objects = client.getKubernetesSerialization().unmarshal(r.out());
    assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
        "Service/deepseek-r1-w8a8-a2-pods", "Service/deepseek-r1-w8a8-a2", "StatefulSet/deepseek-r1-w8a8-a2", "StatefulSet/deepseek-r1-w8a8-a2-0");
    assertThat(r.out()).contains("LEADER_POD_IP", "LEADER-POD-UID");
    String ns = ApiServer.newNamespace("render");
    for (HasMetadata o : objects) {
      o.getMetadata().setNamespace(ns);
      client.resource(o).dryRun().create();
    }
  }

  @Test
  void usageErrors() {
    assertThat(run().code()).isEqualTo(2);
    assertThat(run("render").err()).contains("-f FILE is required");
    assertThat(run("validate", "-f", "/nonexistent.yaml").code()).isEqualTo(1);
  }
}
