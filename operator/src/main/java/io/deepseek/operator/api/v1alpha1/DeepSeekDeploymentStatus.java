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

  @JsonPropertyDescription("What the operator reads the model and the engine as: the known model, the format of its"
      + " weights and the engine release, each with where it comes from.")
  public ModelStatus model;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ModelStatus {
    @JsonPropertyDescription("The model in the operator's catalog (dsctl models), or unset when it is not a known one.")
    public String known;

    @JsonPropertyDescription("Numeric format of the weights: FP8, BF16, W8A8 or W4A8.")
    public String precision;

    @JsonPropertyDescription("Where the precision comes from: spec.model.precision, the model name, or the model's"
        + " published format.")
    public String precisionFrom;

    @JsonPropertyDescription("The engine release, e.g. 0.5.18.")
    public String engineVersion;

    @JsonPropertyDescription("Where the release comes from: the image tag or spec.engine.version; unset when neither names"
        + " one (flags are then written in the pinned releases' spelling).")
    public String engineVersionFrom;
  }

  @JsonPropertyDescription("Ready, Progressing and Degraded, each with the generation it describes.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("One entry per group.")
  public List<GroupStatus> groups = new ArrayList<>();

  @JsonPropertyDescription("With spec.roles: the groups of each role (the totals above count both roles).")
  public List<RoleStatus> roles;

  @JsonPropertyDescription("With spec.roles: whether both roles' first groups have been scheduled together.")
  public PlacementStatus placement;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PlacementStatus {
    @JsonPropertyDescription("Waiting (the first groups do not fit on the nodes' free resources; nothing is created),"
        + " Scheduling, Released (one role's first group could not be scheduled while the other's was; both were removed"
        + " and are tried again at retryTime) or Placed (for good).")
    public String phase;

    @JsonPropertyDescription("Why, in words.")
    public String message;

    @JsonPropertyDescription("Waiting: since when. Scheduling: since when one role's first group is scheduled and the"
        + " other's cannot be (they are removed after disaggregation.placementTimeout).")
    public String since;

    @JsonPropertyDescription("Released: when the first groups are created again.")
    public String retryTime;

    @JsonPropertyDescription("When both roles' first groups were found scheduled.")
    public String placedTime;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RoleStatus {
    @JsonPropertyDescription("prefill or decode.")
    public String role;

    @JsonPropertyDescription("Groups of the role wanted (spec.roles.<role>.replicas).")
    public Integer desiredReplicas;

    @JsonPropertyDescription("Groups of the role that exist.")
    public Integer replicas;

    @JsonPropertyDescription("Groups of the role whose every pod is ready.")
    public Integer readyReplicas;

    @JsonPropertyDescription("Groups of the role whose pods run the update revision.")
    public Integer updatedReplicas;

    @JsonPropertyDescription("What the role's autoscaler measured and decided (spec.roles.<role>.autoscaling).")
    public AutoscalingStatus autoscaling;
  }

  @JsonPropertyDescription("What the autoscaler measured and decided (spec.autoscaling): the operator sizes the groups"
      + " from here and never writes the spec.")
  public AutoscalingStatus autoscaling;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AutoscalingStatus {
    @JsonPropertyDescription("Groups the autoscaler wants: the leader StatefulSet's replicas (spec.replicas is not used"
        + " while spec.autoscaling is set).")
    public Integer desiredReplicas;

    @JsonPropertyDescription("Groups that exist.")
    public Integer currentReplicas;

    @JsonPropertyDescription("Groups that serve and whose metrics count.")
    public Integer servingReplicas;

    @JsonPropertyDescription("Groups starting (not serving yet): capacity on the way.")
    public Integer startingReplicas;

    @JsonPropertyDescription("What the targets ask for now, before the stabilization windows.")
    public Integer recommendedReplicas;

    @JsonPropertyDescription("Since when every recommendation asked for more groups than desired, and the fewest asked.")
    public String aboveSince;

    public Integer lowestAbove;

    @JsonPropertyDescription("Since when every recommendation asked for fewer groups than desired, and the most asked.")
    public String belowSince;

    public Integer highestBelow;

    @JsonPropertyDescription("When the autoscaler last changed desiredReplicas.")
    public String lastScaleTime;

    @JsonPropertyDescription("Why desiredReplicas is what it is, e.g. \"WaitingRequests 34 over 2 serving groups asks for"
        + " 5 (target 8 per group); scaled up from 2 to 3 (1 per step)\".")
    public String reason;

    @JsonPropertyDescription("When the engines' metrics were last read.")
    public String metricsTime;

    @JsonPropertyDescription("Where from: pods (every rank of every group), or the Prometheus server's URL.")
    public String metricsSource;

    @JsonPropertyDescription("What could not be read, if anything (those pods or groups do not count).")
    public String metricsProblem;

    @JsonPropertyDescription("The metrics of each serving group, summed over all its ranks (KV-cache usage: their mean).")
    public List<GroupMetrics> groups = new ArrayList<>();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class GroupMetrics {
    public Integer index;

    @JsonPropertyDescription("Requests waiting in the group's queues.")
    public String waitingRequests;

    @JsonPropertyDescription("Requests being served by the group.")
    public String runningRequests;

    @JsonPropertyDescription("Mean KV-cache usage of the group's ranks, 0-1.")
    public String kvCacheUsage;

    @JsonPropertyDescription("Ranks (data-parallel engines) whose metrics were read.")
    public Integer ranks;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class GroupStatus {
    @JsonPropertyDescription("With spec.roles: the group's role (prefill or decode); its index counts within the role.")
    public String role;

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

    @JsonPropertyDescription("UID of the leader pod the operator deleted in its last recreation of the group. While the"
        + " operator still sees that pod (its view lags the API server), the recreation is under way: nothing is counted"
        + " again, and a delete that did not go through is made again.")
    public String retiredLeaderUID;

    @JsonPropertyDescription("Nodes of the group's pods, by rank.")
    public List<String> nodes = new ArrayList<>();

    @JsonPropertyDescription("UID of the worker StatefulSet the group was formed with (see members).")
    public String workersUID;

    @JsonPropertyDescription("The worker pods the group was formed with, once all existed, as uid/pod/node (comma"
        + " separated). Any other worker pod later is a replacement: the group lost a rank (deleted, evicted, node lost).")
    public String members;

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
