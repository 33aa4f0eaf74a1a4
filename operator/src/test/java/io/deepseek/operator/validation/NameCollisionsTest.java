package io.deepseek.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class NameCollisionsTest {
  static DeepSeekDeployment named(String name, String created) {
    DeepSeekDeployment d = new DeepSeekDeployment();
    d.getMetadata().setName(name);
    d.getMetadata().setCreationTimestamp(created);
    return d;
  }

  @Test
  void theYoungerOfTwoCollidingDeploymentsIsRefusedTheOlderRunsOn() {
    DeepSeekDeployment x = named("x", "2026-11-01T00:00:00Z");
    for (String name : List.of("x-0", "x-12", "x-0-1", "x-pods", "x-0123456789")) {
      DeepSeekDeployment later = named(name, "2026-11-02T00:00:00Z");
      assertThat(NameCollisions.check(later, List.of(x, later))).as(name).singleElement().asString()
          .contains("DeepSeekDeployment x (older) names its own objects " + name);
      assertThat(NameCollisions.check(x, List.of(x, later))).as("the older one of " + name).isEmpty();
    }
    DeepSeekDeployment older0 = named("x-0", "2026-10-01T00:00:00Z");
    assertThat(NameCollisions.check(x, List.of(x, older0))).singleElement().asString()
        .contains("this deployment would name its own objects x-0, which is the older DeepSeekDeployment x-0");
  }

  @Test
  void namesThatOnlyShareAPrefixDoNotCollide() {
    DeepSeekDeployment web = named("web", "2026-11-01T00:00:00Z");
    for (String name : List.of("web-frontend", "web-v2", "webx", "web-0a", "web-pods2", "we")) {
      assertThat(NameCollisions.check(named(name, "2026-11-02T00:00:00Z"), List.of(web))).as(name).isEmpty();
    }
  }

  @Test
  void rootsAreTheNamesThatWouldGenerateThisOne() {
    assertThat(NameCollisions.roots("a-1-2")).containsExactly("a", "a-1");
    assertThat(NameCollisions.roots("x-pods")).containsExactly("x");
    assertThat(NameCollisions.roots("x-0123456789")).containsExactly("x");
    assertThat(NameCollisions.roots("web-frontend")).isEmpty();
    assertThat(NameCollisions.roots("web")).isEmpty();
    assertThat(NameCollisions.roots("a--1")).containsExactly("a-");
  }

  /** The lookups a reconcile makes find exactly what a scan of the whole namespace finds. */
  @Property(tries = 300)
  void candidatesFindWhatTheWholeNamespaceFinds(@ForAll("namespaces") List<String> names) {
    Set<String> distinct = new HashSet<>(names);
    List<DeepSeekDeployment> all = distinct.stream().sorted()
        .map(n -> named(n, "2026-11-0" + (1 + Math.floorMod(n.hashCode(), 3)) + "T00:00:00Z")).toList();
    Map<String, DeepSeekDeployment> byName = all.stream()
        .collect(Collectors.toMap(x -> x.getMetadata().getName(), Function.identity()));
    Map<String, List<DeepSeekDeployment>> byRoot = all.stream()
        .flatMap(x -> NameCollisions.roots(x.getMetadata().getName()).stream().map(r -> Map.entry(r, x)))
        .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    for (DeepSeekDeployment d : all) {
      List<DeepSeekDeployment> near = NameCollisions.candidates(d.getMetadata().getName(),
          n -> Optional.ofNullable(byName.get(n)), n -> byRoot.getOrDefault(n, List.of()));
      assertThat(NameCollisions.check(d, near)).as(d.getMetadata().getName())
          .containsExactlyInAnyOrderElementsOf(NameCollisions.check(d, all));
    }
  }

  @Provide
  Arbitrary<List<String>> namespaces() {
    // Few parts from a small alphabet, so that names generate each other often.
    Arbitrary<String> part = Arbitraries.of("x", "web", "0", "1", "12", "pods", "0123456789", "abcdef0123", "v2", "");
    return part.list().ofMinSize(1).ofMaxSize(4).map(p -> String.join("-", p))
        .filter(n -> !n.isEmpty() && !n.startsWith("-") && !n.endsWith("-")).list().ofMinSize(1).ofMaxSize(12);
  }
}
