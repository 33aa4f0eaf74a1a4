package io.deepseek.operator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The operator's Kubernetes client reads objects without their {@code metadata.managedFields}: the operator never reads
 * them (it decides writes by its own hash annotation, and the informer caches dropped them anyway), and the API server
 * cannot be asked to leave them out. A pod's or a StatefulSet's managedFields mirror the whole of its spec and status
 * as a tree of field names, which Jackson turned into nested maps for every object of every list and watch event; now
 * the parser skips them. Writing is unchanged: an object that has managedFields still serializes them.
 */
@Singleton
public class SkipManagedFields implements KubernetesClientObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    apply(mapper);
  }

  public static ObjectMapper apply(ObjectMapper mapper) {
    return mapper.addMixIn(ObjectMeta.class, Unread.class);
  }

  @JsonIgnoreProperties(value = "managedFields", allowGetters = true)
  abstract static class Unread {}
}
