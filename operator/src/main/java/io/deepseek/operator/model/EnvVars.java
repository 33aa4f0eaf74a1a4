package io.deepseek.operator.model;

import io.deepseek.operator.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;

/** The three kinds of environment variable the operator writes: a value, a field of the pod, a key of a Secret. */
public final class EnvVars {
  private EnvVars() {}

  public static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  /** From the downward API, e.g. {@code status.podIP}. */
  public static EnvVar field(String name, String path) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef("v1", path).endValueFrom().build();
  }

  /** Secrets reach containers only this way: never literally in a spec, event or status. */
  public static EnvVar secret(String name, SecretKeyRef ref) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef(ref.key, ref.name, false)
        .endValueFrom().build();
  }
}
