package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.profile) || (has(self.engine) && has(self.accelerator))",
    message = "spec.engine and spec.accelerator are required unless spec.profile names a DeepSeekProfile that sets them",
    reason = "FieldValueRequired", fieldPath = ".engine")
@ValidationRule(
    value = "!has(self.engine) || !has(self.accelerator) || self.engine.type != 'SGLang' || !has(self.parallelism) || !has(self.parallelism.tensor)"
        + " || self.parallelism.tensor * (has(self.parallelism.pipeline) ? self.parallelism.pipeline : 1)"
        + " == (has(self.parallelism.nodes) ? self.parallelism.nodes : 1) * self.accelerator.perNode",
    message = "SGLang shards the model over every device of a group: parallelism.tensor x parallelism.pipeline must equal"
        + " parallelism.nodes x accelerator.perNode; set parallelism.tensor accordingly or leave it unset",
    reason = "FieldValueInvalid", fieldPath = ".parallelism.tensor")
@ValidationRule(
    value = "!has(self.accelerator) || !has(self.parallelism) || !has(self.parallelism.pipeline)"
        + " || ((has(self.parallelism.nodes) ? self.parallelism.nodes : 1) * self.accelerator.perNode) % self.parallelism.pipeline == 0",
    message = "parallelism.pipeline must divide parallelism.nodes x accelerator.perNode",
    reason = "FieldValueInvalid", fieldPath = ".parallelism.pipeline")
@ValidationRule(
    value = "!has(self.engine) || self.engine.type != 'SGLang' || !has(self.parallelism) || !has(self.parallelism.data) || self.parallelism.data <= 1"
        + " || (has(self.engine.dataParallelAttention) && self.engine.dataParallelAttention)",
    message = "SGLang runs data parallelism inside a group only as DP attention: set engine.dataParallelAttention: true,"
        + " or leave parallelism.data at 1 and raise spec.replicas for more capacity",
    reason = "FieldValueInvalid", fieldPath = ".parallelism.data")
@ValidationRule(
    value = "!has(self.engine) || !has(self.accelerator) || (self.engine.type == 'VLLMAscend') == (self.accelerator.type == 'AscendNPU')",
    message = "engine.type VLLMAscend runs on accelerator.type AscendNPU, and SGLang and VLLM on NvidiaGPU",
    reason = "FieldValueInvalid", fieldPath = ".engine.type")
@ValidationRule(
    value = "!has(self.roles) || self.replicas == 1",
    message = "with spec.roles each role has its own replicas (spec.roles.prefill.replicas, spec.roles.decode.replicas);"
        + " leave spec.replicas unset (and scale the roles, not the deployment)",
    reason = "FieldValueInvalid", fieldPath = ".replicas")
@ValidationRule(
    value = "!has(self.roles) || !has(self.autoscaling)",
    message = "spec.autoscaling sizes a deployment without roles; with spec.roles autoscale each role"
        + " (spec.roles.prefill.autoscaling, spec.roles.decode.autoscaling)",
    reason = "FieldValueInvalid", fieldPath = ".autoscaling")
@ValidationRule(
    value = "has(self.roles) == has(oldSelf.roles)",
    message = "spec.roles cannot be added to or removed from a deployment: its groups would all be replaced at once."
        + " Create a new DeepSeekDeployment beside it, move the traffic, then delete this one",
    reason = "FieldValueForbidden", fieldPath = ".roles")
@ValidationRule(
    value = "has(self.roles) || !has(self.router)",
    message = "spec.router routes between spec.roles: without roles the client Service reaches the groups directly",
    reason = "FieldValueInvalid", fieldPath = ".router")
@ValidationRule(
    value = "has(self.roles) || !has(self.disaggregation)",
    message = "spec.disaggregation configures spec.roles: set both or neither",
    reason = "FieldValueInvalid", fieldPath = ".disaggregation")
