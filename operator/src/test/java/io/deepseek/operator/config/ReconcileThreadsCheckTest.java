package io.deepseek.operator.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReconcileThreadsCheckTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 16, 200})
  void countsFromOneTo200Start(int threads) {
    assertThatCode(() -> ReconcileThreadsCheck.check(threads)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 201, 1000})
  void otherCountsStopTheStartNamingTheVariable(int threads) {
    assertThatThrownBy(() -> ReconcileThreadsCheck.check(threads)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("DEEPSEEK_OPERATOR_RECONCILE_THREADS (quarkus.operator-sdk.concurrent-reconciliation-threads) must be from 1"
            + " to 200, not " + threads);
  }
}
