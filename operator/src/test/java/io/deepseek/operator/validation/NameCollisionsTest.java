package io.deepseek.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import java.util.List;
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
}
