package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeepSeekDeploymentStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @StatusReplicas
  @JsonPropertyDescription("Groups that exist.")
  public Integer replicas;

  @JsonPropertyDescription("Groups whose every pod is ready.")
  public Integer readyReplicas;

  @JsonPropertyDescription("Groups whose pods all run the update revision.")
  public Integer updatedReplicas;

  @JsonPropertyDescription("Ready groups over desired groups, e.g. 1/2.")
  public String ready;

  @JsonPropertyDescription("Revision that all groups ran before the current rollout.")
  public String currentRevision;

  @JsonPropertyDescription("Revision of the current spec: what every group runs once rolled.")
  public String updateRevision;

  @LabelSelector
  @JsonPropertyDescription("Label selector of the leader pods, for the /scale subresource.")
  public String selector;

  @JsonPropertyDescription("OpenAI-compatible base URL of the client Service.")
  public String endpoint;

  @JsonPropertyDescription("Accelerators of one pod, e.g. 8x H100-80GB.")
  public String accelerator;

  @JsonPropertyDescription("The serving engine, with spec.profile applied.")
  public String engine;

  @JsonPropertyDescription("Pods per group, with spec.profile applied.")
  public Integer nodesPerGroup;

  @JsonPropertyDescription("Ready, Progressing and Degraded, each with the generation it describes.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("One entry per group.")
  public List<GroupStatus> groups = new ArrayList<>();

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class GroupStatus {
    @JsonPropertyDescription("Group index: the leader pod's ordinal.")
    public Integer index;

    @JsonPropertyDescription("Whether every pod of the group is ready.")
    public Boolean ready;

    @JsonPropertyDescription("Revision the group's pods run.")
    public String revision;

    @JsonPropertyDescription("Name of the leader pod.")
    public String leader;

    @JsonPropertyDescription("UID of the leader pod the group was formed around. Another leader pod at the same revision,"
        + " not made by the operator's own recreation, means the group lost its leader (deleted, evicted, node lost).")
    public String leaderUID;

    @JsonPropertyDescription("Nodes of the group's pods, by rank.")
    public List<String> nodes = new ArrayList<>();

    @JsonPropertyDescription("Times the group was recreated after a failure; counted until it runs a whole failure.window without one.")
    public Integer restarts;

    @JsonPropertyDescription("When the group was last recreated after a failure.")
    public String lastRestartTime;

    @JsonPropertyDescription("The group failed failure.maxRestarts times and is left alone until it recovers or the spec changes.")
    public Boolean failed;

    @JsonPropertyDescription("The last failure of the group: which pod, on which node, and what happened.")
    public String lastFailure;

    @JsonPropertyDescription("What the group is waiting for, if anything.")
    public String message;
  }
}
