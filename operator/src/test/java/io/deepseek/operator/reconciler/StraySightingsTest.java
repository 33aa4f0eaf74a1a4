package io.deepseek.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StraySightingsTest {
  static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");
  final ResourceID a = new ResourceID("a", "ns");
  final ResourceID b = new ResourceID("b", "ns");

  static Pod pod(String uid) {
    return new PodBuilder().withNewMetadata().withName("p-" + uid).withUid(uid).endMetadata().build();
  }

  @Test
  void aStrayKeepsItsFirstSightingForAsLongAsItIsSeen() {
    StraySightings s = new StraySightings();
    assertThat(s.update(a, List.of(pod("1")), T0)).containsExactly(java.util.Map.entry("1", T0));
    assertThat(s.update(a, List.of(pod("1"), pod("2")), T0.plusSeconds(20)))
        .containsOnly(java.util.Map.entry("1", T0), java.util.Map.entry("2", T0.plusSeconds(20)));
    // Gone for one reconcile (the garbage collector took it, or it is terminating): seen again, it starts again.
    assertThat(s.update(a, List.of(pod("2")), T0.plusSeconds(25))).containsOnlyKeys("2");
    assertThat(s.update(a, List.of(pod("1"), pod("2")), T0.plusSeconds(40))).containsEntry("1", T0.plusSeconds(40));
  }

  @Test
  void aDeploymentWithoutStraysOrDeletedHoldsNothing() {
    StraySightings s = new StraySightings();
    s.update(a, List.of(pod("1")), T0);
    s.update(b, List.of(pod("2")), T0);
    assertThat(s.update(a, List.of(), T0.plusSeconds(1))).isEmpty();
    assertThat(s.deployments()).isEqualTo(1);
    s.forget(b);
    assertThat(s.deployments()).isZero();
    assertThat(s.update(b, List.of(pod("2")), T0.plusSeconds(5))).containsEntry("2", T0.plusSeconds(5));
  }
}
