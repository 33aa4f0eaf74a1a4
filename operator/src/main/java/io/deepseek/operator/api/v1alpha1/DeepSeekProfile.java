package io.deepseek.operator.api.v1alpha1;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A named, validated way to run a model that a platform team publishes (cluster-scoped), e.g. r1-h200-1node: engine
 * image and flags, accelerator, parallelism, network, resources, start-up and failure settings. A DeepSeekDeployment
 * names it in spec.profile and says only what is its own (model, replicas); every field the profile sets is the
 * profile's, whatever the deployment says. A DeepSeekPolicy says which profiles a namespace may use.
 */
@Group(DeepSeekDeployment.GROUP)
@Version(DeepSeekDeployment.VERSION)
@ShortNames("dsprofile")
public class DeepSeekProfile extends CustomResource<DeepSeekProfileSpec, Void> {
  public static final String KIND = "DeepSeekProfile";
}
