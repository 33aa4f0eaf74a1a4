package io.deepseek.operator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What the API server checks of a DeepSeekDeployment, from the CRD's own schema, in the API server's order: unknown fields
 * (kubectl's strict field validation), defaults, the OpenAPI schema (types, enums, patterns, ranges, sizes, required
 * fields), then, only when all of that passed, the CEL rules (x-kubernetes-validations) on the defaulted object. Each
 * problem names the field path and what is wrong; none names a Java class. Pure: the schema comes in as a JSON tree.
 */
public final class CrdSchema {
  private static final CelCompiler CEL = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private final JsonNode root;

  /** @param openApiV3Schema the version's {@code schema.openAPIV3Schema} */
  public CrdSchema(JsonNode openApiV3Schema) {
    this.root = openApiV3Schema;
  }

  /** From a whole CustomResourceDefinition (as JSON), its first served version's schema. */
  public static CrdSchema ofDefinition(JsonNode crd) {
    for (JsonNode version : crd.path("spec").path("versions")) {
      if (version.path("served").asBoolean(true)) {
        return new CrdSchema(version.path("schema").path("openAPIV3Schema"));
      }
    }
    throw new IllegalArgumentException("the CustomResourceDefinition has no served version with a schema");
  }

  /**
   * What the API server would say of a resource, and the resource as it would store it (defaults filled in).
   *
   * @param problems empty when the API server would accept it
   * @param wellFormed the schema (types, ranges, sizes) passed, whatever the CEL rules said: the object can be read
   */
  public record Verdict(List<String> problems, ObjectNode defaulted, boolean wellFormed) {}

  /** Checks a custom resource given as a JSON tree (not changed). */
  public Verdict validate(JsonNode resource) {
    List<String> problems = new ArrayList<>();
    ObjectNode object = resource.deepCopy();
    if (!object.path("metadata").path("name").isTextual() || object.path("metadata").path("name").asText().isEmpty()) {
      problems.add("metadata.name: Required value: name is required");
    }
    if (!object.path("spec").isObject()) {
      problems.add("spec: Required value");
      return new Verdict(problems, object, false);
    }
    check(object.get("spec"), root.path("properties").path("spec"), "spec", problems);
    if (!problems.isEmpty()) {
      // As the API server: CEL rules are evaluated only on an object that passed the schema.
      return new Verdict(problems, object, false);
    }
    rules(object, root, "", problems, true);
    return new Verdict(problems, object, true);
  }

