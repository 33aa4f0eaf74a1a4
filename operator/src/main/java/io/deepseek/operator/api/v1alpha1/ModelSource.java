package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "(has(self.hostPath) ? 1 : 0) + (has(self.persistentVolumeClaim) ? 1 : 0) + (has(self.huggingFace) ? 1 : 0)"
        + " + (has(self.modelScope) ? 1 : 0) == 1",
    message = "model.source must set exactly one of hostPath, persistentVolumeClaim, huggingFace or modelScope")
public class ModelSource {
  @Pattern("^/.+")
  @JsonPropertyDescription("Absolute directory of the weights on every node that may run a pod of this deployment."
      + " Mounted read-only. The operator's allowed-prefix policy decides which node paths tenants may use.")
  @Size(max = 1024)
  public String hostPath;

  @JsonPropertyDescription("A PersistentVolumeClaim holding the weights (ReadOnlyMany or ReadWriteMany for multi-node groups).")
  public PvcSource persistentVolumeClaim;

  @JsonPropertyDescription("Download from the Hugging Face Hub once per pod, into the pod's model cache, before the engine starts.")
  public HubSource huggingFace;

  @JsonPropertyDescription("Download from ModelScope once per pod, into the pod's model cache, before the engine starts.")
  public HubSource modelScope;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PvcSource {
    @io.fabric8.generator.annotation.Required
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("Name of the claim, in the deployment's namespace.")
    @Size(max = 253)
    public String claimName;

    @Pattern("^[^/].*")
    @JsonPropertyDescription("Directory inside the claim that holds the weights (relative). Default: the claim's root.")
    @Size(max = 1024)
    public String subPath;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HubSource {
    @io.fabric8.generator.annotation.Required
    @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
    @JsonPropertyDescription("Repository, e.g. deepseek-ai/DeepSeek-R1.")
    @Size(max = 256)
    public String repo;

    @Pattern("^[A-Za-z0-9._/-]+$")
    @JsonPropertyDescription("Branch, tag or commit. Default: the hub's default branch.")
    @Size(max = 256)
    public String revision;

    @JsonPropertyDescription("Access token for gated or private repositories, from a Secret (HF_TOKEN / MODELSCOPE_API_TOKEN).")
    public SecretKeyRef tokenSecretRef;

    @JsonPropertyDescription("Size limit of the pod's model cache (an emptyDir on the node's disk), e.g. 800Gi. Default: none.")
    public io.fabric8.kubernetes.api.model.Quantity cacheSize;
  }
}
