package io.deepseek.operator.scenarios;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.desired.PodTemplates;
import io.deepseek.operator.model.Revision;
import io.deepseek.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The leader's and a worker's pod as the operator renders them for an example (workers made for a leader at 10.0.0.10). */
record Rendered(DeepSeekDeployment deployment, PodSpec leader, PodSpec worker) {
  static final String LEADER_IP = "10.0.0.10";

  static Rendered of(String example) {
    DeepSeekDeployment d = Fixtures.example(example);
    DeploymentModel m = DeploymentModel.of(d);
    String rev = Revision.of(d);
    return new Rendered(d, PodTemplates.leader(m, rev).getSpec(), m.nodes() > 1 ? PodTemplates.worker(m, rev, 0, LEADER_IP).getSpec() : null);
  }

  static Container engine(PodSpec pod) {
    return pod.getContainers().get(0);
  }

  /** command + args, as the container runs them. */
  static List<String> argv(PodSpec pod) {
    List<String> all = new ArrayList<>(engine(pod).getCommand());
    all.addAll(engine(pod).getArgs());
    return all;
  }

  /** The engine's own argv: what follows the program (after "vllm serve" or "python3 -m sglang.launch_server"). */
  static List<String> engineArgs(PodSpec pod) {
    List<String> argv = argv(pod);
    for (int i = 0; i < argv.size(); i++) {
      if (argv.get(i).equals("serve") && i > 0 && argv.get(i - 1).equals("vllm")) {
        return argv.subList(i + 1, argv.size());
      }
      if (argv.get(i).equals("sglang.launch_server")) {
        return argv.subList(i + 1, argv.size());
      }
    }
    return List.of();
  }

  /** "--flag value" pairs and bare flags, joined with single spaces, for contains() checks. */
  static String line(List<String> args) {
    return " " + String.join(" ", args) + " ";
  }

  static Map<String, EnvVar> env(PodSpec pod) {
    Map<String, EnvVar> env = new LinkedHashMap<>();
    engine(pod).getEnv().forEach(e -> env.put(e.getName(), e));
    return env;
  }

  static Map<String, String> envValues(PodSpec pod) {
    Map<String, String> env = new LinkedHashMap<>();
    engine(pod).getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }
}