  /** Types, enums, patterns, ranges, sizes, required and unknown fields; fills in defaults on the way. */
  private void check(JsonNode value, JsonNode schema, String path, List<String> problems) {
    if (value == null || value.isMissingNode()) {
      return;
    }
    if (value.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        problems.add(path + ": Invalid value: null: must be of type " + type(schema));
      }
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        problems.add(path + ": Invalid value: " + shown(value) + ": must be an integer or a string");
      }
      return;
    }
    String type = schema.path("type").asText("");
    if (!typeMatches(type, value)) {
      problems.add(path + ": Invalid value: " + shown(value) + ": must be of type " + type);
      return;
    }
    switch (type) {
      case "object" -> object(value, schema, path, problems);
      case "array" -> array(value, schema, path, problems);
      case "string" -> string(value, schema, path, problems);
      case "integer", "number" -> number(value, schema, path, problems);
      default -> { }
    }
    JsonNode allowed = schema.get("enum");
    if (allowed != null && allowed.isArray()) {
      boolean ok = false;
      for (JsonNode a : allowed) {
        ok |= a.equals(value);
      }
      if (!ok) {
        List<String> names = new ArrayList<>();
        allowed.forEach(a -> names.add(shown(a)));
        problems.add(path + ": Unsupported value: " + shown(value) + ": supported values: " + String.join(", ", names));
      }
    }
  }

  private void object(JsonNode value, JsonNode schema, String path, List<String> problems) {
    ObjectNode o = (ObjectNode) value;
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.get("additionalProperties");
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
    List<String> names = new ArrayList<>();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      names.add(f.getKey());
      String at = path + "." + f.getKey();
      if (properties.has(f.getKey())) {
        check(f.getValue(), properties.get(f.getKey()), at, problems);
      } else if (additional != null && additional.isObject()) {
        check(f.getValue(), additional, path + "[" + f.getKey() + "]", problems);
      } else if (!preserve) {
        problems.add(at + ": unknown field (kubectl explain deepseekdeployment." + path + " lists the fields)");
      }
    }
    // Defaults, as the API server fills them in before it validates.
    Iterator<Map.Entry<String, JsonNode>> declared = properties.fields();
    while (declared.hasNext()) {
      Map.Entry<String, JsonNode> p = declared.next();
      if (!o.has(p.getKey()) && p.getValue().has("default")) {
        o.set(p.getKey(), p.getValue().get("default").deepCopy());
        check(o.get(p.getKey()), p.getValue(), path + "." + p.getKey(), problems);
      }
    }
    for (JsonNode required : schema.path("required")) {
      if (!o.has(required.asText())) {
        problems.add(path + "." + required.asText() + ": Required value");
      }
    }
    if (schema.has("maxProperties") && names.size() > schema.get("maxProperties").asLong()) {
      problems.add(path + ": Too many: " + names.size() + ": must have at most " + schema.get("maxProperties").asLong() + " items");
    }
  }

  private void array(JsonNode value, JsonNode schema, String path, List<String> problems) {
    if (schema.has("maxItems") && value.size() > schema.get("maxItems").asLong()) {
      problems.add(path + ": Too many: " + value.size() + ": must have at most " + schema.get("maxItems").asLong() + " items");
      return;
    }
    if (schema.has("minItems") && value.size() < schema.get("minItems").asLong()) {
      problems.add(path + ": Invalid value: must have at least " + schema.get("minItems").asLong() + " items");
    }
    JsonNode items = schema.path("items");
    for (int i = 0; i < value.size(); i++) {
      check(value.get(i), items, path + "[" + i + "]", problems);
    }
  }

  private static void string(JsonNode value, JsonNode schema, String path, List<String> problems) {
    String s = value.asText();
    if (schema.has("maxLength") && s.codePointCount(0, s.length()) > schema.get("maxLength").asLong()) {
      problems.add(path + ": Too long: may not be more than " + schema.get("maxLength").asLong() + " characters");
      return;
    }
    if (schema.has("minLength") && s.codePointCount(0, s.length()) < schema.get("minLength").asLong()) {
      problems.add(path + ": Invalid value: should be at least " + schema.get("minLength").asLong() + " characters long");
    }
    if (schema.has("pattern")) {
      String regex = schema.get("pattern").asText();
      if (!PATTERNS.computeIfAbsent(regex, Pattern::compile).matcher(s).find()) {
        problems.add(path + ": Invalid value: " + shown(value) + ": should match '" + regex + "'");
      }
    }
  }

  private static void number(JsonNode value, JsonNode schema, String path, List<String> problems) {
    double v = value.asDouble();
    if (schema.has("minimum") && v < schema.get("minimum").asDouble()) {
      problems.add(path + ": Invalid value: " + shown(value) + ": should be greater than or equal to " + bound(schema.get("minimum")));
    }
    if (schema.has("maximum") && v > schema.get("maximum").asDouble()) {
      problems.add(path + ": Invalid value: " + shown(value) + ": should be less than or equal to " + bound(schema.get("maximum")));
    }
  }

  private static final Pattern TRANSITION = Pattern.compile("\\boldSelf\\b");

  /** The CEL rules of every node that has a value, on the defaulted object. */
  private void rules(JsonNode value, JsonNode schema, String path, List<String> problems, boolean root) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      if (TRANSITION.matcher(expression).find()) {
        // A transition rule compares an update with what is stored: a file on its own is a create, which it never judges.
        continue;
      }
      Object self = root ? rootSelf(value) : cel(value);
      String at = (path.isEmpty() ? "<root>" : path) + rule.path("fieldPath").asText("");
      try {
        Object result = PROGRAMS.computeIfAbsent(expression, CrdSchema::program).eval(Map.of("self", self));
        if (!Boolean.TRUE.equals(result)) {
          problems.add(at + ": Invalid value: " + rule.path("message").asText("failed rule: " + expression));
        }
      } catch (CelEvaluationException | RuntimeException e) {
        problems.add(at + ": Invalid value: the rule '" + expression + "' cannot be evaluated here: " + e.getMessage());
      }
    }
    if (value.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        JsonNode child = schema.path("properties").get(f.getKey());
        if (root && !f.getKey().equals("spec")) {
          continue;
        }
        if (child == null && schema.get("additionalProperties") != null && schema.get("additionalProperties").isObject()) {
          child = schema.get("additionalProperties");
        }
        if (child != null) {
          rules(f.getValue(), child, path.isEmpty() ? f.getKey() : path + "." + f.getKey(), problems, false);
        }
      }
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        rules(value.get(i), schema.path("items"), path + "[" + i + "]", problems, false);
      }
    }
  }

  private static CelRuntime.Program program(String expression) {
    try {
      CelAbstractSyntaxTree ast = CEL.compile(expression).getAst();
      return RUNTIME.createProgram(ast);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException("the CRD's rule '" + expression + "' does not compile: " + e.getMessage(), e);
    }
  }

  /** At the root the API server lets a rule see only metadata.name and generateName of the metadata. */
  private static Object rootSelf(JsonNode resource) {
    Map<String, Object> self = new LinkedHashMap<>();
    Map<String, Object> metadata = new LinkedHashMap<>();
    for (String key : List.of("name", "generateName")) {
      if (resource.path("metadata").has(key)) {
        metadata.put(key, resource.path("metadata").get(key).asText());
      }
    }
    self.put("metadata", metadata);
    resource.fields().forEachRemaining(f -> {
      if (!f.getKey().equals("metadata")) {
        self.put(f.getKey(), cel(f.getValue()));
      }
    });
    return self;
  }

  /** A JSON value as CEL sees it: maps, lists, int64, double, strings, booleans. */
  static Object cel(JsonNode v) {
    if (v.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      v.fields().forEachRemaining(f -> {
        if (!f.getValue().isNull()) {
          m.put(f.getKey(), cel(f.getValue()));
        }
      });
      return m;
    }
    if (v.isArray()) {
      List<Object> l = new ArrayList<>();
      v.forEach(x -> l.add(cel(x)));
      return l;
    }
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    return v.asText();
  }

  private static boolean typeMatches(String type, JsonNode v) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "integer" -> v.isIntegralNumber();
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      default -> true;
    };
  }

  private static String type(JsonNode schema) {
    return schema.path("type").asText("a value");
  }

  private static String bound(JsonNode n) {
    double d = n.asDouble();
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : n.asText();
  }

  private static String shown(JsonNode v) {
    String s = v.isTextual() ? "\"" + v.asText() + "\"" : v.isContainerNode() ? (v.isObject() ? "an object" : "a list") : v.toString();
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
