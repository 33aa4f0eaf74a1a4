package io.deepseek.operator.config;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Fabric8's token refresh ({@code TokenRefreshInterceptor}), which re-reads the client's configuration at most once a
 * minute also when that configuration holds no token.
 *
 * <p>Fabric8 re-reads the configuration (the kubeconfig, the files it names, the client key, the environment:
 * {@code Config.refresh()}) when a minute has passed since the last token it found, so that a rotated service-account
 * token or a renewed kubeconfig token is used. A client that authenticates with a certificate alone (the local run, the
 * tests, the benchmark; an operator outside the cluster with a certificate kubeconfig) never finds a token, so the minute
 * never starts again: after the first minute fabric8 re-read and re-parsed everything before every request. In a flight
 * recording of 1000 deployments being made, that was 18% of all the operator allocated. Here the re-read happens once a
 * minute in that case too, as fabric8 means it to; a configuration with a token, a token provider, an auth provider or a
 * user name goes through untouched, and so does a 401 (which re-reads at once, as before).
 */
final class TokenRefreshOncePerMinute implements Interceptor {
  static final long PERIOD_NANOS = Duration.ofMinutes(1).toNanos();

  private final Interceptor fabric8;
  private final Config config;
  private final LongSupplier nanoClock;
  private final AtomicLong next;

  TokenRefreshOncePerMinute(Interceptor fabric8, Config config, LongSupplier nanoClock) {
    this.fabric8 = fabric8;
    this.config = config;
    this.nanoClock = nanoClock;
    this.next = new AtomicLong(nanoClock.getAsLong() + PERIOD_NANOS);
  }

  /** Whether fabric8 has anything to refresh: otherwise the client authenticates by certificate alone. */
  static boolean holdsCredentials(Config config) {
    return present(config.getOauthToken()) || present(config.getAutoOAuthToken()) || config.getOauthTokenProvider() != null
        || config.getAuthProvider() != null || present(config.getUsername());
  }

  private static boolean present(String s) {
    return s != null && !s.isEmpty();
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    if (!holdsCredentials(config)) {
      long now = nanoClock.getAsLong();
      long due = next.get();
      if (now - due < 0 || !next.compareAndSet(due, now + PERIOD_NANOS)) {
        return; // re-read less than a minute ago (or by another request just now)
      }
    }
    fabric8.before(builder, request, tags);
  }

  @Override
  public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    fabric8.after(request, response, consumer);
  }

  @Override
  public AsyncBody.Consumer<List<ByteBuffer>> consumer(AsyncBody.Consumer<List<ByteBuffer>> consumer, HttpRequest request) {
    return fabric8.consumer(consumer, request);
  }

  @Override
  public CompletableFuture<Boolean> afterFailure(BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
    return fabric8.afterFailure(builder, response, tags);
  }

  @Override
  public CompletableFuture<Boolean> afterFailure(HttpRequest.Builder builder, HttpResponse<?> response, RequestTags tags) {
    return fabric8.afterFailure(builder, response, tags);
  }

  @Override
  public void afterConnectionFailure(HttpRequest request, Throwable failure) {
    fabric8.afterConnectionFailure(request, failure);
  }
}
