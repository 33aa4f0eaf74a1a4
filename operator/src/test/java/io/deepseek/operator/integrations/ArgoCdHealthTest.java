package io.deepseek.operator.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.deepseek.operator.testing.ProjectPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Argo CD health check (integrations/argocd/health.lua) run by a real Lua 5.1 interpreter, as Argo CD runs it (the
 * object as the global {@code obj}, the script's returned table read), over statuses the operator wrote in the
 * end-to-end tests. The cases are in Argo CD's own format (health_test.yaml beside testdata/).
 */
class ArgoCdHealthTest {
  static final Path DIR = ProjectPaths.root().resolve("integrations/argocd");
  static final Path LUA = Path.of("/usr/bin/lua5.1");
  static final YAMLMapper YAML = new YAMLMapper();

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode t : YAML.readTree(DIR.resolve("health_test.yaml").toFile()).get("tests")) {
      out.add(Arguments.of(t.get("inputPath").asText(), t.get("healthStatus").get("status").asText(),
          t.get("healthStatus").get("message").asText()));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} is {1}")
  @MethodSource("cases")
  void theHealthOfARecordedStatus(String input, String status, String message) throws Exception {
    assumeTrue(Files.isExecutable(LUA), "Lua 5.1 is not installed (apt-get install lua5.1; .ci/run does)");
    List<String> health = run(YAML.readTree(DIR.resolve(input).toFile()));
    assertThat(health).containsExactly(status, message);
  }

  @Test
  void everyStateArgoCdKnowsIsCovered() throws IOException {
    assertThat(cases().map(a -> (String) a.get()[1]).distinct())
        .containsExactlyInAnyOrder("Healthy", "Progressing", "Degraded", "Suspended");
  }

  @Test
  void theArgoCdConfigMapCarriesTheSameScript() throws IOException {
    JsonNode cm = YAML.readTree(DIR.resolve("argocd-cm.yaml").toFile());
    assertThat(cm.get("data").get("resource.customizations.health.serving.deepseek-operator.io_DeepSeekDeployment").asText())
        .isEqualTo(Files.readString(DIR.resolve("health.lua")));
  }

  /** health.lua on one object: [status, message]. */
  static List<String> run(JsonNode object) throws IOException, InterruptedException {
    String program = "obj = " + lua(object) + "\n"
        + "local hs = assert(loadfile(\"" + DIR.resolve("health.lua") + "\"))()\n"
        + "io.write(hs.status, \"\\n\", hs.message or \"\", \"\\n\")\n";
    Process p = new ProcessBuilder(LUA.toString(), "-").redirectErrorStream(true).start();
    p.getOutputStream().write(program.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return List.of(out.split("\n", -1)).subList(0, 2);
  }

  /** A JSON value as a Lua 5.1 table constructor (what Argo CD hands the script). */
  static String lua(JsonNode n) {
    if (n.isObject()) {
      StringBuilder b = new StringBuilder("{");
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull()) {
          b.append('[').append(quote(e.getKey())).append("]=").append(lua(e.getValue())).append(',');
        }
      }
      return b.append('}').toString();
    }
    if (n.isArray()) {
      StringBuilder b = new StringBuilder("{");
      n.forEach(v -> b.append(lua(v)).append(','));
      return b.append('}').toString();
    }
    if (n.isNumber() || n.isBoolean()) {
      return n.asText();
    }
    return quote(n.asText());
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
