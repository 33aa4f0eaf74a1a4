package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSpec {
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
}
