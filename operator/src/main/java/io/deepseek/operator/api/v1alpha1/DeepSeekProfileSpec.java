package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/** The fields of a DeepSeekDeployment's spec a profile may set; each one it sets wins over the deployment's. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeepSeekProfileSpec {
  @Size(max = 1024)
  @JsonPropertyDescription("What the profile is for, e.g. \"DeepSeek-R1 FP8 on one node of 8 x H200\" (kubectl get dsprofile).")
  public String description;

  @JsonPropertyDescription("The serving engine, its image and its tuning.")
  public EngineSpec engine;

  @JsonPropertyDescription("The accelerators each pod requests.")
  public AcceleratorSpec accelerator;

  @JsonPropertyDescription("How the model is split over the nodes and devices of one group.")
  public ParallelismSpec parallelism;

  @JsonPropertyDescription("Pod networking: host network, NIC and rendezvous port, RDMA.")
  public NetworkSpec network;

  @JsonPropertyDescription("Shared memory, CPU and memory of each pod.")
  public ResourcesSpec resources;

  @JsonPropertyDescription("Where pods may run.")
  public SchedulingSpec scheduling;

  @JsonPropertyDescription("Start-up budget.")
  public StartupSpec startup;

  @JsonPropertyDescription("How groups move to a new revision.")
  public RolloutSpec rollout;

  @JsonPropertyDescription("What happens when a rank of a group fails.")
  public FailureSpec failure;

  @JsonPropertyDescription("How a leaving group stops serving (drain delay, grace period for the requests in flight).")
  public ShutdownSpec shutdown;
}
