package io.deepseek.operator.api.v1alpha1;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What tenants may do with DeepSeekDeployments in the namespaces it selects: a platform team's rules (cluster-scoped).
 * Every policy whose namespaceSelector matches a deployment's namespace applies, and each must allow the deployment; a
 * field a policy leaves unset is the operator's default (deepseek.operator.policy.*). A refused deployment gets
 * condition Ready=False and Degraded=True with reason PolicyViolation and an Event naming policy and rule; nothing is
 * created or changed.
 */
@Group(DeepSeekDeployment.GROUP)
@Version(DeepSeekDeployment.VERSION)
@ShortNames("dspolicy")
public class DeepSeekPolicy extends CustomResource<DeepSeekPolicySpec, Void> {
  public static final String KIND = "DeepSeekPolicy";
}
