package io.deepseek.operator.engine;

import io.deepseek.operator.api.v1alpha1.EngineType;

public final class Engines {
  private Engines() {}

  public static EngineCommand forType(EngineType type) {
    return switch (type) {
      case SGLang -> SGLangCommand.INSTANCE;
      case VLLM, VLLMAscend -> VLLMCommand.INSTANCE;
    };
  }
}
