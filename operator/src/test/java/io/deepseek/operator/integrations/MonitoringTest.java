package io.deepseek.operator.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.deepseek.operator.testing.ProjectPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/monitoring/: the alert rules pass promtool's checks and its unit tests (alerts_test.yaml), the PrometheusRule
 * carries the same groups, and every dashboard query is valid PromQL. That every metric they use is one the operator
 * exports is checked against a running operator's /q/metrics (AutoscalingIT).
 */
public class MonitoringTest {
  static final Path DIR = ProjectPaths.root().resolve("deploy/monitoring");
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  static final Pattern METRIC = Pattern.compile("deepseek_operator_[a-z_]+");

  /** Every deepseek_operator_* metric the dashboard and the alert rules query. */
  public static Set<String> metricsUsed() throws IOException {
    Set<String> names = new TreeSet<>();
    for (String file : List.of("alerts.yaml", "grafana-dashboard.json")) {
      Matcher m = METRIC.matcher(Files.readString(DIR.resolve(file)));
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  static String promtool(Path dir, String... args) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed (apt-get install prometheus; .ci/run does)");
    List<String> cmd = new ArrayList<>(List.of(PROMTOOL.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void theAlertRulesPassPromtoolAndTheirUnitTests() throws Exception {
    assertThat(promtool(DIR, "check", "rules", "alerts.yaml")).contains("SUCCESS: 5 rules found");
    assertThat(promtool(DIR, "test", "rules", "alerts_test.yaml")).contains("SUCCESS");
  }

  @Test
  void thePrometheusRuleCarriesTheSameGroups() throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    JsonNode rules = yaml.readTree(DIR.resolve("alerts.yaml").toFile());
    JsonNode crd = yaml.readTree(DIR.resolve("prometheusrule.yaml").toFile());
    assertThat(crd.get("kind").asText()).isEqualTo("PrometheusRule");
    assertThat(crd.get("spec").get("groups")).isEqualTo(rules.get("groups"));
  }

  /** Each panel's queries, with the dashboard's variables filled in, as recording rules that promtool parses. */
  @Test
  void everyDashboardQueryIsValidPromQl(@TempDir Path tmp) throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DIR.resolve("grafana-dashboard.json").toFile());
    StringBuilder rules = new StringBuilder("groups:\n- name: dashboard\n  rules:\n");
    int n = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        String expr = target.get("expr").asText().replace("$namespace", ".*").replace("$deployment", ".*");
        rules.append("  - record: dashboard:query").append(n++).append('\n').append("    expr: '")
            .append(expr.replace("'", "''")).append("'\n");
      }
    }
    Files.writeString(tmp.resolve("dashboard-rules.yaml"), rules.toString());
    assertThat(n).isGreaterThanOrEqualTo(9);
    assertThat(promtool(tmp, "check", "rules", "dashboard-rules.yaml")).contains("SUCCESS: " + n + " rules found");
    assertThat(metricsUsed()).contains("deepseek_operator_groups", "deepseek_operator_group_recreations_total",
        "deepseek_operator_reconcile_errors_total");
  }
}
