package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourcesSpec {
  @JsonPropertyDescription("Size of /dev/shm (a memory-backed emptyDir; counts against the pod's memory). NCCL and the"
      + " engines need it large, e.g. 32Gi. Default: no size limit.")
  public Quantity sharedMemory;

  @JsonPropertyDescription("CPU each pod requests and is limited to, e.g. \"64\".")
  public Quantity cpu;

  @JsonPropertyDescription("Memory each pod requests and is limited to, e.g. 1Ti.")
  public Quantity memory;
}
