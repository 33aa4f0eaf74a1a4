package io.deepseek.operator.reconciler;

import io.deepseek.operator.model.Json;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.Map;

/**
 * An informer store that keeps only what the operator reads, so that its memory grows with the number of objects, not
 * with their size. Every object loses its managedFields and kubectl's last-applied copy of itself (never read: the
 * operator decides writes by its own hash annotation). A pod keeps its status, its node and its containers' names and
 * ports (the engine's metrics port); a StatefulSet keeps everything but its pod template's spec (what it runs is known
 * from the revision label and the applied hash); a ControllerRevision keeps its data as JSON text. The operator's own
 * writes go into JOSDK's temporary cache whole, until the informer's copy (trimmed) replaces them.
 *
 * <p>Every fabric8 model object also carries a map for fields its class does not know ({@code additionalProperties}),
 * made when the object is, and nearly always empty: at 1000 deployments the cached objects held 229,000 such maps, a
 * third of the live heap's maps (docs/performance.md). An empty one is replaced by one shared empty map, and the
 * strings the objects repeat (namespaces, label values, owner kinds, phases) are interned ({@link Compactor}).
 */
public class TrimmedStore<T extends HasMetadata> extends BasicItemStore<T> {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  /**
   * The page size of an informer's lists: an object is trimmed once it is in the store, so a whole list of untrimmed
   * objects is what the heap must hold at (re)start. Unpaged, a restart with 1000 deployments (2000 pods, 2000
   * StatefulSets at once) did not fit a 192 MiB heap.
   */
  public static final long LIST_PAGE = 100;

  public TrimmedStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T obj) {
    return super.put(key, trim(obj));
  }

  /** The object as it is kept (changed in place: the informer hands each object to the store once). */
  static <T extends HasMetadata> T trim(T obj) {
    trimFields(obj);
    // Our own resources are not fabric8 model classes: only their metadata is.
    Compactor.compact(Compactor.isModel(obj.getClass()) ? obj : obj.getMetadata());
    return obj;
  }

  static <T extends HasMetadata> void trimFields(T obj) {
    obj.getMetadata().setManagedFields(null);
    Map<String, String> annotations = obj.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
      annotations.remove(LAST_APPLIED);
    }
    if (obj instanceof Pod pod && pod.getSpec() != null) {
      PodSpec spec = new PodSpec();
      spec.setNodeName(pod.getSpec().getNodeName());
      List<Container> containers = pod.getSpec().getContainers() == null ? List.of() : pod.getSpec().getContainers();
      spec.setContainers(containers.stream().map(c -> new ContainerBuilder().withName(c.getName()).withPorts(c.getPorts()).build())
          .toList());
      pod.setSpec(spec);
    } else if (obj instanceof StatefulSet sts && sts.getSpec() != null && sts.getSpec().getTemplate() != null) {
      sts.getSpec().getTemplate().setSpec(null);
    } else if (obj instanceof ControllerRevision rev && rev.getData() != null && !(rev.getData() instanceof String)) {
      // Read only when a group is built at an older revision (RevisionHistory.at): kept as its JSON text, a tenth of
      // the heap of the tree of maps Jackson makes of it.
      rev.setData(Json.text(rev.getData()));
    }
  }
}
