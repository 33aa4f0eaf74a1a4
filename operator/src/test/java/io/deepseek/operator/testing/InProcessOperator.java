package io.deepseek.operator.testing;

import io.deepseek.operator.reconciler.DeepSeekDeploymentReconciler;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.MeterRegistry;

/** The reconciler run in this JVM against the test API server, with the operator's default configuration. */
public final class InProcessOperator {
  private InProcessOperator() {}

  public static Operator start(MeterRegistry meters) {
    Operator operator = new Operator(o -> o.withKubernetesClient(ApiServer.client()).withCloseClientOnStop(false));
    operator.register(new DeepSeekDeploymentReconciler(new TestConfig(), meters));
    operator.start();
    return operator;
  }
}
