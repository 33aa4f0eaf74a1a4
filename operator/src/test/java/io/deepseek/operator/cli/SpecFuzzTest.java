package io.deepseek.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.desired.DesiredState;
import io.deepseek.operator.model.Json;
import io.deepseek.operator.testing.ApiServer;
import io.deepseek.operator.testing.ProjectPaths;
import io.deepseek.operator.validation.CrdSchema;
import io.deepseek.operator.validation.HostPathPolicy;
import io.deepseek.operator.validation.SpecValidator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Generated and mutated specs (the examples with 0-3 fields set to odd values, removed, or added where none belongs):
 * every one either renders or is refused with messages that name a field, and nothing throws. On a bounded sample,
 * dsctl's verdict from the CRD's schema and rules is the real API server's (a server-side dry run with kubectl's strict
 * field validation).
 */
class SpecFuzzTest {
  static final JsonNodeFactory N = JsonNodeFactory.instance;
  static final CrdSchema SCHEMA = schema();
  static final List<JsonNode> EXAMPLES = examples();
  static final AtomicInteger TRIED = new AtomicInteger();
  static final AtomicInteger REFUSED = new AtomicInteger();
  static final AtomicInteger COMPARED = new AtomicInteger();
  static final AtomicInteger API_REFUSED = new AtomicInteger();
  /** What dsctl did before it applied the CRD (the operator's checks alone): accepted what the API server refuses, crashed. */
  static final AtomicInteger OLD_WRONG = new AtomicInteger();
  static final AtomicInteger OLD_CRASHED = new AtomicInteger();

  /** Paths a mutation may touch: every kind of field the API has, including ones no example sets. */
  static final List<String> PATHS = List.of("metadata.name", "spec.replicas", "spec.model.name", "spec.model.servedName",
      "spec.model.source.hostPath", "spec.model.source", "spec.model.revision", "spec.model.draftPath", "spec.engine.type",
      "spec.engine.image", "spec.engine.port", "spec.engine.memoryFraction", "spec.engine.maxRunningRequests",
      "spec.engine.chunkedPrefillSize", "spec.engine.quantization", "spec.engine.extraArgs", "spec.engine.env",
      "spec.engine.speculative", "spec.engine.multiNode", "spec.engine.dataParallelAttention", "spec.engine.torchCompile",
      "spec.engine.reasoningParser", "spec.accelerator.type", "spec.accelerator.perNode", "spec.accelerator.product",
      "spec.accelerator.resourceName", "spec.accelerator.hostDriverMounts", "spec.parallelism.nodes",
      "spec.parallelism.tensor", "spec.parallelism.data", "spec.parallelism.dataLocal", "spec.parallelism.pipeline",
      "spec.network.hostNetwork", "spec.network.distInitPort", "spec.network.interface", "spec.network.rdma",
      "spec.resources.sharedMemory", "spec.scheduling.nodeSelector", "spec.scheduling.priorityClassName",
      "spec.service.port", "spec.service.type", "spec.startup.timeout", "spec.rollout.maxUnavailable",
      "spec.rollout.maxSurge", "spec.rollout.partition", "spec.failure.maxRestarts", "spec.failure.window",
      "spec.failure.backoff", "spec.failure.policy", "spec.unknownField", "spec.engine.unknownField");

  record Mutation(String path, JsonNode value) {}

  @Provide
  Arbitrary<JsonNode> values() {
    return Arbitraries.oneOf(
        Arbitraries.of(-1, 0, 1, 2, 3, 7, 8, 16, 32, 64, 65, 513, 1024, 65535, 65536, 10_000_000, Integer.MAX_VALUE)
            .map(i -> (JsonNode) N.numberNode(i)),
        Arbitraries.of(0.0, 0.5, 0.99, 1.5).map(d -> (JsonNode) N.numberNode(d)),
        Arbitraries.of("", "x", "1h", "45m", "0s", "99999999999999999999h", "/data/models/x", "/etc", "data/models",
            "H100-80GB", "H100", "SGLang", "VLLM", "VLLMAscend", "AscendNPU", "Ray", "LoadBalancer", "Bad Value", "deepseek-r1",
            "a.b", "--tp-size", "x".repeat(600)).map(s -> (JsonNode) N.textNode(s)),
        Arbitraries.of(true, false).map(b -> (JsonNode) N.booleanNode(b)),
        Arbitraries.just(N.nullNode()),
        Arbitraries.just(N.objectNode()),
        Arbitraries.of(0, 1, 300).map(n -> {
          ArrayNode a = N.arrayNode();
          for (int i = 0; i < n; i++) {
            a.add("--x" + i);
          }
          return (JsonNode) a;
        }));
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Mutation> one = Combinators.combine(Arbitraries.of(PATHS), values()).as(Mutation::new);
    return one.list().ofMinSize(0).ofMaxSize(3);
  }