@ValidationRule(
    value = "!has(self.roles) || !has(self.engine) || !has(self.disaggregation) || !has(self.disaggregation.transferBackend)"
        + " || (self.disaggregation.transferBackend == 'Ascend') == (self.engine.type == 'VLLMAscend')",
    message = "disaggregation.transferBackend Ascend is vllm-ascend's (engine.type VLLMAscend), which runs no other",
    reason = "FieldValueInvalid", fieldPath = ".disaggregation.transferBackend")
public class DeepSeekDeploymentSpec {
  @SpecReplicas
  @Default("1")
  @Min(0)
  @JsonPropertyDescription("Number of serving groups (model instances). Each group is parallelism.nodes pods: one leader"
      + " and nodes-1 workers. Exposed through the /scale subresource (kubectl scale, HPA, KEDA).")
  @Max(512)
  public Integer replicas;

  @Required
  @JsonPropertyDescription("The model to serve and where its weights come from.")
  public ModelSpec model;

  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("A DeepSeekProfile the platform team publishes (kubectl get dsprofile), e.g. r1-h200-1node: every"
      + " field it sets is the profile's, and this deployment says only the rest (model, replicas). A DeepSeekPolicy may"
      + " require one, or limit which.")
  public String profile;

  @JsonPropertyDescription("The serving engine, its image and its tuning. Required unless spec.profile sets it.")
  public EngineSpec engine;

  @JsonPropertyDescription("The accelerators each pod requests. Required unless spec.profile sets it.")
  public AcceleratorSpec accelerator;

  @JsonPropertyDescription("How the model is split over the nodes and devices of one group.")
  @Default("{}")
  public ParallelismSpec parallelism;

  @JsonPropertyDescription("Pod networking: host network, NIC and rendezvous port, RDMA.")
  @Default("{}")
  public NetworkSpec network;

  @JsonPropertyDescription("Shared memory, CPU and memory of each pod.")
  public ResourcesSpec resources;

  @JsonPropertyDescription("Where pods may run: node selector, tolerations, affinity, priority, scheduler.")
  public SchedulingSpec scheduling;

  @JsonPropertyDescription("Extra labels, annotations, service account and image pull secrets for every pod.")
  public PodTemplateOverrides podTemplate;

  @JsonPropertyDescription("The client Service in front of the group leaders.")
  @Default("{}")
  public ServiceSpec service;

  @JsonPropertyDescription("Start-up budget: how long a model may take to load before its pod counts as failed.")
  @Default("{}")
  public StartupSpec startup;

  @Default("{}")
  @JsonPropertyDescription("How groups move to a new revision (any change of what a pod runs): whole groups at a time.")
  public RolloutSpec rollout;

  @JsonPropertyDescription("How a leaving group stops serving: out of the client Service, then the requests in flight"
      + " finish, then the engine stops. Applies to revisions made by this operator version on (older revisions keep how"
      + " they were rendered).")
  public ShutdownSpec shutdown;

  @Default("{}")
  @JsonPropertyDescription("What happens when a rank of a group fails.")
  public FailureSpec failure;

  @JsonPropertyDescription("Size the number of groups from what the engines measure (waiting or running requests, KV-cache"
      + " usage, time to first token), between minReplicas and maxReplicas. Then spec.replicas is not used and the operator"
      + " never writes the spec: its decisions are in status.autoscaling (GitOps-clean). Never touches a pod.")
  public AutoscalingSpec autoscaling;

  @JsonPropertyDescription("Prefill/decode disaggregation: the deployment's groups split into a prefill role and a decode"
      + " role, each with its own replicas and, where set, its own parallelism, accelerators, resources and engine tuning."
      + " A spec change rolls both roles in lockstep. Without it every group serves whole requests.")
  public RolesSpec roles;

  @JsonPropertyDescription("With spec.roles: how the KV cache moves from prefill to decode groups (transfer backend,"
      + " bootstrap port, RDMA devices).")
  public DisaggregationSpec disaggregation;

  @JsonPropertyDescription("With spec.roles: the router the operator runs in front of the roles (one per revision that has"
      + " groups, so that a request never pairs groups of two revisions); the client Service points at it.")
  public RouterSpec router;
}
