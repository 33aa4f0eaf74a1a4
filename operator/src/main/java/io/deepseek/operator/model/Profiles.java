package io.deepseek.operator.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.DeepSeekDeploymentSpec;
import io.deepseek.operator.api.v1alpha1.DeepSeekProfile;
import java.util.Iterator;
import java.util.Map;

/**
 * A deployment with its profile applied: every field the profile sets is the profile's (objects merged field by field,
 * lists and values replaced), the rest is the deployment's. Pure; what the operator validates, renders and hashes into
 * the revision, so that a change of the profile rolls the groups of every deployment that uses it.
 */
public final class Profiles {
  private Profiles() {}

  /** The deployment as it runs with {@code profile}; the same metadata and status, the merged spec. */
  public static DeepSeekDeployment resolve(DeepSeekDeployment d, DeepSeekProfile profile) {
    ObjectNode spec = d.getSpec() == null ? Json.MAPPER.createObjectNode() : (ObjectNode) Json.tree(d.getSpec());
    if (profile.getSpec() != null) {
      ObjectNode template = (ObjectNode) Json.tree(profile.getSpec());
      template.remove("description");
      merge(spec, template);
    }
    DeepSeekDeployment resolved = new DeepSeekDeployment();
    resolved.setMetadata(d.getMetadata());
    resolved.setStatus(d.getStatus());
    resolved.setSpec(Json.MAPPER.convertValue(spec, DeepSeekDeploymentSpec.class));
    return resolved;
  }

  /** Copies {@code winner} into {@code base}: objects field by field, anything else replaced. */
  static void merge(ObjectNode base, ObjectNode winner) {
    Iterator<Map.Entry<String, JsonNode>> fields = winner.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode mine = base.get(f.getKey());
      if (f.getValue().isNull()) {
        continue;
      }
      if (mine != null && mine.isObject() && f.getValue().isObject()) {
        merge((ObjectNode) mine, (ObjectNode) f.getValue());
      } else {
        base.set(f.getKey(), f.getValue().deepCopy());
      }
    }
  }
}
