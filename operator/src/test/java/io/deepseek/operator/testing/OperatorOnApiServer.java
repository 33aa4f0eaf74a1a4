package io.deepseek.operator.testing;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.reconciler.DeepSeekDeploymentReconciler;
import io.deepseek.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class whose tests run the reconciler in this JVM against the test API server, with the operator's default
 * configuration; its writes are counted in {@link #METERS}.
 */
public abstract class OperatorOnApiServer {
  protected static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
  protected static KubernetesClient client;
  protected static Operator operator;

  @BeforeAll
  static void startOperator() {
    client = ApiServer.client();
    operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
    operator.register(new DeepSeekDeploymentReconciler(new TestConfig(), METERS));
    operator.start();
  }

  @AfterAll
  static void stopOperator() {
    operator.stop();
  }

  /** A condition of a deployment's status, or null while it has none. */
  protected static Condition condition(String ns, String name, String type) {
    DeepSeekDeployment d = client.resources(DeepSeekDeployment.class).inNamespace(ns).withName(name).get();
    return d == null || d.getStatus() == null ? null : Conditions.find(d.getStatus().conditions, type);
  }
}
