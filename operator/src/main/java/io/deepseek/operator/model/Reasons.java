package io.deepseek.operator.model;

/**
 * Every condition reason and Event reason the operator writes, in one place: they are written by the plan and the status,
 * read back by tests, alerts and users' scripts, so each is spelled exactly once.
 */
public final class Reasons {
  // Condition reasons (status.conditions[].reason)
  /** With roles: every group is ready, the router of the revision is not yet. */
  public static final String ROUTER_NOT_READY = "RouterNotReady";
  public static final String READY = "Ready";
  public static final String SCALED_TO_ZERO = "ScaledToZero";
  public static final String INVALID_SPEC = "InvalidSpec";
  /** An object with the name of a child exists and is not this deployment's: it is left untouched. */
  public static final String NAME_CONFLICT = "NameConflict";
  /** A DeepSeekPolicy (or the operator's policy defaults) refuses the deployment: nothing is created or changed. */
  public static final String POLICY_VIOLATION = "PolicyViolation";
  public static final String GROUPS_NOT_READY = "GroupsNotReady";
  public static final String GROUP_FAILED = "GroupFailed";
  public static final String UNSCHEDULABLE = "Unschedulable";
  /** With roles: the first groups of both roles do not fit on the nodes' free resources; nothing is created yet. */
  public static final String INSUFFICIENT_CAPACITY = "InsufficientCapacity";
  /** With roles: the router sends decode no KV transfer (a known router gap); decode computes every prompt itself. */
  public static final String NO_KV_TRANSFER = "RouterWithoutKVTransfer";
  public static final String MODEL_DOWNLOAD_FAILED = "ModelDownloadFailed";
  public static final String GROUP_RESTARTING = "GroupRestarting";
  public static final String ROLLING_UPDATE = "RollingUpdate";
  public static final String SCALING_UP = "ScalingUp";
  public static final String SCALING_DOWN = "ScalingDown";
  public static final String PARTITION_HELD = "PartitionHeld";
  public static final String GROUPS_STARTING = "GroupsStarting";
  public static final String COMPLETE = "Complete";
  public static final String AS_EXPECTED = "AsExpected";
  public static final String RECONCILE_ERROR = "ReconcileError";

  // Event reasons (kubectl get events); Degraded reasons above are also announced as Warning events.
  public static final String RECREATING_GROUP = "RecreatingGroup";
  public static final String CREATED_GROUPS = "CreatedGroups";
  public static final String CREATED_GROUP_WORKERS = "CreatedGroupWorkers";
  public static final String SCALED_GROUPS = "ScaledGroups";
  public static final String SCALED_UP = "ScaledUp";
  public static final String SCALED_DOWN = "ScaledDown";
  public static final String NOT_READY = "NotReady";
  /** A pod outlived its StatefulSet (the garbage collector missed it) and the operator deletes it. */
  public static final String STRAY_POD = "StrayPod";
  /** With roles: both roles' first groups are scheduled. */
  public static final String PLACED = "Placed";

  private Reasons() {}
}
