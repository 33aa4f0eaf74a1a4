package io.deepseek.operator.api.v1alpha1;

public enum AcceleratorType {
  NvidiaGPU, AscendNPU
}
