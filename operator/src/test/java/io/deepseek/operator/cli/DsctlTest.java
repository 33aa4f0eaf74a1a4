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
    {
      for (String f : ProjectPaths.exampleNames()) {
        Result r = run("validate", "-f", example(f));
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
    assertThat(run("validate", "-f", "/nonexistent.yaml").code()).as("a missing file is a usage error, not a verdict").isEqualTo(2);
    assertThat(run("validate", "-f", example("deepseek-r1-sglang-2x8-h100.yaml"), "--allowed-host-paths", "/data,").code())
        .as("a blank allowed prefix").isEqualTo(2);
  }

  static Result validate(Path tmp, String yaml) throws IOException {
    Path f = Files.createTempFile(tmp, "d", ".yaml");
    Files.writeString(f, yaml);
    return run("validate", "-f", f.toString());
  }

  static String s4() throws IOException {
    return Files.readString(Path.of(example("deepseek-r1-sglang-2x8-h100.yaml")));
  }

  @Test
  void whatTheCrdSchemaRefusesIsRefusedWithTheFieldPathNeverAJavaClass(@TempDir Path tmp) throws IOException {
    Result wrongType = validate(tmp, s4().replace("replicas: 1", "replicas: two"));
    assertThat(wrongType.code()).isEqualTo(1);
    assertThat(wrongType.err()).contains("deepseek-r1: spec.replicas: Invalid value: \"two\": must be of type integer");
    Result unknown = validate(tmp, s4().replace("  model:\n", "  modle: {}\n  model:\n"));
    assertThat(unknown.err()).contains("spec.modle: unknown field");
    Result badEnum = validate(tmp, s4().replace("product: H100-80GB", "product: H100"));
    assertThat(badEnum.err()).contains("spec.accelerator.product: Unsupported value: \"H100\": supported values:", "\"H100-80GB\"");
    Result pattern = validate(tmp, s4().replace("distInitPort: 20000", "distInitPort: 80"));
    assertThat(pattern.err()).contains("spec.network.distInitPort: Invalid value: 80: should be greater than or equal to 1024");
    for (Result r : List.of(wrongType, unknown, badEnum, pattern)) {
      assertThat(r.err()).doesNotContainIgnoringCase("java").doesNotContain("Exception", "com.fasterxml", "io.deepseek");
    }
  }

  @Test
  void theCrdsCelRulesAreEvaluatedOnTheDefaultedObject(@TempDir Path tmp) throws IOException {
    Result r = validate(tmp, s4().replace("product: H100-80GB", "product: H100-80GB\n    hostDriverMounts: true"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("spec.accelerator: Invalid value: accelerator.hostDriverMounts is for type AscendNPU only");
    Result name = validate(tmp, s4().replace("name: deepseek-r1\n", "name: DeepSeek_R1\n"));
    assertThat(name.err()).contains("<root>: Invalid value: metadata.name must be a DNS label");
  }

  @Test
  void notYamlIsInvalidAndSaysWhere(@TempDir Path tmp) throws IOException {
    Result r = validate(tmp, "spec: [unclosed\n");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("dsctl: ").contains("is not YAML");
  }

  static String platform(String name) {
    return ProjectPaths.root().resolve("platform").resolve(name).toString();
  }

  @Test
  void aTenantsFewLinesRenderWithTheirProfile() {
    Result r = run("render", "-f", platform("tenant-deepseek-r1.yaml"), "--profiles", platform("profiles/r1-h100-2node.yaml"), "-n", "ai");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("image: \"lmsysorg/sglang:v0.5.18\"", "--tp-size", "\"16\"", "hostNetwork: true",
        "nvidia.com/gpu.product", "StatefulSet", "name: \"deepseek-r1-0\"");
    Result missing = run("validate", "-f", platform("tenant-deepseek-r1.yaml"));
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("deepseek-r1: spec.profile: DeepSeekProfile r1-h100-2node is not in the input; pass it with --profiles FILE");
  }

  @Test
  void everyPublishedProfileIsValidWithATenantDeployment() throws IOException {
    try (var files = Files.list(ProjectPaths.root().resolve("platform/profiles"))) {
      for (Path profile : files.sorted().toList()) {
        String name = profile.getFileName().toString().replace(".yaml", "");
        Path tenant = Files.createTempFile("tenant", ".yaml");
        Files.writeString(tenant, Files.readString(Path.of(platform("tenant-deepseek-r1.yaml"))).replace("r1-h100-2node", name)
            .replace("deepseek-ai/DeepSeek-R1\n", name.contains("w8a8") ? "vllm-ascend/DeepSeek-R1-W8A8\n" : "deepseek-ai/DeepSeek-R1\n"));
        Result r = run("validate", "-f", tenant.toString(), "--profiles", profile.toString());
        assertThat(r.code()).as(name + ": " + r.err()).isZero();
      }
    }
  }

  @Test
  void modelsSaysWhatHardwareEachFormatNeeds() {
    Result r = run("models");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("DeepSeek-R1: released 2025-01-20; DeepseekV3ForCausalLM",
        "DeepSeek-V3.2: released 2025-12-01", "DeepSeek-R1-Distill-Qwen-32B:");
    String r1 = r.out().substring(r.out().indexOf("DeepSeek-R1: "), r.out().indexOf("DeepSeek-V3-0324: "));
    assertThat(r1).contains("FP8     690 GB  (published) 8 x B200-180GB; 8 x H200-141GB; 2 nodes of 8 x H20-96GB;"
        + " 2 nodes of 8 x H100-80GB", "BF16   1340 GB  2 nodes of 8 x B200-180GB; 2 nodes of 8 x H200-141GB;",
        "4 nodes of 8 x A100-80GB", "W8A8    647 GB  16 x Ascend910C-64GB; 2 nodes of 8 x Ascend910B-64GB",
        "W4A8    376 GB  8 x Ascend910B-64GB");
    assertThat(r.out()).as("a distill needs a device or two, not a node")
        .contains("DeepSeek-R1-Distill-Qwen-32B: Qwen2ForCausalLM (dense, from Qwen2.5-32B); MTP no\n  BF16     66 GB  (published) 1 x B200-180GB; 1 x H200-141GB; 1 x H20-96GB; 2 x H100-80GB");
    assertThat(run("models", "--sources").out()).contains("source: SGLang benchmark/deepseek_v3/README.md");
    assertThat(run("models", "--bogus").code()).isEqualTo(2);
  }
}
