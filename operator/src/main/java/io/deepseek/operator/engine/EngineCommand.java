package io.deepseek.operator.engine;

import io.deepseek.operator.desired.DeploymentModel;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import java.util.Map;

/**
 * What one serving engine runs in a pod, rendered from the spec alone. The same template serves every rank: per-pod values
 * come from the DS_* environment through Kubernetes $(VAR) expansion, so {@code kubectl get pod -o yaml} shows the command.
 */
public interface EngineCommand {
  /** The program and its leading arguments, e.g. python3 -m sglang.launch_server. */
  List<String> entrypoint();

  /** Flags of the engine for a pod of the group (leader or worker), the user's extraArgs last. */
  List<String> flags(DeploymentModel model, boolean leader);

  /** Engine-specific environment (before the user's engine.env, which wins). */
  List<EnvVar> env(DeploymentModel model);

  /**
   * Flags the operator generates from typed fields, each with the field a user should set instead; a flag listed with a
   * null field is always generated. Used to refuse conflicting extraArgs.
   */
  Map<String, String> ownedFlags(DeploymentModel model);

  /** HTTP path that answers 200 once the engine serves (on workers: once their shard has loaded). */
  String healthPath();
}
