package io.deepseek.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.testing.ApiServer;
import io.deepseek.operator.testing.Fixtures;
import io.deepseek.operator.testing.OperatorOnApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against a real API server (real admission, SSA, status and scale subresources). There is no
 * controller-manager here, so the test stands in for the StatefulSet controller and kubelet: it creates the pods the
 * StatefulSets ask for and marks them Ready.
 */
class ReconcilerApiServerTest extends OperatorOnApiServer {
  static DeepSeekDeployment create(String ns) {
    return create(ns, "deepseek-r1-sglang-2x8-h100.yaml");
  }

  static DeepSeekDeployment create(String ns, String example) {
    DeepSeekDeployment d = Fixtures.example(example);
    d.getMetadata().setNamespace(ns);
    d.getMetadata().setUid(null);
    d.getMetadata().setGeneration(null);
    return client.resource(d).create();
  }

  static StatefulSet sts(String ns, String name) {
    return client.apps().statefulSets().inNamespace(ns).withName(name).get();
  }

  /** What the StatefulSet controller and kubelet would do: a pod from the template, scheduled, running, Ready. */
  static Pod runPod(StatefulSet set, String name, int ordinal, String ip, String node) {
    PodTemplateSpec t = set.getSpec().getTemplate();
    Pod pod = client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(set.getMetadata().getNamespace())
        .withLabels(t.getMetadata().getLabels()).addToLabels(Labels.POD_INDEX, Integer.toString(ordinal)).endMetadata()
        .withSpec(t.getSpec()).editSpec().withNodeName(node).endSpec().build()).create();
    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").withPodIP(ip)
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build()).build());
    return client.resource(pod).updateStatus();
  }

  /** Waits for {@code done}, touching the deployment every 2 s so that it is reconciled now, not at its next re-check. */
  static void touchUntil(String ns, String name, java.util.concurrent.Callable<Boolean> done) {
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(2)).until(() -> {
      if (done.call()) {
        return true;
      }
      // A merge patch carries no resourceVersion: the operator's own writes in between cannot make it conflict.
      client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(name).patch(
          io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
          "{\"metadata\":{\"annotations\":{\"touch\":\"" + System.nanoTime() + "\"}}}");
      return false;
    });
  }

  /** A simulated H200 node (8 GPUs, 8 RDMA HCAs), Ready: what kwok's nodes look like to the API server. */
  static void h200Node(String name) {
    io.fabric8.kubernetes.api.model.Node node = client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder()
        .withNewMetadata().withName(name).addToLabels("nvidia.com/gpu.product", "NVIDIA-H200").endMetadata().build())
        .createOr(n -> n.update());
    // The kubelet's part (kwok's here): what the node has, and that it is Ready.
    node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
        .addToAllocatable("nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity("8"))
        .addToAllocatable("rdma/hca", new io.fabric8.kubernetes.api.model.Quantity("8"))
        .addToAllocatable("pods", new io.fabric8.kubernetes.api.model.Quantity("110"))
        .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
    node = client.resource(node).updateStatus();
    // The admission plugin TaintNodesByCondition taints a new node not-ready; the node lifecycle controller (not run here)
    // lifts it once the node is Ready.
    node.getSpec().setTaints(List.of());
    client.resource(node).update();
  }

  static double writes() {
    return METERS.find("deepseek.operator.api.writes").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void createsTheGroupReportsReadyScalesAndWritesNothingWhenNothingChanged() {
    String ns = ApiServer.newNamespace("rec");
    DeepSeekDeployment d = create(ns);

    await().atMost(Duration.ofSeconds(30)).until(() -> sts(ns, "deepseek-r1") != null);
    StatefulSet leaders = sts(ns, "deepseek-r1");
    assertThat(leaders.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(d.getMetadata().getUid()));
    assertThat(leaders.getMetadata().getManagedFields()).anySatisfy(f -> assertThat(f.getManager()).isEqualTo("deepseek-operator"));
    assertThat(client.services().inNamespace(ns).withName("deepseek-r1-pods").get().getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(client.services().inNamespace(ns).withName("deepseek-r1").get().getSpec().getSelector())
        .containsEntry(Labels.POSITION, Labels.POSITION_LEADER);

    Pod leader = runPod(leaders, "deepseek-r1-0", 0, "10.1.0.5", "gpu-0");
    await().atMost(Duration.ofSeconds(30)).until(() -> sts(ns, "deepseek-r1-0") != null);
    StatefulSet workers = sts(ns, "deepseek-r1-0");
    assertThat(workers.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(leader.getMetadata().getUid()));
    assertThat(workers.getSpec().getReplicas()).isEqualTo(1);
    assertThat(workers.getSpec().getOrdinals().getStart()).isEqualTo(1);
    Map<String, String> env = workers.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env).containsEntry("DS_LEADER_IP", "10.1.0.5").containsEntry("DS_GROUP_INDEX", "0")
        .containsEntry("DS_LEADER_ADDRESS", "deepseek-r1-0.deepseek-r1-pods." + ns + ".svc");

    runPod(workers, "deepseek-r1-0-1", 1, "10.1.0.6", "gpu-1");
    await().atMost(Duration.ofSeconds(30)).until(() -> condition(ns, "deepseek-r1", "Ready") != null
        && "True".equals(condition(ns, "deepseek-r1", "Ready").getStatus()));
    DeepSeekDeployment ready = client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("deepseek-r1").get();
    assertThat(ready.getStatus().readyReplicas).isEqualTo(1);
    assertThat(ready.getStatus().groups.get(0).nodes).containsExactly("gpu-0", "gpu-1");
    assertThat(ready.getStatus().endpoint).isEqualTo("http://deepseek-r1." + ns + ".svc:8000/v1");
    assertThat(ready.getStatus().observedGeneration).isEqualTo(ready.getMetadata().getGeneration());
    assertThat(ready.getSpec().engine.image).as("the status patch leaves the spec alone").isEqualTo("lmsysorg/sglang:v0.5.18");
    assertThat(ready.getStatus().model.known).as("status.model through the status subresource").isEqualTo("DeepSeek-R1");
    assertThat(ready.getStatus().model.engineVersion).isEqualTo("0.5.18");

    // A reconcile that finds everything as it should be writes nothing.
    List<String> versions = resourceVersions(ns);
    double before = writes();
    client.pods().inNamespace(ns).withName("deepseek-r1-0").edit(p -> { p.getMetadata().getLabels().put("touched", "1"); return p; });
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
    assertThat(writes()).isEqualTo(before);
    assertThat(resourceVersions(ns)).isEqualTo(versions);

    // The scale subresource: selector of the leader pods, replicas from the spec.
    Scale scale = client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("deepseek-r1").scale();
    assertThat(scale.getStatus().getSelector()).isEqualTo("serving.deepseek-operator.io/deployment=deepseek-r1,serving.deepseek-operator.io/role=leader");
    assertThat(scale.getStatus().getReplicas()).isEqualTo(1);
    client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("deepseek-r1").scale(2);
    await().atMost(Duration.ofSeconds(30)).until(() -> sts(ns, "deepseek-r1").getSpec().getReplicas() == 2);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(condition(ns, "deepseek-r1", "Progressing").getReason()).isEqualTo("ScalingUp");
      assertThat(client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("deepseek-r1").get().getStatus().ready).isEqualTo("1/2");
    });
  }

  /**
   * Prefill and decode roles: a set of groups each, with its own StatefulSets, headless Service and status; scaling a role
   * changes only that role's leader StatefulSet and no pod template.
   */
  @Test
  void rolesGetASetOfGroupsEachAndScaleOnTheirOwn() {
    String ns = ApiServer.newNamespace("pd");
    // Placement: one prefill pod and two decode pods of 8 H200 GPUs, and only two such nodes: nothing of either role is made.
    for (String node : List.of("pd-h200-0", "pd-h200-1")) {
      h200Node(node);
    }
    create(ns, "disaggregated/deepseek-v3.1-sglang-pd-h200.yaml");
    // (The nodes' room is read at most every 5 s, for all deployments: a reading from before the nodes may come first.)
    touchUntil(ns, "deepseek-v3-1", () -> condition(ns, "deepseek-v3-1", "Ready") != null
        && "InsufficientCapacity".equals(condition(ns, "deepseek-v3-1", "Ready").getReason())
        && condition(ns, "deepseek-v3-1", "Ready").getMessage().contains("pd-h200-1 8"));
    assertThat(condition(ns, "deepseek-v3-1", "Ready").getMessage()).contains("room for 2 of their 3 pods", "pd-h200-0 8");
    assertThat(client.apps().statefulSets().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("deepseek-v3-1").get().getStatus()
        .placement.phase).isEqualTo("Waiting");
    // A third node: both roles' first groups are made (the deployment looks again every 30 s; a touch makes it now).
    h200Node("pd-h200-2");
    touchUntil(ns, "deepseek-v3-1", () -> sts(ns, "deepseek-v3-1-prefill") != null && sts(ns, "deepseek-v3-1-decode") != null);
    assertThat(client.services().inNamespace(ns).withName("deepseek-v3-1-decode-pods").get().getSpec().getSelector())
        .containsEntry(Labels.SERVING_ROLE, "decode");
    // The client Service points at the routers; the router of the revision reads pods with its own account.
    assertThat(client.services().inNamespace(ns).withName("deepseek-v3-1").get().getSpec().getSelector())
        .containsEntry(Labels.COMPONENT, "router");
    String revision = sts(ns, "deepseek-v3-1-decode").getSpec().getTemplate().getMetadata().getLabels().get(Labels.REVISION);
    await().atMost(Duration.ofSeconds(30)).until(() -> client.apps().deployments().inNamespace(ns)
        .withName("deepseek-v3-1-router-" + revision).get() != null);
    assertThat(client.rbac().roles().inNamespace(ns).withName("deepseek-v3-1-router").get().getRules()).singleElement()
        .satisfies(r -> assertThat(r.getVerbs()).containsExactly("get", "list", "watch"));
    assertThat(client.rbac().roleBindings().inNamespace(ns).withName("deepseek-v3-1-router").get().getSubjects()).singleElement()
        .satisfies(sub -> assertThat(sub.getName()).isEqualTo("deepseek-v3-1-router"));

    runPod(sts(ns, "deepseek-v3-1-prefill"), "deepseek-v3-1-prefill-0", 0, "10.1.0.5", "gpu-0");
    Pod decodeLeader = runPod(sts(ns, "deepseek-v3-1-decode"), "deepseek-v3-1-decode-0", 0, "10.1.0.6", "gpu-1");
    await().atMost(Duration.ofSeconds(30)).until(() -> sts(ns, "deepseek-v3-1-decode-0") != null);
    StatefulSet workers = sts(ns, "deepseek-v3-1-decode-0");
    assertThat(workers.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(decodeLeader.getMetadata().getUid()));
    assertThat(sts(ns, "deepseek-v3-1-prefill-0")).as("prefill groups are one node").isNull();
    runPod(workers, "deepseek-v3-1-decode-0-1", 1, "10.1.0.7", "gpu-2");
    // Every group is ready; no router pod yet (nothing runs Deployments here): not Ready, and it says why.
    await().atMost(Duration.ofSeconds(30)).until(() -> condition(ns, "deepseek-v3-1", "Ready") != null
        && "RouterNotReady".equals(condition(ns, "deepseek-v3-1", "Ready").getReason()));
    // What the Deployment controller reports once a router pod has found its pair.
    var router = client.apps().deployments().inNamespace(ns).withName("deepseek-v3-1-router-" + revision).get();
    router.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReplicas(2).withReadyReplicas(1)
        .withAvailableReplicas(1).build());
    client.resource(router).updateStatus();
    await().atMost(Duration.ofSeconds(30)).until(() -> "True".equals(condition(ns, "deepseek-v3-1", "Ready").getStatus()));
    DeepSeekDeployment ready = client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("deepseek-v3-1").get();
    assertThat(ready.getStatus().ready).isEqualTo("2/2");
    assertThat(ready.getStatus().roles).extracting(r -> r.role + " " + r.readyReplicas + "/" + r.desiredReplicas)
        .containsExactly("prefill 1/1", "decode 1/1");
    assertThat(ready.getStatus().groups).extracting(g -> g.role + "-" + g.index + " " + g.nodes)
        .containsExactly("prefill-0 [gpu-0]", "decode-0 [gpu-1, gpu-2]");
    assertThat(ready.getStatus().placement.phase).isEqualTo("Placed");
    assertThat(ready.getStatus().placement.placedTime).isNotNull();

    // Scaling decode: its leader StatefulSet grows; no template and nothing of prefill changes.
    String prefillVersion = sts(ns, "deepseek-v3-1-prefill").getMetadata().getResourceVersion();
    String decodeTemplate = sts(ns, "deepseek-v3-1-decode").getSpec().getTemplate().getMetadata().getLabels().get(Labels.REVISION);
    client.resources(DeepSeekDeployment.class).inNamespace(ns).withName("deepseek-v3-1").patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"spec\":{\"roles\":{\"decode\":{\"replicas\":2}}}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> sts(ns, "deepseek-v3-1-decode").getSpec().getReplicas() == 2);
    assertThat(sts(ns, "deepseek-v3-1-decode").getSpec().getTemplate().getMetadata().getLabels().get(Labels.REVISION))
        .isEqualTo(decodeTemplate);
    assertThat(sts(ns, "deepseek-v3-1-prefill").getMetadata().getResourceVersion()).isEqualTo(prefillVersion);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.resources(DeepSeekDeployment.class)
        .inNamespace(ns).withName("deepseek-v3-1").get().getStatus().ready).isEqualTo("2/3"));
  }

  @Test
  void aSpecOnlyTheOperatorCanJudgeIsReportedAndNothingIsCreated() {
    String ns = ApiServer.newNamespace("inv");
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getMetadata().setNamespace(ns);
    d.getMetadata().setUid(null);
    d.getSpec().engine.extraArgs = List.of("--tp-size", "8");
    client.resource(d).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> condition(ns, "deepseek-r1", "Degraded") != null);
    Condition degraded = condition(ns, "deepseek-r1", "Degraded");
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getReason()).isEqualTo("InvalidSpec");
    assertThat(degraded.getMessage()).contains("--tp-size is generated by the operator from spec.parallelism.tensor");
    assertThat(condition(ns, "deepseek-r1", "Ready").getReason()).isEqualTo("InvalidSpec");
    await().atMost(Duration.ofSeconds(10)).until(() -> !client.v1().events().inNamespace(ns).list().getItems().isEmpty());
    assertThat(client.v1().events().inNamespace(ns).list().getItems()).anySatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("InvalidSpec");
      assertThat(e.getInvolvedObject().getName()).isEqualTo("deepseek-r1");
    });
    assertThat(client.apps().statefulSets().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(client.services().inNamespace(ns).list().getItems()).isEmpty();
  }

  /**
   * A write the API server refuses (here a namespace quota of no Services: 403) fails the reconcile; the error is
   * reported in Degraded, written over the newest copy of the deployment with its resourceVersion (StatusWrites), and
   * nothing else is made until the quota allows it.
   */
  @Test
  void aWriteTheApiServerRefusesIsReportedAsAReconcileErrorAndRetried() {
    String ns = ApiServer.newNamespace("quota");
    io.fabric8.kubernetes.api.model.ResourceQuota quota = client.resource(new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder()
        .withNewMetadata().withName("no-services").withNamespace(ns).endMetadata()
        .withNewSpec().addToHard("count/services", new io.fabric8.kubernetes.api.model.Quantity("0")).endSpec().build()).create();
    // The quota controller's part (there is no controller-manager here): what is used so far.
    quota.setStatus(new io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder()
        .addToHard("count/services", new io.fabric8.kubernetes.api.model.Quantity("0"))
        .addToUsed("count/services", new io.fabric8.kubernetes.api.model.Quantity("0")).build());
    client.resource(quota).updateStatus();
    create(ns);
    await().atMost(Duration.ofSeconds(30)).until(() -> condition(ns, "deepseek-r1", "Degraded") != null
        && "ReconcileError".equals(condition(ns, "deepseek-r1", "Degraded").getReason()));
    Condition degraded = condition(ns, "deepseek-r1", "Degraded");
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getMessage()).startsWith("The operator could not apply the deployment and will retry:")
        .contains("exceeded quota");
    assertThat(client.services().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(client.apps().statefulSets().inNamespace(ns).list().getItems()).isEmpty();

    // The quota lifted: the retry makes everything, and Degraded goes.
    client.resource(quota).delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> sts(ns, "deepseek-r1") != null);
    touchUntil(ns, "deepseek-r1", () -> !"True".equals(condition(ns, "deepseek-r1", "Degraded").getStatus()));
  }

  static List<String> resourceVersions(String ns) {
    return java.util.stream.Stream.concat(
            client.apps().statefulSets().inNamespace(ns).list().getItems().stream(),
            client.services().inNamespace(ns).list().getItems().stream())
        .map(HasMetadata::getMetadata).map(m -> m.getName() + "@" + m.getResourceVersion()).sorted().toList();
  }

  @Test
  void anApiKeyFromASecretAppearsNowhereTheOperatorWrites() {
    String ns = ApiServer.newNamespace("sec");
    String secret = "sk-do-not-leak-7f3a9c";
    client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("ds-api-key").withNamespace(ns)
        .endMetadata().addToStringData("key", secret).build()).create();
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-distill-qwen-1.5b-vllm-1x2-gpu.yaml");
    d.getMetadata().setNamespace(ns);
    d.getMetadata().setUid(null);
    client.resource(d).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> sts(ns, "r1-distill-qwen-1-5b") != null);
    runPod(sts(ns, "r1-distill-qwen-1-5b"), "r1-distill-qwen-1-5b-0", 0, "10.1.0.9", "gpu-0");
    await().atMost(Duration.ofSeconds(30)).until(() -> condition(ns, "r1-distill-qwen-1-5b", "Ready") != null
        && "True".equals(condition(ns, "r1-distill-qwen-1-5b", "Ready").getStatus()));
    StatefulSet set = sts(ns, "r1-distill-qwen-1-5b");
    assertThat(set.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> {
          assertThat(e.getName()).isEqualTo("VLLM_API_KEY");
          assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("ds-api-key");
        });
    String everything = client.getKubernetesSerialization().asYaml(List.of(
        client.apps().statefulSets().inNamespace(ns).list(), client.services().inNamespace(ns).list(),
        client.v1().events().inNamespace(ns).list(), client.resources(DeepSeekDeployment.class).inNamespace(ns).list()));
    assertThat(everything).contains("ds-api-key").doesNotContain(secret);
  }
}
