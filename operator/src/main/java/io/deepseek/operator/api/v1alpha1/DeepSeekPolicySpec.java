package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;

/** Unset fields are the operator's defaults; a set list is the whole of what is allowed (an empty list allows nothing). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeepSeekPolicySpec {
  static final String ENTRY = "self.all(x, x.size() >= 1 && x.size() <= 253)";
  static final String ENTRY_MESSAGE = "entries are 1-253 characters: an empty entry is refused, never read as allow-all";

  @JsonPropertyDescription("Namespaces this policy governs (by their labels). Unset: every namespace.")
  public LabelSelector namespaceSelector;

  @Size(max = 64)
  @ValidationRule(value = ENTRY, message = "allowedImagePrefixes: " + ENTRY_MESSAGE)
  @JsonPropertyDescription("Engine images must start with one of these, e.g. registry.example.com/ai/ or lmsysorg/sglang:."
      + " Unset: any image.")
  public List<String> allowedImagePrefixes;

  @JsonPropertyDescription("Whether pods may use the node's network (network.hostNetwork). Unset: the operator's default.")
  public Boolean allowHostNetwork;

  @JsonPropertyDescription("Whether pods may request RDMA devices, which also gives them the IPC_LOCK capability"
      + " (network.rdma). Unset: the operator's default.")
  public Boolean allowRdma;

  @Size(max = 64)
  @ValidationRule(value = "self.all(x, x.size() >= 2 && x.size() <= 1024)",
      message = "allowedHostPathPrefixes: absolute directories of at most 1024 characters")
  @JsonPropertyDescription("Node directories model.source.hostPath and model.draftPath must lie under (within the operator's"
      + " own allowed prefixes, which always apply). Unset: the operator's.")
  public List<String> allowedHostPathPrefixes;

  @Size(max = 64)
  @JsonPropertyDescription("Tolerations pods may carry: each of a deployment's tolerations must equal one of these (an entry"
      + " with operator Exists covers every value of its key and effect). Unset: any toleration except one that tolerates"
      + " every taint (no key, operator Exists) or the control plane's.")
  public List<Toleration> allowedTolerations;

  @Size(max = 64)
  @ValidationRule(value = ENTRY, message = "allowedPriorityClasses: " + ENTRY_MESSAGE)
  @JsonPropertyDescription("PriorityClasses pods may use. Unset: any but the system- ones (system-node-critical,"
      + " system-cluster-critical).")
  public List<String> allowedPriorityClasses;

  @Size(max = 64)
  @ValidationRule(value = ENTRY, message = "allowedServiceAccounts: " + ENTRY_MESSAGE)
  @JsonPropertyDescription("Service accounts pods may run as (podTemplate.serviceAccountName; unset there means default)."
      + " Unset: the operator's default.")
  public List<String> allowedServiceAccounts;

  @Size(max = 64)
  @ValidationRule(value = ENTRY, message = "allowedSchedulerNames: " + ENTRY_MESSAGE)
  @JsonPropertyDescription("Schedulers pods may name (scheduling.schedulerName; unset there means default-scheduler)."
      + " Unset: the operator's default.")
  public List<String> allowedSchedulerNames;

  @Size(max = 3)
  @JsonPropertyDescription("Types the client Service may have. Unset: the operator's default.")
  public List<ServiceSpec.ServiceType> allowedServiceTypes;

  @Size(max = 64)
  @ValidationRule(value = ENTRY, message = "allowedServiceAnnotationPrefixes: " + ENTRY_MESSAGE)
  @JsonPropertyDescription("Client Service annotations must start with one of these, e.g."
      + " service.beta.kubernetes.io/aws-load-balancer-internal. Unset: the operator's default (any).")
  public List<String> allowedServiceAnnotationPrefixes;

  @Size(max = 64)
  @ValidationRule(value = ENTRY, message = "allowedAcceleratorResources: " + ENTRY_MESSAGE)
  @JsonPropertyDescription("Extended resources accelerator.resourceName may be. Unset: the operator's default.")
  public List<String> allowedAcceleratorResources;

  @JsonPropertyDescription("Whether pods may be steered onto control-plane nodes (node-role.kubernetes.io/control-plane or"
      + " master in nodeSelector or affinity). Unset: no.")
  public Boolean allowControlPlaneNodes;

  @Size(max = 64)
  @ValidationRule(value = ENTRY, message = "allowedProfiles: " + ENTRY_MESSAGE)
  @JsonPropertyDescription("DeepSeekProfiles deployments may name in spec.profile. Unset: any.")
  public List<String> allowedProfiles;

  @JsonPropertyDescription("Whether every deployment must name a profile (tenants then choose among the platform team's"
      + " validated configurations instead of writing their own). Unset: no.")
  public Boolean requireProfile;

  @Min(0)
  @JsonPropertyDescription("Most accelerators all DeepSeekDeployments of one namespace may request together (replicas x"
      + " nodes x perNode, summed). Deployments beyond it, newest first, are refused. Unset: no ceiling.")
  public Integer maxAcceleratorsPerNamespace;
}
