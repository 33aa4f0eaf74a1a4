package io.deepseek.operator.api.v1alpha1;

import java.util.Locale;

/**
 * A serving role of a disaggregated deployment: its groups run one phase of every request. The name is what pods, sets,
 * labels and Services carry ({@code <deployment>-prefill-0}).
 */
public enum ServingRole {
  PREFILL, DECODE;

  /** prefill or decode: the label value and the name segment. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ServingRole fromId(String id) {
    for (ServingRole r : values()) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    return null;
  }
}
