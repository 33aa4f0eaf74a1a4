package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSpec {
  /** The numeric format of the weights on disk. */
  public enum Precision {
    FP8, BF16, W8A8, W4A8
  }

  @Required
  @Pattern("^[A-Za-z0-9][A-Za-z0-9._/-]*$")
  @JsonPropertyDescription("Model id, e.g. deepseek-ai/DeepSeek-R1. Its last path segment names the mount under /models.")
  @Size(max = 256)
  public String name;

  @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]*$")
  @JsonPropertyDescription("The name clients send as \"model\" (the engine's --served-model-name). Default: metadata.name.")
  @Size(max = 128)
  public String servedName;

  @Required
  @JsonPropertyDescription("Where the weights are. Exactly one of hostPath, persistentVolumeClaim, huggingFace or modelScope.")
  public ModelSource source;

  @Pattern("^[A-Za-z0-9._/-]*$")
  @JsonPropertyDescription("Revision of the weights (e.g. a commit or a date). Any change rolls the groups, one step at a"
      + " time: the way to upgrade a model whose path stays the same. Also the revision downloaded from a hub when the"
      + " source names none.")
  @Size(max = 128)
  public String revision;

  @JsonPropertyDescription("Separate draft weights for speculative decoding, in the same source as the model: an absolute"
      + " node path for hostPath, a sub-path of the claim for persistentVolumeClaim. Mounted read-only under /models.")
  @Size(max = 1024)
  public String draftPath;

  @JsonPropertyDescription("Numeric format of the weights on disk: FP8 (DeepSeek's official R1/V3 checkpoints), BF16"
      + " (upcast, for accelerators without FP8 such as A100), W8A8 or W4A8 (quantized, e.g. for Ascend). Sizing and the"
      + " FP8-hardware check use it. Default: read from the model name (a -BF16, -W8A8, -INT8 or -W4A8 word), else the"
      + " format the model is published in; status.model says which and why. Never restarts a pod.")
  public Precision precision;
}
