package io.deepseek.operator.observe;

import io.deepseek.operator.model.Labels;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which revisions' routers the client Service sends new connections to: the router pods its EndpointSlices hold as
 * ready. A router Deployment counts its pod ready as soon as the kubelet says so; the EndpointSlice controller publishes
 * it later, and on a busy control plane seconds later (its retries back off from 1 s). Retiring the old revision's
 * router before then leaves the Service with no endpoint to send to once the old one stops (DisaggregationIT: 13
 * requests refused). Pure.
 */
public final class RouterEndpoints {
  private RouterEndpoints() {}

  /**
   * @param slices the client Service's EndpointSlices
   * @param pods the deployment's pods: an endpoint's pod gives its revision
   * @return the revisions with at least one ready router endpoint
   */
  public static Set<String> revisions(Collection<EndpointSlice> slices, Collection<Pod> pods) {
    Map<String, Pod> byName = pods.stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), Function.identity(),
        (a, b) -> a));
    Set<String> out = new TreeSet<>();
    for (EndpointSlice slice : slices) {
      for (Endpoint e : slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
        ObjectReference ref = e.getTargetRef();
        // A ready condition left unset means unknown, which consumers (kube-proxy) take as ready.
        boolean ready = e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
        if (!ready || ref == null || !"Pod".equals(ref.getKind())) {
          continue;
        }
        Pod pod = byName.get(ref.getName());
        if (pod == null || (ref.getUid() != null && !ref.getUid().equals(pod.getMetadata().getUid()))) {
          continue;
        }
        String revision = Pods.label(pod, Labels.REVISION);
        if (revision != null) {
          out.add(revision); // the client Service of a deployment with roles selects its router pods only
        }
      }
    }
    return out;
  }
}
