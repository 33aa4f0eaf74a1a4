package io.deepseek.operator.desired;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentSpec;
import io.deepseek.operator.model.Json;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Owners;
import io.deepseek.operator.model.RenderVersion;
import io.deepseek.operator.model.Revision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import java.util.Map;

/**
 * The spec of every revision a group may still run, as a ControllerRevision {@code <name>-<revision>}: a group held back
 * by the partition, or recreated after a failure below it, gets its workers built from its own revision's spec. A revision
 * stores what its hash covers (the spec without replicas, service, rollout and failure), so it never changes: it is
 * created once and only ever deleted.
 */
public final class RevisionHistory {
  private RevisionHistory() {}

  public static String name(DeepSeekDeployment d, String revision) {
    return d.getMetadata().getName() + "-" + revision;
  }

  public static ControllerRevision of(DeepSeekDeployment d, String revision) {
    return of(d, revision, RenderVersion.CURRENT);
  }

  /** @param render the {@link RenderVersion} the revision's pods are rendered with, for as long as it exists */
  public static ControllerRevision of(DeepSeekDeployment d, String revision, int render) {
    Map<String, String> labels = Labels.common(d, "revision");
    labels.put(Labels.REVISION, revision);
    labels.put(Labels.RENDER_VERSION, Integer.toString(render));
    return new ControllerRevisionBuilder()
        .withNewMetadata().withName(name(d, revision)).withNamespace(d.getMetadata().getNamespace()).withLabels(labels)
        .withOwnerReferences(Owners.deployment(d))
        .endMetadata()
        .withRevision(Math.max(1L, d.getMetadata().getGeneration() == null ? 1L : d.getMetadata().getGeneration()))
        .withData(Map.of("spec", Json.MAPPER.convertValue(Revision.podSpec(d), Map.class)))
        .build();
  }

  /** The rendering a stored revision's pods have: its label, or LEGACY for revisions stored before it was recorded. */
  public static int render(ControllerRevision stored) {
    return RenderVersion.parse(stored.getMetadata().getLabels() == null ? null
        : stored.getMetadata().getLabels().get(Labels.RENDER_VERSION));
  }

  /** The deployment as it was at a stored revision: same metadata, that revision's spec. */
  public static DeepSeekDeployment at(DeepSeekDeployment current, ControllerRevision stored) {
    // The informer hands data (a RawExtension) back as whatever fabric8 made of it: a map or a generic resource. Through
    // a JSON tree, both read the same; the operator's informer store keeps it as JSON text (TrimmedStore).
    JsonNode data = stored.getData() instanceof String text ? Json.parse(text) : Json.MAPPER.valueToTree(stored.getData());
    JsonNode spec = data == null ? null : data.get("spec");
    if (spec == null || !spec.isObject()) {
      throw new IllegalStateException("ControllerRevision " + stored.getMetadata().getName() + " holds no spec");
    }
    ObjectNode merged = ((ObjectNode) spec).deepCopy();
    // What a revision does not cover (replicas, service, rollout, failure) is today's.
    ObjectNode today = Json.MAPPER.valueToTree(current.getSpec());
    for (String field : Revision.NOT_COVERED) {
      if (today.has(field)) {
        merged.set(field, today.get(field));
      }
    }
    DeepSeekDeployment d = new DeepSeekDeployment();
    d.setMetadata(current.getMetadata());
    d.setSpec(Json.MAPPER.convertValue(merged, DeepSeekDeploymentSpec.class));
    return d;
  }
}
