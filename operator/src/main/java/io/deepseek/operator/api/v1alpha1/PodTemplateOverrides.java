package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplateOverrides {
  @JsonPropertyDescription("Extra pod labels. Labels the operator sets (app.kubernetes.io/*, serving.deepseek-operator.io/*) win.")
  @Size(max = 64)
  public Map<String, String> labels;

  @JsonPropertyDescription("Extra pod annotations.")
  @Size(max = 64)
  public Map<String, String> annotations;

  @JsonPropertyDescription("Service account of every pod.")
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  public String serviceAccountName;

  @JsonPropertyDescription("Secrets for pulling the engine image.")
  @Size(max = 16)
  public List<LocalObjectReference> imagePullSecrets;
}
