package io.deepseek.operator.plan;

import static io.deepseek.operator.plan.LockstepTest.rolling;
import static io.deepseek.operator.plan.LockstepTest.steps;
import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.plan.RouterHandover.Member;
import io.deepseek.operator.plan.RouterHandover.Router;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Clients move from an old revision's router to the new one's before the old revision loses its last prefill/decode
 * pair: 2 prefill groups and 1 decode group rolling from "old" to "new" with a surge group per role (prefill-2, decode-1).
 */
class RouterHandoverTest {
  static final Map<String, Integer> HELD = Map.of("prefill", 2, "decode", 1);
  /** Both surge groups up at the new revision, every original group still old. */
  static final List<Member> SURGED = List.of(new Member("prefill", 0, "old"), new Member("prefill", 1, "old"),
      new Member("prefill", 2, "new"), new Member("decode", 0, "old"), new Member("decode", 1, "new"));

  @Test
  void theOldRouterIsRetiredBeforeTheOldRevisionLosesItsLastDecode() {
    // Decode would release its only old group (partition 0); prefill releases group 1 and keeps group 0.
    var steps = steps(rolling(3, 1), rolling(2, 0));
    var d = RouterHandover.decide("new", steps, HELD, SURGED, Map.of("old", new Router(true, false), "new", new Router(true, false)));
    assertThat(d.retire()).containsExactly("old");
    assertThat(d.steps().get("decode").partition()).as("decode holds its old group").isEqualTo(1);
    assertThat(d.steps().get("decode").step()).contains("held until the router of revision old has drained");
    assertThat(d.steps().get("prefill")).as("prefill keeps an old group: not held").isEqualTo(steps.get("prefill"));
  }

  @Test
  void whileTheOldRouterDrainsTheStepWaits() {
    var steps = steps(rolling(3, 1), rolling(2, 0));
    var d = RouterHandover.decide("new", steps, HELD, SURGED, Map.of("old", new Router(false, true), "new", new Router(true, false)));
    assertThat(d.retire()).isEmpty();
    assertThat(d.steps().get("decode").partition()).isEqualTo(1);
  }

  @Test
  void onceTheOldRouterIsGoneTheStepGoesOn() {
    var steps = steps(rolling(3, 1), rolling(2, 0));
    var d = RouterHandover.decide("new", steps, HELD, SURGED, Map.of("new", new Router(true, false)));
    assertThat(d.retire()).isEmpty();
    assertThat(d.steps()).isEqualTo(steps);
  }

  @Test
  void theOldRouterStaysUntilTheNewOneIsReady() {
    var steps = steps(rolling(3, 1), rolling(2, 0));
    var d = RouterHandover.decide("new", steps, HELD, SURGED, Map.of("old", new Router(true, false), "new", new Router(false, false)));
    assertThat(d.retire()).isEmpty();
    assertThat(d.steps().get("decode").partition()).isEqualTo(1);
    assertThat(d.steps().get("decode").step()).contains("held until the router of revision new is ready");
  }

  /**
   * Ready by its Deployment but not yet among the client Service's endpoints (the EndpointSlice controller lags on a busy
   * control plane): retiring the old router now would leave clients nowhere to go once it stops. The step waits and the
   * plan looks again soon, since nothing watched reports the endpoints.
   */
  @Test
  void theOldRouterStaysUntilTheClientServiceSendsToTheNewOne() {
    var steps = steps(rolling(3, 1), rolling(2, 0));
    var d = RouterHandover.decide("new", steps, HELD, SURGED,
        Map.of("old", new Router(true, false), "new", new Router(true, false, false)));
    assertThat(d.retire()).isEmpty();
    assertThat(d.recheck()).isTrue();
    assertThat(d.steps().get("decode").partition()).isEqualTo(1);
    assertThat(d.steps().get("decode").step()).contains("held until the client Service sends to the router of revision new");

    d = RouterHandover.decide("new", steps, HELD, SURGED, Map.of("old", new Router(true, false), "new", new Router(true, false, true)));
    assertThat(d.retire()).containsExactly("old");
    assertThat(d.recheck()).isFalse();
  }

  @Test
  void withoutASurgeAGroupOfOneIsReleasedAnyway() {
    // maxSurge 0, one decode group: the new revision cannot form a pair without releasing it; holding would deadlock.
    List<Member> noSurge = List.of(new Member("prefill", 0, "old"), new Member("prefill", 1, "new"), new Member("decode", 0, "old"));
    var steps = steps(rolling(2, 1), rolling(1, 0));
    var d = RouterHandover.decide("new", steps, HELD, noSurge, Map.of("old", new Router(true, false), "new", new Router(false, false)));
    assertThat(d.retire()).isEmpty();
    assertThat(d.steps()).isEqualTo(steps);
  }

  @Test
  void stepsThatKeepAPairAtEveryRevisionAreUntouched() {
    var steps = steps(rolling(3, 1), rolling(2, 1));
    var d = RouterHandover.decide("new", steps, HELD, SURGED, Map.of("old", new Router(true, false), "new", new Router(true, false)));
    assertThat(d.retire()).isEmpty();
    assertThat(d.steps()).isEqualTo(steps);
  }

  @Test
  void aScaleDownThatRemovesTheLastOldGroupCountsToo() {
    // Decode scaled to replicas 0 of the old ordinals would drop decode-0 (ordinals at or above replicas go).
    List<Member> oldOnly = List.of(new Member("prefill", 0, "old"), new Member("decode", 1, "old"), new Member("decode", 0, "new"),
        new Member("prefill", 1, "new"));
    var steps = steps(rolling(2, 0), rolling(1, 0));
    assertThat(RouterHandover.losesLastGroup("decode", steps.get("decode"), "old", oldOnly)).isTrue();
    var d = RouterHandover.decide("new", steps, Map.of("prefill", 1, "decode", 1), oldOnly,
        Map.of("old", new Router(true, false), "new", new Router(true, false)));
    assertThat(d.retire()).containsExactly("old");
    assertThat(d.steps().get("decode").replicas()).as("the old group's ordinal stays").isEqualTo(2);
  }
}
