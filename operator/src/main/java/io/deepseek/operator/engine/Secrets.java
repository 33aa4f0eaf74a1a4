package io.deepseek.operator.engine;

import io.deepseek.operator.api.v1alpha1.SecretKeyRef;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.EnvVars;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** Secrets reach containers only as Secret-backed environment variables: never literally in a spec, event or status. */
public final class Secrets {
  /** SGLang reads the key from its --api-key flag, expanded from this variable by the kubelet. */
  public static final String API_KEY_ENV = "DS_API_KEY";

  private Secrets() {}

  static List<EnvVar> apiKeyEnv(DeploymentModel m, String variable) {
    SecretKeyRef ref = m.engine().apiKeySecretRef;
    return ref == null ? List.of() : List.of(EnvVars.secret(variable, ref));
  }
}
