package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceSpec {
  @Default("ClusterIP")
  @JsonPropertyDescription("Service type: ClusterIP, NodePort or LoadBalancer.")
  public ServiceType type;

  @Default("8000")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port clients connect to; forwarded to the leaders' engine port.")
  public Integer port;

  @JsonPropertyDescription("Annotations of the client Service, e.g. for a cloud load balancer.")
  @Size(max = 64)
  public Map<String, String> annotations;

  public enum ServiceType {
    ClusterIP, NodePort, LoadBalancer
  }
}
