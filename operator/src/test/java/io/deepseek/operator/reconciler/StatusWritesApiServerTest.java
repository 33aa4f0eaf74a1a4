package io.deepseek.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentStatus.GroupStatus;
import io.deepseek.operator.testing.ApiServer;
import io.deepseek.operator.testing.Fixtures;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.Test;

/**
 * A status worked out from an older copy of the deployment is refused by the API server, so the recreation counters
 * written in between stay. Against a real API server: it judges the resourceVersion of a server-side apply.
 */
class StatusWritesApiServerTest {
  final KubernetesClient client = ApiServer.client();

  static DeepSeekDeploymentStatus counted(int restarts, String retiredLeaderUid) {
    DeepSeekDeploymentStatus s = new DeepSeekDeploymentStatus();
    GroupStatus g = new GroupStatus();
    g.index = 0;
    g.restarts = restarts;
    g.retiredLeaderUID = retiredLeaderUid;
    s.groups.add(g);
    return s;
  }

  DeepSeekDeployment create() {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getMetadata().setNamespace(ApiServer.newNamespace("status"));
    d.getMetadata().setUid(null);
    d.getMetadata().setGeneration(null);
    return client.resource(d).create();
  }

  /** A status write as the reconciler makes it (JOSDK's default field manager: the controller's name). */
  DeepSeekDeployment write(DeepSeekDeployment base, DeepSeekDeploymentStatus status) {
    return StatusWrites.patch(client, "deepseekdeployment", base, status);
  }

  DeepSeekDeployment current(DeepSeekDeployment d) {
    return client.resources(DeepSeekDeployment.class).inNamespace(d.getMetadata().getNamespace())
        .withName(d.getMetadata().getName()).get();
  }

  @Test
  void aStatusWorkedOutFromAnOlderCopyIsRefusedAndTheNewerCountersStay() {
    DeepSeekDeployment seen = create();

    // A recreation counted: the counters first, then the status rendered from that write (each over the one before).
    DeepSeekDeployment counters = write(seen, counted(1, "leader-uid-1"));
    DeepSeekDeployment rendered = write(counters, counted(1, "leader-uid-1"));
    assertThat(rendered.getMetadata().getResourceVersion()).isNotEqualTo(seen.getMetadata().getResourceVersion());

    // A reconcile that read the copy from before both (an informer event of it came late) would have counted nothing.
    assertThatThrownBy(() -> write(seen, counted(0, null)))
        .isInstanceOf(StatusWrites.Stale.class).hasMessageContaining(seen.getMetadata().getResourceVersion());
    GroupStatus kept = current(seen).getStatus().groups.get(0);
    assertThat(kept.restarts).isEqualTo(1);
    assertThat(kept.retiredLeaderUID).isEqualTo("leader-uid-1");

    // From the current copy it is written.
    write(current(seen), counted(2, null));
    assertThat(current(seen).getStatus().groups.get(0).restarts).isEqualTo(2);
  }

  @Test
  void anEditInBetweenMakesTheStatusStaleToo() {
    DeepSeekDeployment seen = create();
    // A user's (or Argo CD's) edit while the reconcile ran.
    client.resources(DeepSeekDeployment.class).inNamespace(seen.getMetadata().getNamespace()).withName(seen.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"team\":\"search\"}}}");
    assertThatThrownBy(() -> write(seen, counted(0, null)))
        .isInstanceOf(StatusWrites.Stale.class);
    assertThat(current(seen).getStatus()).isNull();
  }
}
