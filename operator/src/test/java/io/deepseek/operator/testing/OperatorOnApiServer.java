package io.deepseek.operator.testing;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.reconciler.DeepSeekDeploymentReconciler;
import io.deepseek.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.OperatorException;
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

  /**
   * Starts the operator, up to three times: right after the CRDs are installed the API server now and then closes the
   * connection of an informer's first list ("Connection was closed"), and JOSDK then fails the whole start. A real
   * operator process exits and is restarted by its Deployment; here a fresh Operator is tried instead. A start that fails
   * three times is a real failure.
   */
  @BeforeAll
  static void startOperator() {
    client = ApiServer.client();
    for (int attempt = 1; ; attempt++) {
      operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
      operator.register(new DeepSeekDeploymentReconciler(new TestConfig(), METERS));
      try {
        operator.start();
        return;
      } catch (OperatorException e) {
        operator.stop();
        if (attempt == 3) {
          throw e;
        }
        System.err.println("[api-server tests] operator start failed (" + rootCause(e) + "), starting a new one");
      }
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.toString();
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
