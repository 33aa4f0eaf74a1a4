package io.deepseek.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class TrimmedStoreTest {
  static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: deepseek-r1-0
        namespace: ns
        uid: u-1
        resourceVersion: "42"
        finalizers: []
        labels: {app: deepseek-r1}
        annotations: {kubectl.kubernetes.io/last-applied-configuration: '{}', keep: me}
        managedFields: [{manager: kubectl, operation: Apply}]
        ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: deepseek-r1, uid: s-1, controller: true}]
      spec:
        nodeName: gpu-0
        containers:
        - name: engine
          image: lmsysorg/sglang:v0.5.18
          ports: [{name: http, containerPort: 30000}]
          resources: {limits: {nvidia.com/gpu: "8"}}
          env: [{name: A, value: b}]
      status:
        phase: Running
        podIP: 10.244.0.5
        someFutureField: kept
        conditions: [{type: Ready, status: "True"}, {type: PodScheduled, status: "True"}]
        containerStatuses: [{name: engine, ready: true, restartCount: 0, image: x, imageID: y, state: {running: {startedAt: "2026-12-03T00:00:00Z"}}}]
      """;

  @Test
  void aPodKeepsWhatIsReadAndItsEmptyMapsAreShared() {
    Pod pod = Serialization.unmarshal(POD, Pod.class);
    TrimmedStore.trim(pod);
    assertThat(pod.getMetadata().getManagedFields()).isNull();
    assertThat(pod.getMetadata().getAnnotations()).containsOnlyKeys("keep");
    assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-0");
    assertThat(pod.getSpec().getContainers()).singleElement().satisfies(c -> {
      assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(30000));
      assertThat(c.getImage()).isNull();
    });
    assertThat(pod.getStatus().getConditions()).hasSize(2);
    assertThat(pod.getStatus().getAdditionalProperties()).as("an unknown field is kept").containsEntry("someFutureField", "kept");
    Object shared = pod.getAdditionalProperties();
    assertThat(pod.getMetadata().getAdditionalProperties()).isSameAs(shared);
    assertThat(pod.getMetadata().getAdditionalProperties()).isEmpty();
    assertThat(pod.getMetadata().getOwnerReferences().get(0).getAdditionalProperties()).isSameAs(shared);
    assertThat(pod.getStatus().getConditions().get(1).getAdditionalProperties()).isSameAs(shared);
    assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getRunning().getAdditionalProperties()).isSameAs(shared);
    assertThat(Compactor.compact(pod)).as("nothing left to share").isZero();
  }

  @Test
  void theStringsCachedObjectsRepeatAreHeldOnceAndTheUniqueOnesAreLeftAlone() {
    Pod one = Serialization.unmarshal(POD, Pod.class);
    Pod two = Serialization.unmarshal(POD.replace("finalizers: []", "finalizers: [x/y]"), Pod.class);
    assertThat(one.getMetadata().getNamespace()).as("Jackson makes a string per value").isNotSameAs(two.getMetadata().getNamespace());
    TrimmedStore.trim(one);
    TrimmedStore.trim(two);
    assertThat(one.getMetadata().getNamespace()).isSameAs(two.getMetadata().getNamespace());
    assertThat(one.getMetadata().getLabels().get("app")).as("a map's value").isSameAs(two.getMetadata().getLabels().get("app"));
    assertThat(one.getMetadata().getOwnerReferences().get(0).getKind()).isSameAs(two.getMetadata().getOwnerReferences().get(0).getKind());
    assertThat(one.getStatus().getPhase()).isSameAs(two.getStatus().getPhase());
    assertThat(one.getStatus().getConditions().get(0).getType()).as("in a list's objects")
        .isSameAs(two.getStatus().getConditions().get(0).getType());
    assertThat(two.getMetadata().getFinalizers()).as("a list's strings").singleElement().isSameAs("x/y".intern());
    assertThat(one.getStatus().getAdditionalProperties().get("someFutureField")).as("an unknown field's value")
        .isSameAs(two.getStatus().getAdditionalProperties().get("someFutureField"));
    assertThat(one.getMetadata().getUid()).as("unique by design: not interned").isNotSameAs(two.getMetadata().getUid());
    assertThat(one.getMetadata().getResourceVersion()).isNotSameAs(two.getMetadata().getResourceVersion());
    Pod plain = Serialization.unmarshal(POD, Pod.class);
    TrimmedStore.trimFields(plain);
    assertThat(one).as("reads as before").isEqualTo(plain);
  }

  @Test
  void aTrimmedObjectStillSerializesCopiesAndBuildsAsBefore() {
    Pod pod = Serialization.unmarshal(POD, Pod.class);
    TrimmedStore.trim(pod);
    Pod unshared = Serialization.unmarshal(POD, Pod.class);
    TrimmedStore.trimFields(unshared);
    assertThat(pod).isEqualTo(unshared);
    assertThat(Serialization.asJson(pod)).isEqualTo(Serialization.asJson(unshared));
    assertThat(Serialization.unmarshal(Serialization.asJson(pod), Pod.class).getStatus().getAdditionalProperties())
        .containsEntry("someFutureField", "kept");
    Pod built = new PodBuilder(pod).editMetadata().addToLabels("x", "y").endMetadata().build();
    built.getMetadata().setAdditionalProperty("added", 1);
    assertThat(built.getMetadata().getAdditionalProperties()).containsEntry("added", 1);
    assertThatThrownBy(() -> pod.getMetadata().setAdditionalProperty("added", 1)).as("the cached object is read-only there")
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aStatefulSetLosesItsTemplateSpecAndAServiceKeepsItsPorts() {
    StatefulSet sts = new StatefulSetBuilder().withNewMetadata().withName("deepseek-r1").endMetadata().withNewSpec()
        .withReplicas(2).withNewTemplate().withNewMetadata().addToLabels("a", "b").endMetadata().withNewSpec()
        .addNewContainer().withName("engine").endContainer().endSpec().endTemplate().endSpec().build();
    TrimmedStore.trim(sts);
    assertThat(sts.getSpec().getTemplate().getSpec()).isNull();
    assertThat(sts.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("a", "b");
    assertThat(sts.getSpec().getReplicas()).isEqualTo(2);
    Service svc = Serialization.unmarshal("""
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec: {ports: [{port: 80, targetPort: http}], selector: {a: b}}
        """, Service.class);
    assertThat(Compactor.compact(svc)).isGreaterThanOrEqualTo(4);
    assertThat(svc.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("http");
  }

  @Test
  void aControllerRevisionKeepsItsDataAsJsonTextThatReadsAsBefore() {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getMetadata().setNamespace("ns");
    String revision = io.deepseek.operator.model.Revision.of(d);
    // What the informer hands the store: the object as read from the API server.
    String stored = Serialization.asJson(io.deepseek.operator.desired.RevisionHistory.of(d, revision));
    ControllerRevision asRead = Serialization.unmarshal(stored, ControllerRevision.class);
    ControllerRevision cached = TrimmedStore.trim(Serialization.unmarshal(stored, ControllerRevision.class));
    assertThat(cached.getData()).isInstanceOf(String.class);
    assertThat(io.deepseek.operator.model.Json.same(io.deepseek.operator.desired.RevisionHistory.at(d, cached).getSpec(),
        io.deepseek.operator.desired.RevisionHistory.at(d, asRead).getSpec())).isTrue();
    assertThat(io.deepseek.operator.desired.RevisionHistory.at(d, cached).getSpec().engine.image).isEqualTo(d.getSpec().engine.image);
    assertThat(TrimmedStore.trim(cached).getData()).as("trimmed once").isSameAs(cached.getData());
  }

  @Test
  void ourOwnResourceHasOnlyItsMetadataShared() {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    String before = Serialization.asJson(d);
    TrimmedStore.trim(d);
    assertThat(Serialization.asJson(d)).isEqualTo(before);
    assertThat(Compactor.compact(d.getMetadata())).isZero();
  }
}
