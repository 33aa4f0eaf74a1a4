package io.deepseek.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One DeepSeek model service: {@code spec.replicas} serving groups of {@code parallelism.nodes} pods each. */
@Group(DeepSeekDeployment.GROUP)
@Version(DeepSeekDeployment.VERSION)
@ShortNames("dsd")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Engine", jsonPath = ".status.engine", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Model", jsonPath = ".spec.model.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Nodes/Group", jsonPath = ".status.nodesPerGroup", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Accelerator", jsonPath = ".status.accelerator", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value = "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$') && self.metadata.name.size() <= 40",
    message = "metadata.name must be a DNS label of at most 40 characters that starts with a letter"
        + " (it names Services and StatefulSets whose pods append group and rank suffixes)")
public class DeepSeekDeployment extends CustomResource<DeepSeekDeploymentSpec, DeepSeekDeploymentStatus>
    implements Namespaced {
  public static final String GROUP = "serving.deepseek-operator.io";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "DeepSeekDeployment";
}
