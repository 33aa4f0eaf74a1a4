package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchedulingSpec {
  @JsonPropertyDescription("Node labels every pod requires.")
  @Size(max = 64)
  public Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations of every pod, e.g. for tainted GPU nodes.")
  @Size(max = 64)
  public List<Toleration> tolerations;

  @JsonPropertyDescription("Affinity of every pod, merged with the operator's own rules.")
  public Affinity affinity;

  @JsonPropertyDescription("PriorityClass of every pod.")
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  public String priorityClassName;

  @JsonPropertyDescription("Scheduler of every pod, e.g. volcano.")
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  public String schedulerName;

  @Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
  @JsonPropertyDescription("Node label (topology key, e.g. a rack or switch label) whose domain a group has to itself:"
      + " all pods of a group share one domain and no other group of this deployment runs there.")
  @Size(max = 316)
  public String exclusiveTopology;
}
