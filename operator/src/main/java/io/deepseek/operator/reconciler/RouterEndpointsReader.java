package io.deepseek.operator.reconciler;

import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.Names;
import io.deepseek.operator.observe.Observation;
import io.deepseek.operator.observe.Pods;
import io.deepseek.operator.observe.RouterEndpoints;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Reads which routers the client Service of a deployment with roles sends to (its EndpointSlices), only while a router
 * hand-over can happen: routers of two revisions exist, neither going. That is a few lists per prefill/decode rollout, so
 * the operator keeps no EndpointSlice informer (it would cache and watch the slices of every Service it made). Without
 * the right to list them (an install whose RBAC predates it) the hand-over goes by the routers' readiness alone, and
 * says so once.
 */
final class RouterEndpointsReader {
  private static final Logger LOG = Logger.getLogger(RouterEndpointsReader.class);
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final AtomicBoolean warned = new AtomicBoolean();

  /** Whether the plan can use the client Service's endpoints now: a router of another revision stands beside one. */
  static boolean handingOver(DeploymentModel model, Observation o) {
    return model.disaggregated() && o.routing().values().stream()
        .filter(r -> r instanceof Deployment && !Pods.terminating(r)).count() >= 2;
  }

  /** The observation with the revisions the client Service's endpoints hold, or unchanged when they cannot be read. */
  Observation read(KubernetesClient client, DeploymentModel model, Observation o) {
    try {
      var slices = client.discovery().v1().endpointSlices().inNamespace(model.namespace())
          .withLabel(SERVICE_NAME_LABEL, Names.clientService(model)).list().getItems();
      return o.withRouterEndpoints(RouterEndpoints.revisions(slices, o.pods()));
    } catch (KubernetesClientException e) {
      if (warned.compareAndSet(false, true)) {
        LOG.warnf("reading the EndpointSlices of Service %s/%s failed (%s): router hand-overs go by the routers' readiness"
            + " alone, and clients may be refused for a moment in a prefill/decode rollout; give the operator list on"
            + " discovery.k8s.io endpointslices (deploy/operator.yaml, the Helm chart)", model.namespace(),
            Names.clientService(model), e.getCode() == 403 ? "forbidden" : e.getMessage());
      }
      return o;
    }
  }
}
