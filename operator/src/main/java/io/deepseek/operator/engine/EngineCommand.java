package io.deepseek.operator.engine;

import io.deepseek.operator.model.DeploymentModel;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import java.util.Map;

/**
 * What one serving engine runs in a pod, rendered from the spec alone. The same template serves every rank: per-pod values
 * come from the DS_* environment through Kubernetes $(VAR) expansion, so {@code kubectl get pod -o yaml} shows the command.
 */
public interface EngineCommand {
  /** A container's command and arguments. */
  record Launch(List<String> command, List<String> args) {}

  /** The leader: rank 0, serves the API. */
  Launch leader(DeploymentModel model);

  /** A worker (rank 1..nodes-1); it is started only once the leader's rendezvous port answers. */
  Launch worker(DeploymentModel model);

  /**
   * Shell words appended to a worker's command after the wait for its leader, for values Kubernetes cannot compute from
   * the environment (e.g. vLLM's data-parallel start rank = rank x ranks per node). Already shell-quoted.
   */
  default List<String> workerComputedArgs(DeploymentModel model) {
    return List.of();
  }

  /** Engine-specific environment (before the user's engine.env, which wins). */
  List<EnvVar> env(DeploymentModel model);

  /**
   * Flags the operator generates, each with the field a user should set instead (null: always generated). Used to refuse
   * conflicting extraArgs.
   */
  Map<String, String> ownedFlags(DeploymentModel model);

  /** HTTP path that answers 200 once the engine serves. */
  String healthPath();

  /** Whether workers answer {@link #healthPath()} too (SGLang's ranks > 0 do; vLLM's headless workers serve no HTTP). */
  boolean workersServeHealth();

  /** Ports the leader binds for its workers (named, declared so host-network pods never collide on a node). */
  Map<String, Integer> leaderRendezvousPorts(DeploymentModel model);
}
