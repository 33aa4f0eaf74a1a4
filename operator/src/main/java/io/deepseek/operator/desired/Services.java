package io.deepseek.operator.desired;

import io.deepseek.operator.model.Owners;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.model.Names;
import io.deepseek.operator.model.DeploymentModel;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

public final class Services {
  private Services() {}

  /** Stable DNS for every pod from the moment it exists (publishNotReadyAddresses): ranks find each other while loading. */
  public static Service headless(DeploymentModel m) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(Names.headlessService(m))
        .withNamespace(m.namespace())
        .withLabels(Labels.common(m, "pods"))
        .withOwnerReferences(Owners.deployment(m.resource()))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(Labels.allPodsSelector(m))
        .withPorts(new ServicePortBuilder().withName("http").withPort(m.enginePort()).withProtocol("TCP")
            .withTargetPort(new IntOrString(m.enginePort())).build())
        .endSpec()
        .build();
  }

  /** What clients use: only the leaders serve the API. */
  public static Service client(DeploymentModel m) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(Names.clientService(m))
        .withNamespace(m.namespace())
        .withLabels(Labels.common(m.resource(), "service"))
        .withAnnotations(m.service().annotations)
        .withOwnerReferences(Owners.deployment(m.resource()))
        .endMetadata()
        .withNewSpec()
        .withType(m.serviceType())
        .withSelector(Labels.leaderSelector(m))
        .withPorts(new ServicePortBuilder().withName("http").withPort(m.servicePort()).withProtocol("TCP")
            .withTargetPort(new IntOrString("http")).build())
        .endSpec()
        .build();
  }
}
