package io.deepseek.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.testing.ApiServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Fabric8's token refresh runs at most once a minute for a client with a certificate alone, and as before otherwise. */
class TokenRefreshOncePerMinuteTest {
  static final long SECOND = Duration.ofSeconds(1).toNanos();

  static final class Counting implements Interceptor {
    final AtomicInteger before = new AtomicInteger();
    final AtomicInteger afterFailure = new AtomicInteger();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      before.incrementAndGet();
    }

    @Override
    public CompletableFuture<Boolean> afterFailure(BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
      afterFailure.incrementAndGet();
      return CompletableFuture.completedFuture(false);
    }
  }

  static Config certificateOnly() {
    return new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:6443").withClientCertData("Y2VydA==")
        .withClientKeyData("a2V5").build();
  }

  @Test
  void aCertificateOnlyClientReReadsItsConfigurationOnceAMinute() {
    AtomicLong clock = new AtomicLong(1_000 * SECOND);
    Counting fabric8 = new Counting();
    TokenRefreshOncePerMinute refresh = new TokenRefreshOncePerMinute(fabric8, certificateOnly(), clock::get);
    refresh.before(null, null, null);
    clock.addAndGet(59 * SECOND);
    refresh.before(null, null, null);
    assertThat(fabric8.before).as("within the first minute: fabric8 would not re-read either").hasValue(0);
    clock.addAndGet(2 * SECOND);
    for (int i = 0; i < 100; i++) {
      refresh.before(null, null, null);
    }
    assertThat(fabric8.before).as("100 requests after the minute: one re-read (fabric8's own: 100)").hasValue(1);
    clock.addAndGet(60 * SECOND);
    refresh.before(null, null, null);
    refresh.before(null, null, null);
    assertThat(fabric8.before).hasValue(2);
    refresh.afterFailure((BasicBuilder) null, null, null);
    assertThat(fabric8.afterFailure).as("a 401 re-reads at once, as before").hasValue(1);
  }

  @Test
  void aClientWithATokenOrAUserGoesThroughUntouched() {
    for (Config config : new Config[] {new ConfigBuilder(certificateOnly()).withOauthToken("t").build(),
        new ConfigBuilder(certificateOnly()).withUsername("u").withPassword("p").build()}) {
      Counting fabric8 = new Counting();
      TokenRefreshOncePerMinute refresh = new TokenRefreshOncePerMinute(fabric8, config, () -> 0L);
      for (int i = 0; i < 5; i++) {
        refresh.before(null, null, null);
      }
      assertThat(fabric8.before).hasValue(5);
    }
    Config auto = certificateOnly();
    Counting fabric8 = new Counting();
    TokenRefreshOncePerMinute refresh = new TokenRefreshOncePerMinute(fabric8, auto, () -> 0L);
    refresh.before(null, null, null);
    auto.setAutoOAuthToken("found by a re-read");
    refresh.before(null, null, null);
    assertThat(fabric8.before).as("a token found later (a service-account token): fabric8 decides again").hasValue(1);
    assertThat(TokenRefreshOncePerMinute.holdsCredentials(certificateOnly())).isFalse();
  }

  /** The test API server's client authenticates by certificate alone, as the local run and the benchmark do. */
  @Test
  void theOperatorsClientFactoryPutsItInPlaceOfFabric8s() {
    Config config = ApiServer.client().getConfiguration();
    assertThat(TokenRefreshOncePerMinute.holdsCredentials(config)).isFalse();
    Vertx vertx = Vertx.vertx();
    try {
      var builder = new ApiServerClient.Factory(vertx, false).newBuilder(config);
      Interceptor token = ((StandardHttpClientBuilder<?, ?, ?>) builder).getInterceptors().get(TokenRefreshInterceptor.NAME);
      assertThat(token).isInstanceOf(TokenRefreshOncePerMinute.class);
    } finally {
      vertx.close();
    }
  }
}
