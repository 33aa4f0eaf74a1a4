package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * One role's own sizing and tuning. What a role does not set is the deployment's (spec.parallelism, spec.accelerator,
 * spec.resources, spec.engine); what it sets replaces that whole block, except engine, whose fields override one by one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RoleSpec {
  @Required
  @Min(0)
  @Max(512)
  @JsonPropertyDescription("Groups of this role. Changing it never restarts a group of either role.")
  public Integer replicas;

  @JsonPropertyDescription("How this role's groups split the model; replaces spec.parallelism for this role.")
  public ParallelismSpec parallelism;

  @JsonPropertyDescription("The accelerators of this role's pods; replaces spec.accelerator for this role.")
  public AcceleratorSpec accelerator;

  @JsonPropertyDescription("Shared memory, CPU and memory of this role's pods; replaces spec.resources for this role.")
  public ResourcesSpec resources;

  @JsonPropertyDescription("Size this role's groups from what its own engines measure, between minReplicas and maxReplicas"
      + " (replicas is then the starting point; the operator never writes the spec: its decisions are in"
      + " status.roles[].autoscaling). Prefill: WaitingRequests or TimeToFirstToken; decode: KVCacheUsage or"
      + " RunningRequests. The metrics come from the pods (source.prometheus is not available with roles).")
  public AutoscalingSpec autoscaling;

  @JsonPropertyDescription("Engine tuning of this role, each field over spec.engine's (e.g. DeepEP normal mode for"
      + " prefill and low-latency for decode, MTP on decode only).")
  public RoleEngineSpec engine;
}
