package io.deepseek.operator.desired;

import io.deepseek.operator.model.Revision;
import io.deepseek.operator.model.Names;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.RenderVersion;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the operator creates for a deployment, from the same builders the reconciler uses. The worker StatefulSets
 * are made at run time for each leader pod, so their leader pod UID and IP are given here as {@link LeaderPod}s.
 */
public final class DesiredState {
  /** What the workers of a group need to know about their leader pod. */
  public record LeaderPod(String uid, String ip) {}

  /** Placeholders for a preview: the operator fills in the real leader pod when it exists. */
  public static final LeaderPod PREVIEW_LEADER = new LeaderPod("LEADER-POD-UID", "LEADER_POD_IP");

  private DesiredState() {}

  /** What a new deployment gets (the current rendering). */
  public static List<HasMetadata> objects(DeepSeekDeployment d, LeaderPod leader) {
    return objects(d, leader, RenderVersion.CURRENT);
  }

  /** @param render the {@link RenderVersion} the pods are rendered with */
  public static List<HasMetadata> objects(DeepSeekDeployment d, LeaderPod leader, int render) {
    DeploymentModel m = DeploymentModel.of(d).renderedAs(render);
    String revision = Revision.of(d);
    List<HasMetadata> out = new ArrayList<>();
    for (DeploymentModel set : m.sets()) {
      out.add(Services.headless(set));
      if (!m.disaggregated()) {
        out.add(Services.client(m));
      }
      out.add(LeaderStatefulSets.build(set, revision));
      if (set.nodes() > 1) {
        for (int g = 0; g < set.replicas(); g++) {
          out.add(WorkerStatefulSets.build(set, revision, g, Names.leaderPod(set, g), leader.uid(), leader.ip()));
        }
      }
    }
    if (m.disaggregated()) {
      out.add(Routers.serviceAccount(m));
      out.add(Routers.role(m));
      out.add(Routers.roleBinding(m));
      out.add(Routers.clientService(m));
      out.add(Routers.deployment(m, revision));
    }
    return out;
  }
}
