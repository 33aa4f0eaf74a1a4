package io.deepseek.operator.model;

import static io.deepseek.operator.model.EnvVars.field;
import static io.deepseek.operator.model.EnvVars.value;

import io.deepseek.operator.api.v1alpha1.NetworkSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment contract of every pod (docs/api.md#environment). Order is fixed, not sorted: Kubernetes expands
 * $(VAR) in a value only from variables defined before it.
 */
public final class PodEnv {
  public static final String DEPLOYMENT = "DS_DEPLOYMENT";
  public static final String GROUP_INDEX = "DS_GROUP_INDEX";
  public static final String GROUP_SIZE = "DS_GROUP_SIZE";
  public static final String NODE_RANK = "DS_NODE_RANK";
  public static final String POD_NAME = "DS_POD_NAME";
  public static final String POD_IP = "DS_POD_IP";
  public static final String LEADER_ADDRESS = "DS_LEADER_ADDRESS";
  public static final String LEADER_IP = "DS_LEADER_IP";
  public static final String RESERVED_PREFIX = "DS_";

  private PodEnv() {}

  /** The leader's contract: its ordinal is the group index; it is rank 0 and its own leader. */
  public static List<EnvVar> leader(DeploymentModel m) {
    List<EnvVar> env = new ArrayList<>();
    env.add(value(DEPLOYMENT, m.name()));
    env.add(field(GROUP_INDEX, "metadata.labels['" + Labels.POD_INDEX + "']"));
    env.add(value(GROUP_SIZE, Integer.toString(m.nodes())));
    env.add(value(NODE_RANK, "0"));
    env.add(field(POD_NAME, "metadata.name"));
    env.add(field(POD_IP, "status.podIP"));
    env.add(value(LEADER_ADDRESS, "$(" + POD_NAME + ")." + Names.headlessService(m) + "." + m.namespace() + ".svc"));
    env.add(field(LEADER_IP, "status.podIP"));
    return env;
  }

  /**
   * A worker's contract: its ordinal (1..nodes-1) is its rank. The leader IP is written in literally: the worker
   * StatefulSet is made for one leader pod (and replaced with it), so the IP cannot change under it.
   */
  public static List<EnvVar> worker(DeploymentModel m, int group, String leaderIp) {
    List<EnvVar> env = new ArrayList<>();
    env.add(value(DEPLOYMENT, m.name()));
    env.add(value(GROUP_INDEX, Integer.toString(group)));
    env.add(value(GROUP_SIZE, Integer.toString(m.nodes())));
    env.add(field(NODE_RANK, "metadata.labels['" + Labels.POD_INDEX + "']"));
    env.add(field(POD_NAME, "metadata.name"));
    env.add(field(POD_IP, "status.podIP"));
    env.add(value(LEADER_ADDRESS, Names.leaderAddress(m, group)));
    env.add(value(LEADER_IP, leaderIp));
    return env;
  }

  /** Collective-communication env for every engine: NIC selection and InfiniBand/RoCE. */
  public static List<EnvVar> network(DeploymentModel m) {
    Map<String, String> env = new LinkedHashMap<>();
    if (m.networkInterface() != null) {
      if (!m.ascend()) {
        env.put("NCCL_SOCKET_IFNAME", m.networkInterface());
      }
      env.put("GLOO_SOCKET_IFNAME", m.networkInterface());
    }
    NetworkSpec.RdmaSpec rdma = m.rdma();
    if (rdma != null) {
      if (rdma.hcas != null && !rdma.hcas.isEmpty()) {
        env.put("NCCL_IB_HCA", String.join(",", rdma.hcas));
      }
      if (rdma.gidIndex != null) {
        env.put("NCCL_IB_GID_INDEX", rdma.gidIndex.toString());
      }
    }
    List<EnvVar> out = new ArrayList<>();
    env.forEach((k, v) -> out.add(value(k, v)));
    return out;
  }

  /** Generated variables first, then the user's: a user variable replaces a generated one of the same name in place. */
  public static List<EnvVar> merge(List<EnvVar> generated, List<EnvVar> user) {
    Map<String, EnvVar> byName = new LinkedHashMap<>();
    generated.forEach(e -> byName.put(e.getName(), e));
    if (user != null) {
      user.forEach(e -> byName.put(e.getName(), e));
    }
    return new ArrayList<>(byName.values());
  }
}
