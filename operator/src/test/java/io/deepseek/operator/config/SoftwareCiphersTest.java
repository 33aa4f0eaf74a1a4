package io.deepseek.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.deepseek.operator.testing.ApiServer;
import io.deepseek.operator.testing.InsecureTls;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Vertx;
import java.net.URL;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/** The TLS engines the operator's client uses without C2 offer ChaCha20-Poly1305 first, and a real API server takes it. */
class SoftwareCiphersTest {
  static final String[] NETTY_DEFAULTS = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};

  @Test
  void chachaGoesInFrontOfWhatIsAsked() {
    String[] supported = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};
    assertThat(SoftwareCiphers.chachaFirst(new String[] {"TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, supported)).containsExactly("TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assertThat(SoftwareCiphers.chachaFirst(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLS_AES_128_GCM_SHA256"}))
        .as("a JDK without ChaCha20: the list as asked").containsExactly("TLS_AES_128_GCM_SHA256");
  }

  @Test
  void anEngineGivenNettysListStillOffersChaChaFirst() throws Exception {
    SSLEngine engine = SoftwareCiphers.wrap(InsecureTls.trustingEveryCertificate()).createSSLEngine("localhost", 443);
    engine.setEnabledCipherSuites(NETTY_DEFAULTS);
    assertThat(engine.getEnabledCipherSuites()).startsWith("TLS_CHACHA20_POLY1305_SHA256").contains(NETTY_DEFAULTS);
    var params = engine.getSSLParameters();
    params.setCipherSuites(NETTY_DEFAULTS);
    engine.setSSLParameters(params);
    assertThat(engine.getEnabledCipherSuites()).startsWith("TLS_CHACHA20_POLY1305_SHA256");
  }

  /** Only the negotiation is looked at: the test's server certificate is not checked. */
  @Test
  void theApiServerTakesChaChaThroughNettyAsTheClientDoes() throws Exception {
    URL api = new URL(ApiServer.client().getMasterUrl().toString());
    assertThat(negotiated(api, SoftwareCiphers.wrap(InsecureTls.trustingEveryCertificate()))).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
    assertThat(negotiated(api, InsecureTls.trustingEveryCertificate())).as("Netty's own list, unwrapped (with C2)").startsWith("TLS_AES_");
  }

  @Test
  void theClientWorksAgainstARealApiServer() {
    Vertx vertx = Vertx.vertx();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(ApiServer.client().getConfiguration())
        .withHttpClientFactory(new ApiServerClient.Factory(vertx, true)).build()) {
      assertThat(client.namespaces().withName("default").get()).isNotNull();
      assertThat(client.apps().statefulSets().inNamespace("default").list().getItems()).isEmpty();
    } finally {
      vertx.close();
    }
  }

  /** Hundreds of records, most of them read into direct buffers and decrypted from the engine's heap copy. */
  @Test
  void aLargeObjectComesBackWholeThroughTheWrappedEngines() {
    String big = "0123456789abcdef".repeat(40_000); // 640 kB: about 40 TLS records
    Vertx vertx = Vertx.vertx();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(ApiServer.client().getConfiguration())
        .withHttpClientFactory(new ApiServerClient.Factory(vertx, true)).build()) {
      var map = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("big").withNamespace("default")
          .endMetadata().addToData("data", big).build();
      client.resource(map).serverSideApply();
      long staged = SoftwareCiphers.ChaChaFirstEngine.STAGED.sum();
      for (int i = 0; i < 3; i++) {
        assertThat(client.configMaps().inNamespace("default").withName("big").get().getData().get("data")).isEqualTo(big);
      }
      assertThat(SoftwareCiphers.ChaChaFirstEngine.STAGED.sum() - staged).as("records decrypted from the heap copy")
          .isGreaterThanOrEqualTo(3 * 39);
      client.resource(map).delete();
    } finally {
      vertx.close();
    }
  }

  @Test
  void aRecordIsStagedOnlyWhenAllOfItIsThere() {
    ByteBuffer b = ByteBuffer.allocateDirect(64);
    b.put(new byte[] {23, 3, 3, 0, 10}).put(new byte[10]).put(new byte[] {23, 3, 3, 0, 40}).put(new byte[20]).flip();
    assertThat(SoftwareCiphers.wholeRecord(b)).isEqualTo(15);
    b.position(15);
    assertThat(SoftwareCiphers.wholeRecord(b)).as("40 bytes announced, 20 there").isZero();
    b.position(b.limit() - 3);
    assertThat(SoftwareCiphers.wholeRecord(b)).as("not even a header").isZero();
  }

  /** The cipher suite of a handshake made by Netty's SslHandler, set up as fabric8's Vert.x client sets it up. */
  static String negotiated(URL api, SSLContext context) throws Exception {
    JdkSslContext netty = new JdkSslContext(context, true, null, IdentityCipherSuiteFilter.INSTANCE,
        ApplicationProtocolConfig.DISABLED, ClientAuth.NONE, null, false);
    NioEventLoopGroup group = new NioEventLoopGroup(1);
    AtomicReference<SslHandler> handler = new AtomicReference<>();
    try {
      Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
          handler.set(netty.newHandler(ch.alloc(), api.getHost(), api.getPort()));
          ch.pipeline().addLast(handler.get());
        }
      }).connect(api.getHost(), api.getPort()).sync().channel();
      handler.get().handshakeFuture().get(30, TimeUnit.SECONDS);
      String suite = handler.get().engine().getSession().getCipherSuite();
      channel.close().sync();
      return suite;
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
