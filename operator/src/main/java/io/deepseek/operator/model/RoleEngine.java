package io.deepseek.operator.model;

import io.deepseek.operator.api.v1alpha1.EngineSpec;
import io.deepseek.operator.api.v1alpha1.RoleEngineSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A role's engine tuning over the deployment's engine: set fields win, extraArgs follow, env entries replace by name. */
final class RoleEngine {
  private RoleEngine() {}

  static EngineSpec over(EngineSpec deployment, RoleEngineSpec role) {
    EngineSpec e = deployment == null ? new EngineSpec() : Json.copy(deployment);
    if (role.memoryFraction != null) {
      e.memoryFraction = role.memoryFraction;
    }
    if (role.maxRunningRequests != null) {
      e.maxRunningRequests = role.maxRunningRequests;
    }
    if (role.chunkedPrefillSize != null) {
      e.chunkedPrefillSize = role.chunkedPrefillSize;
    }
    if (role.torchCompile != null) {
      e.torchCompile = role.torchCompile;
    }
    if (role.dataParallelAttention != null) {
      e.dataParallelAttention = role.dataParallelAttention;
    }
    if (role.expertParallel != null) {
      e.expertParallel = role.expertParallel;
    }
    if (role.deepEP != null) {
      e.deepEP = role.deepEP;
    }
    if (role.speculative != null) {
      e.speculative = Json.copy(role.speculative);
    }
    if (role.extraArgs != null) {
      List<String> args = new ArrayList<>(e.extraArgs == null ? List.of() : e.extraArgs);
      args.addAll(role.extraArgs);
      e.extraArgs = args;
    }
    if (role.env != null) {
      Map<String, EnvVar> byName = new LinkedHashMap<>();
      (e.env == null ? List.<EnvVar>of() : e.env).forEach(v -> byName.put(v.getName(), v));
      role.env.forEach(v -> {
        byName.remove(v.getName());
        byName.put(v.getName(), v);
      });
      e.env = new ArrayList<>(byName.values());
    }
    return e;
  }
}
