package io.deepseek.operator.cli;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.desired.DesiredState;
import io.deepseek.operator.validation.HostPathPolicy;
import io.deepseek.operator.validation.SpecValidator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code dsctl}: the operator's own code, without a cluster.
 * <ul>
 *   <li>{@code dsctl validate -f FILE}: every problem the API server's CRD rules and the operator would find (exit 1), or OK;
 *   <li>{@code dsctl render -f FILE [-n NAMESPACE]}: the objects the operator would create, as multi-document YAML.
 * </ul>
 */
public final class Dsctl {
  static final String USAGE = """
      usage: dsctl validate -f FILE [--allowed-host-paths /data,/mnt,/models]
             dsctl render   -f FILE [-n NAMESPACE] [--allowed-host-paths ...]
      FILE holds one or more DeepSeekDeployments (YAML, '---' separated; '-' reads standard input).
      Worker StatefulSets are made by the operator for each leader pod at run time: render shows them with
      LEADER-POD-UID and LEADER_POD_IP where that pod's UID and IP go.""";

  private final PrintStream out;
  private final PrintStream err;
  private final KubernetesSerialization yaml = new KubernetesSerialization();

  Dsctl(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new Dsctl(System.out, System.err).run(args));
  }

  int run(String[] args) {
    if (args.length == 0 || !List.of("validate", "render").contains(args[0])) {
      err.println(USAGE);
      return 2;
    }
    String file = null;
    String namespace = null;
    String env = System.getenv("DEEPSEEK_OPERATOR_HOST_PATH_ALLOWED_PREFIXES");
    List<String> prefixes = env == null || env.isBlank() ? HostPathPolicy.DEFAULT_PREFIXES : Arrays.asList(env.split(","));
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if ((a.equals("-f") || a.equals("--filename")) && i + 1 < args.length) {
        file = args[++i];
      } else if ((a.equals("-n") || a.equals("--namespace")) && i + 1 < args.length) {
        namespace = args[++i];
      } else if (a.equals("--allowed-host-paths") && i + 1 < args.length) {
        prefixes = Arrays.asList(args[++i].split(","));
      } else {
        err.println("dsctl: unknown argument " + a + "\n" + USAGE);
        return 2;
      }
    }
    if (file == null) {
      err.println("dsctl: -f FILE is required\n" + USAGE);
      return 2;
    }
    List<DeepSeekDeployment> deployments;
    try {
      deployments = read(file);
    } catch (IOException | RuntimeException e) {
      err.println("dsctl: cannot read " + file + ": " + e.getMessage());
      return 1;
    }
    if (deployments.isEmpty()) {
      err.println("dsctl: " + file + " holds no DeepSeekDeployment");
      return 1;
    }
    HostPathPolicy policy;
    try {
      policy = new HostPathPolicy(prefixes);
    } catch (IllegalArgumentException e) {
      err.println("dsctl: " + e.getMessage());
      return 2;
    }
    boolean ok = true;
    for (DeepSeekDeployment d : deployments) {
      for (String problem : SpecValidator.validate(d, policy)) {
        err.println(d.getMetadata().getName() + ": " + problem);
        ok = false;
      }
    }
    if (!ok) {
      return 1;
    }
    if (args[0].equals("validate")) {
      out.println("OK: " + deployments.size() + " DeepSeekDeployment" + (deployments.size() == 1 ? "" : "s"));
      return 0;
    }
    for (DeepSeekDeployment d : deployments) {
      if (namespace != null || d.getMetadata().getNamespace() == null) {
        d.getMetadata().setNamespace(namespace == null ? "default" : namespace);
      }
      if (d.getMetadata().getUid() == null) {
        d.getMetadata().setUid("DEEPSEEKDEPLOYMENT-UID");
      }
      for (HasMetadata o : DesiredState.objects(d, DesiredState.PREVIEW_LEADER)) {
        out.print(yaml.asYaml(o));
      }
    }
    return 0;
  }

  private List<DeepSeekDeployment> read(String file) throws IOException {
    String text = file.equals("-") ? new String(System.in.readAllBytes()) : Files.readString(Path.of(file));
    List<DeepSeekDeployment> result = new ArrayList<>();
    for (String doc : text.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        continue;
      }
      Map<?, ?> map = yaml.unmarshal(doc, Map.class);
      if (!DeepSeekDeployment.KIND.equals(map.get("kind"))) {
        err.println("dsctl: skipping a " + map.get("kind") + " (not a DeepSeekDeployment)");
        continue;
      }
      result.add(yaml.unmarshal(doc, DeepSeekDeployment.class));
    }
    return result;
  }
}