  @Provide
  Arbitrary<JsonNode> specs() {
    return Combinators.combine(Arbitraries.of(EXAMPLES), mutations()).as(SpecFuzzTest::mutate);
  }

  @Property(tries = 1500, seed = "20261201")
  void everySpecRendersOrIsRefusedWithFieldNamedMessagesAndNothingThrows(@ForAll("specs") JsonNode spec) {
    TRIED.incrementAndGet();
    List<String> problems = new ArrayList<>();
    DeepSeekDeployment d = Dsctl.check(spec, SCHEMA, HostPathPolicy.defaults(), 128, Map.of(), problems);
    if (!problems.isEmpty()) {
      REFUSED.incrementAndGet();
      assertThat(problems).allSatisfy(p -> {
        assertThat(p).as("names a field").matches("^(spec|metadata|<root>)[^ ]*: .+");
        assertThat(p).doesNotContain("Exception", "java.", "com.fasterxml", "io.deepseek", "io.fabric8");
      });
      return;
    }
    d.getMetadata().setNamespace("ai");
    d.getMetadata().setUid("uid");
    assertThat(DesiredState.objects(d, DesiredState.PREVIEW_LEADER)).isNotEmpty();
  }

  @Property(tries = 150, seed = "20261202")
  void dsctlSaysWhatTheApiServerSays(@ForAll("specs") JsonNode spec) {
    KubernetesClient client = ApiServer.client();
    String ns = namespace();
    ObjectNode resource = ((ObjectNode) spec.deepCopy());
    ((ObjectNode) resource.with("metadata")).put("namespace", ns);
    boolean dsctlAccepts = SCHEMA.validate(resource).problems().isEmpty();
    if (!resource.path("metadata").path("name").isTextual()) {
      // No client can even send that (a name that is not a string); the API server refuses it at decoding.
      assertThat(dsctlAccepts).isFalse();
      return;
    }
    GenericKubernetesResource generic = Json.MAPPER.convertValue(resource, GenericKubernetesResource.class);
    boolean apiAccepts;
    String apiSays = "";
    try {
      client.resource(generic).dryRun().fieldValidation(FieldValidateable.Validation.STRICT).create();
      apiAccepts = true;
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as(e.getMessage()).isIn(400, 422);
      apiAccepts = false;
      apiSays = e.getMessage();
    }
    COMPARED.incrementAndGet();
    if (!apiAccepts) {
      API_REFUSED.incrementAndGet();
      try {
        DeepSeekDeployment bound = new KubernetesSerialization().convertValue(resource, DeepSeekDeployment.class);
        if (SpecValidator.validate(bound).isEmpty()) {
          OLD_WRONG.incrementAndGet();
        }
      } catch (RuntimeException e) {
        OLD_CRASHED.incrementAndGet();
      }
    }
    assertThat(dsctlAccepts).as("dsctl %s: %s%nAPI server: %s", dsctlAccepts ? "accepts" : "refuses",
        SCHEMA.validate(resource).problems(), apiSays).isEqualTo(apiAccepts);
  }

  @AfterContainer
  static void report() {
    System.out.printf("[fuzz] specs tried %d, refused with field-named messages %d, rendered %d, crashes 0;"
        + " compared with the API server %d (it refused %d), verdicts equal in all; the operator's checks alone (dsctl"
        + " before it applied the CRD) accepted %d of those refusals and crashed on %d%n", TRIED.get(), REFUSED.get(),
        TRIED.get() - REFUSED.get(), COMPARED.get(), API_REFUSED.get(), OLD_WRONG.get(), OLD_CRASHED.get());
  }

  static String namespace;

  static synchronized String namespace() {
    if (namespace == null) {
      namespace = ApiServer.newNamespace("fuzz");
    }
    return namespace;
  }

  static JsonNode mutate(JsonNode example, List<Mutation> mutations) {
    ObjectNode d = example.deepCopy();
    for (Mutation mu : mutations) {
      String[] parts = mu.path().split("\\.");
      ObjectNode at = d;
      for (int i = 0; i < parts.length - 1; i++) {
        JsonNode next = at.get(parts[i]);
        if (next == null || !next.isObject()) {
          next = at.putObject(parts[i]);
        }
        at = (ObjectNode) next;
      }
      String last = parts[parts.length - 1];
      if (mu.value().isNull() && !last.equals("name")) {
        at.remove(last);
      } else {
        at.set(last, mu.value());
      }
    }
    return d;
  }

  static CrdSchema schema() {
    try {
      return Dsctl.schema();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> examples() {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (Path f : ProjectPaths.exampleNames().stream().map(n -> ProjectPaths.examples().resolve(n)).toList()) {
        out.add(Json.MAPPER.valueToTree(new KubernetesSerialization().unmarshal(Files.readString(f), Map.class)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
