package io.deepseek.operator.api.v1alpha1;

/** Serving engines the operator can render command lines for. */
public enum EngineType {
  SGLang
}
