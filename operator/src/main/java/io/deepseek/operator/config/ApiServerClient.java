package io.deepseek.operator.config;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import io.fabric8.kubernetes.client.vertx.VertxHttpClient;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientBuilder;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The operator's Kubernetes client: Quarkus's (its configuration, serialization and Vert.x), with TLS engines that
 * prefer ChaCha20-Poly1305 when the JVM runs without C2 ({@link SoftwareCiphers}) and a token refresh that re-reads the
 * configuration at most once a minute ({@link TokenRefreshOncePerMinute}). It replaces Quarkus's default bean.
 */
@Singleton
public class ApiServerClient {
  /** Decided once: the JVM's compilers do not change while it runs. */
  static final boolean SOFTWARE_CIPHERS = !SoftwareCiphers.optimisingCompiler();

  @Produces
  @Singleton
  KubernetesClient kubernetesClient(KubernetesSerialization serialization, Config config, Vertx vertx) {
    return new KubernetesClientBuilder().withKubernetesSerialization(serialization).withConfig(config)
        .withHttpClientFactory(new Factory(vertx, SOFTWARE_CIPHERS)).build();
  }

  void close(@Disposes KubernetesClient client) {
    client.close();
  }

  /** Fabric8's Vert.x client on the given Vert.x; with {@code chachaFirst}, its TLS contexts are wrapped before use. */
  public static final class Factory extends VertxHttpClientFactory {
    private final Vertx vertx;
    private final boolean chachaFirst;

    public Factory(Vertx vertx, boolean chachaFirst) {
      super(vertx);
      this.vertx = vertx;
      this.chachaFirst = chachaFirst;
    }

    /** Fabric8's builder for this configuration, with its token refresh at most once a minute ({@link TokenRefreshOncePerMinute}). */
    @Override
    public HttpClient.Builder newBuilder(Config config) {
      HttpClient.Builder builder = super.newBuilder(config);
      if (builder instanceof StandardHttpClientBuilder<?, ?, ?> standard) {
        Interceptor fabric8 = standard.getInterceptors().get(TokenRefreshInterceptor.NAME);
        if (fabric8 != null) {
          builder.addOrReplaceInterceptor(TokenRefreshInterceptor.NAME, new TokenRefreshOncePerMinute(fabric8, config, System::nanoTime));
        }
      }
      return builder;
    }

    @Override
    public VertxHttpClientBuilder<VertxHttpClientFactory> newBuilder() {
      return new VertxHttpClientBuilder<>(this, vertx) {
        @Override
        public VertxHttpClient<VertxHttpClientFactory> build() {
          // Clients derived from this one (watches, other timeouts) copy the wrapped context.
          if (chachaFirst && sslContext != null) {
            sslContext = SoftwareCiphers.wrap(sslContext);
          }
          return super.build();
        }
      };
    }
  }
}
