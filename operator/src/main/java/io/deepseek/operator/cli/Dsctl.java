package io.deepseek.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekProfile;
import io.deepseek.operator.desired.DesiredState;
import io.deepseek.operator.model.Json;
import io.deepseek.operator.model.Profiles;
import io.deepseek.operator.validation.CrdSchema;
import io.deepseek.operator.validation.HostPathPolicy;
import io.deepseek.operator.validation.SpecValidator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code dsctl}: the operator's own code, without a cluster.
 * <ul>
 *   <li>{@code dsctl validate -f FILE}: every problem the API server (the CRD's schema and CEL rules, applied here from
 *       the CRD itself) and the operator would find, each naming its field; or OK;
 *   <li>{@code dsctl render -f FILE [-n NAMESPACE]}: the objects the operator would create, as multi-document YAML;
 *   <li>{@code dsctl models [--sources]}: the model catalog, with the hardware each format of each model needs.
 * </ul>
 * Exit codes: 0 valid, 1 invalid (the file or a deployment in it), 2 usage or internal error.
 */
public final class Dsctl {
  static final int VALID = 0;
  static final int INVALID = 1;
  static final int USAGE = 2;
  static final String CRD_RESOURCE = "/crds/deepseekdeployments.serving.deepseek-operator.io-v1.yml";
  static final String PROFILE_CRD_RESOURCE = "/crds/deepseekprofiles.serving.deepseek-operator.io-v1.yml";
  static final String USAGE_TEXT = """
      usage: dsctl validate -f FILE [--profiles FILE] [--allowed-host-paths /data,/mnt,/models] [--max-groups 128]
             dsctl render   -f FILE [--profiles FILE] [-n NAMESPACE] [--allowed-host-paths ...] [--max-groups ...]
             dsctl models   [--sources]   the known DeepSeek models, their formats and the hardware each needs
      FILE holds one or more DeepSeekDeployments (YAML, '---' separated; '-' reads standard input), and may hold the
      DeepSeekProfiles they name; --profiles reads more of those (e.g. the platform team's, kubectl get dsprofile -o yaml).
      Exit codes: 0 valid, 1 invalid, 2 usage or internal error.
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
    try {
      return command(args);
    } catch (RuntimeException | IOException | Error e) {
      // A crash is not a verdict: it must never look like "invalid".
      err.println("dsctl: internal error, please report it: " + e);
      return USAGE;
    }
  }

  private int command(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("models")) {
      if (args.length > 2 || (args.length == 2 && !args[1].equals("--sources"))) {
        err.println(USAGE_TEXT);
        return USAGE;
      }
      out.println(ModelsTable.render(io.deepseek.operator.model.ModelCatalog.get(), args.length == 2));
      return VALID;
    }
    if (args.length == 0 || !List.of("validate", "render").contains(args[0])) {
      err.println(USAGE_TEXT);
      return USAGE;
    }
    String file = null;
    String profilesFile = null;
    String namespace = null;
    String env = System.getenv("DEEPSEEK_OPERATOR_HOST_PATH_ALLOWED_PREFIXES");
    List<String> prefixes = env == null || env.isBlank() ? HostPathPolicy.DEFAULT_PREFIXES : Arrays.asList(env.split(",", -1));
    int maxGroups = SpecValidator.DEFAULT_MAX_GROUPS;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      boolean hasValue = i + 1 < args.length;
      if ((a.equals("-f") || a.equals("--filename")) && hasValue) {
        file = args[++i];
      } else if (a.equals("--profiles") && hasValue) {
        profilesFile = args[++i];
      } else if ((a.equals("-n") || a.equals("--namespace")) && hasValue) {
        namespace = args[++i];
      } else if (a.equals("--allowed-host-paths") && hasValue) {
        prefixes = Arrays.asList(args[++i].split(",", -1));
      } else if (a.equals("--max-groups") && hasValue && args[i + 1].matches("[0-9]{1,6}")) {
        maxGroups = Integer.parseInt(args[++i]);
      } else {
        err.println("dsctl: unknown or incomplete argument " + a + "\n" + USAGE_TEXT);
        return USAGE;
      }
    }
    if (file == null) {
      err.println("dsctl: -f FILE is required\n" + USAGE_TEXT);
      return USAGE;
    }
    HostPathPolicy policy;
    try {
      policy = new HostPathPolicy(prefixes);
    } catch (IllegalArgumentException e) {
      err.println("dsctl: " + e.getMessage());
      return USAGE;
    }
    List<JsonNode> all = new ArrayList<>();
    for (String f : profilesFile == null ? List.of(file) : List.of(file, profilesFile)) {
      String text;
      try {
        text = f.equals("-") ? new String(System.in.readAllBytes()) : Files.readString(Path.of(f));
      } catch (NoSuchFileException e) {
        err.println("dsctl: " + f + ": no such file");
        return USAGE;
      }
      try {
        all.addAll(documents(text));
      } catch (RuntimeException e) {
        err.println("dsctl: " + f + " is not YAML: " + firstLine(e.getMessage()));
        return INVALID;
      }
    }
    List<JsonNode> documents = all.stream().filter(doc -> DeepSeekDeployment.KIND.equals(doc.path("kind").asText())).toList();
    Map<String, DeepSeekProfile> profiles = new java.util.TreeMap<>();
    boolean profilesOk = true;
    CrdSchema profileSchema = schema(PROFILE_CRD_RESOURCE);
    for (JsonNode doc : all.stream().filter(doc -> DeepSeekProfile.KIND.equals(doc.path("kind").asText())).toList()) {
      CrdSchema.Verdict v = profileSchema.validate(doc);
      String name = doc.path("metadata").path("name").asText("(no name)");
      v.problems().forEach(p -> err.println("DeepSeekProfile " + name + ": " + p));
      profilesOk &= v.problems().isEmpty();
      if (v.problems().isEmpty()) {
        profiles.put(name, Json.MAPPER.convertValue(v.defaulted(), DeepSeekProfile.class));
      }
    }
    if (!profilesOk) {
      return INVALID;
    }
    if (documents.isEmpty()) {
      err.println("dsctl: " + file + " holds no DeepSeekDeployment");
      return INVALID;
    }
    CrdSchema schema = schema();
    List<DeepSeekDeployment> valid = new ArrayList<>();
    boolean ok = true;
    for (JsonNode doc : documents) {
      List<String> problems = new ArrayList<>();
      DeepSeekDeployment d = check(doc, schema, policy, maxGroups, profiles, problems);
      String name = doc.path("metadata").path("name").asText("(no name)");
      problems.forEach(p -> err.println(name + ": " + p));
      ok &= problems.isEmpty();
      if (problems.isEmpty()) {
        valid.add(d);
      }
    }
    if (!ok) {
      return INVALID;
    }
    if (args[0].equals("validate")) {
      out.println("OK: " + valid.size() + " DeepSeekDeployment" + (valid.size() == 1 ? "" : "s"));
      return VALID;
    }
    for (DeepSeekDeployment d : valid) {
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
    return VALID;
  }

  /**
   * What the API server would say (schema and CEL, from the CRD), then what the operator would, so that one run lists
   * every problem: the operator's checks run whenever the object can be read, and add what the API server did not say
   * of the same field already. Returns the deployment as the API server would store it.
   */
  static DeepSeekDeployment check(JsonNode doc, CrdSchema schema, HostPathPolicy policy, int maxGroups,
      Map<String, DeepSeekProfile> profiles, List<String> problems) {
    CrdSchema.Verdict verdict = schema.validate(doc);
    problems.addAll(verdict.problems());
    if (!verdict.wellFormed()) {
      return null;
    }
    DeepSeekDeployment d = Json.MAPPER.convertValue(verdict.defaulted(), DeepSeekDeployment.class);
    String profile = d.getSpec().profile;
    if (profile != null) {
      if (!profiles.containsKey(profile)) {
        problems.add("spec.profile: DeepSeekProfile " + profile + " is not in the input; pass it with --profiles FILE"
            + " (kubectl get dsprofile " + profile + " -o yaml)");
        return null;
      }
      d = Profiles.resolve(d, profiles.get(profile));
    }
    List<String> fields = problems.stream().map(Dsctl::field).toList();
    SpecValidator.validate(d, policy, maxGroups).stream().filter(p -> !fields.contains(field(p))).forEach(problems::add);
    return d;
  }

  private static String field(String problem) {
    int colon = problem.indexOf(':');
    return colon < 0 ? problem : problem.substring(0, colon);
  }

  /** The CRD this build was made with, from the jar (the same file crds/ installs). */
  static CrdSchema schema() throws IOException {
    return schema(CRD_RESOURCE);
  }

  static CrdSchema schema(String resource) throws IOException {
    try (InputStream in = Dsctl.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the CRD " + resource + " is missing from the build");
      }
      Map<?, ?> crd = new KubernetesSerialization().unmarshal(new String(in.readAllBytes()), Map.class);
      return CrdSchema.ofDefinition(Json.MAPPER.valueToTree(crd));
    }
  }

  /** The DeepSeekDeployments and DeepSeekProfiles of a multi-document YAML text, as JSON trees; other kinds are skipped. */
  private List<JsonNode> documents(String text) {
    List<JsonNode> result = new ArrayList<>();
    for (String doc : text.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        continue;
      }
      Object parsed = yaml.unmarshal(doc, Object.class);
      JsonNode tree = Json.MAPPER.valueToTree(parsed);
      if (!tree.isObject() || !List.of(DeepSeekDeployment.KIND, DeepSeekProfile.KIND).contains(tree.path("kind").asText())) {
        err.println("dsctl: skipping a " + (tree.isObject() ? tree.path("kind").asText("document without a kind") : "document that"
            + " is not an object") + " (not a DeepSeekDeployment or DeepSeekProfile)");
        continue;
      }
      result.add(tree);
    }
    return result;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
