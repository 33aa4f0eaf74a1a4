package io.deepseek.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.model.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterEndpointsTest {
  static Pod router(String name, String uid, String revision) {
    return new PodBuilder().withNewMetadata().withName(name).withUid(uid).addToLabels(Labels.COMPONENT, "router")
        .addToLabels(Labels.REVISION, revision).endMetadata().build();
  }

  static Endpoint endpoint(String pod, String uid, Boolean ready) {
    return new EndpointBuilder().withAddresses("10.244.0.9").withNewConditions().withReady(ready).endConditions()
        .withNewTargetRef().withKind("Pod").withName(pod).withUid(uid).endTargetRef().build();
  }

  static EndpointSlice slice(Endpoint... endpoints) {
    return new EndpointSliceBuilder().withNewMetadata().withName("deepseek-v3-1-abcde").endMetadata().withAddressType("IPv4")
        .withEndpoints(endpoints).build();
  }

  @Test
  void onlyReadyEndpointsOfTheDeploymentsRouterPodsCount() {
    List<Pod> pods = List.of(router("router-old-1", "u1", "old"), router("router-new-1", "u2", "new"),
        router("router-next-1", "u3", "next"));
    // Old: ready. New: published but not ready yet (or terminating). Next: ready, but the slice names an earlier pod of
    // that name (another uid). A pod the operator does not know is left out.
    List<EndpointSlice> slices = List.of(slice(endpoint("router-old-1", "u1", true), endpoint("router-new-1", "u2", false)),
        slice(endpoint("router-next-1", "u0", true), endpoint("stranger", "u9", true)));
    assertThat(RouterEndpoints.revisions(slices, pods)).containsExactly("old");
  }

  @Test
  void anUnknownReadinessCountsAsReadyAsKubeProxyTakesIt() {
    List<Pod> pods = List.of(router("router-new-1", "u2", "new"));
    assertThat(RouterEndpoints.revisions(List.of(slice(endpoint("router-new-1", "u2", null))), pods)).containsExactly("new");
    assertThat(RouterEndpoints.revisions(List.of(slice()), pods)).isEmpty();
    assertThat(RouterEndpoints.revisions(List.of(), pods)).isEmpty();
  }
}
