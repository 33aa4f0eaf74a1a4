package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplateOverrides {
  @JsonPropertyDescription("Extra pod labels. Labels the operator sets (app.kubernetes.io/*, serving.deepseek-operator.io/*) win.")
  public Map<String, String> labels;

  @JsonPropertyDescription("Extra pod annotations.")
  public Map<String, String> annotations;

  @JsonPropertyDescription("Service account of every pod.")
  public String serviceAccountName;

  @JsonPropertyDescription("Secrets for pulling the engine image.")
  public List<LocalObjectReference> imagePullSecrets;
}
