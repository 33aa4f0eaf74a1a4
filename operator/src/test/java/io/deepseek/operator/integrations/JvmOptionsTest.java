package io.deepseek.operator.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.testing.ProjectPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operator runs with the same JVM options wherever it runs: locally and in the tests and benchmarks (hack/lib.sh's
 * OPERATOR_JAVA_OPTS), from deploy/ and from the chart (the image's run-java.sh takes the collector from
 * GC_CONTAINER_OPTIONS and the rest from JAVA_OPTS_APPEND). The figures in docs/performance.md were measured with them.
 */
class JvmOptionsTest {
  static final Path ROOT = ProjectPaths.root();

  static String read(String path) throws IOException {
    return Files.readString(ROOT.resolve(path));
  }

  static String first(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertThat(m.find()).as(p.pattern()).isTrue();
    return m.group(1);
  }

  List<String> local() throws IOException {
    return Arrays.asList(first(Pattern.compile("(?m)^OPERATOR_JAVA_OPTS=\"([^\"]*)\""), read("hack/lib.sh")).split("\\s+"));
  }

  @Test
  void theHeapIsBoundedTheCollectorSerialAndOutOfMemoryExits() throws IOException {
    assertThat(local()).contains("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError").anyMatch(o -> o.matches("-Xmx\\d+m"));
  }

  @Test
  void thisJdkAcceptsThem() throws Exception {
    // An option the JVM does not know stops it before the operator starts (TrimNativeHeapInterval: JDK 17.0.10 or later).
    List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(local());
    command.add("-version");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void deployRunsTheOperatorWithTheSameOptions() throws IOException {
    String deploy = read("deploy/operator.yaml");
    String gc = first(Pattern.compile("name: GC_CONTAINER_OPTIONS, value: \"([^\"]*)\""), deploy);
    String append = first(Pattern.compile("name: JAVA_OPTS_APPEND, value: \"([^\"]*)\""), deploy);
    List<String> container = new java.util.ArrayList<>(List.of(gc.split("\\s+")));
    container.addAll(List.of(append.split("\\s+")));
    assertThat(container).containsExactlyInAnyOrderElementsOf(local());
  }

  @Test
  void theChartDefaultsToTheSameOptions() throws IOException {
    String template = read("charts/deepseek-operator/templates/deployment.yaml");
    String maxHeap = first(Pattern.compile("(?m)^  maxHeap: (\\S+)"), read("charts/deepseek-operator/values.yaml"));
    String gc = first(Pattern.compile("name: GC_CONTAINER_OPTIONS, value: \"([^\"]*)\""), template);
    // printf "<options with -Xmx%s> %s" maxHeap extraOptions (empty by default)
    String append = first(Pattern.compile("printf \"([^\"]*)\" \\.Values\\.jvm\\.maxHeap"), template).replaceFirst("%s", maxHeap)
        .replace("%s", "").strip();
    List<String> chart = new java.util.ArrayList<>(List.of(gc.split("\\s+")));
    chart.addAll(List.of(append.split("\\s+")));
    assertThat(chart).containsExactlyInAnyOrderElementsOf(local());
  }
}
