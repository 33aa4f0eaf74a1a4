package io.deepseek.operator.config;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * TLS to the API server with ChaCha20-Poly1305 first, when the JVM runs without its optimising compiler.
 *
 * <p>Every byte the operator reads from the API server (lists, watch events, responses) is decrypted. AES-GCM is fast only
 * where the optimising compiler (C2) replaces the JDK's AES and GHASH code with the processor's instructions. The
 * operator runs with the client compiler alone ({@code -XX:TieredStopAtLevel=1}: 60 MiB less resident memory), where
 * AES-GCM runs as plain Java, about 40 MB/s on this project's 2-core machine, and ChaCha20-Poly1305, designed for
 * software, about 210 MB/s. Measured with the scale benchmark, decrypting was a fifth of the operator's CPU time while
 * it made 1000 deployments and a quarter during a restart's re-sync.
 *
 * <p>The JDK's {@code jdk.tls.client.cipherSuites} cannot say so: the HTTP client (Vert.x over Netty) sets its own list on
 * every connection, AES-GCM only. So the client's TLS engines put the ChaCha20-Poly1305 suites the JDK supports in front
 * of whatever list they are given; the server (Go's TLS, the API server's) then takes ChaCha20-Poly1305, and a server
 * that refuses it (FIPS mode) still finds the rest of the list. With C2 ({@code jvm.extraOptions:
 * -XX:TieredStopAtLevel=4} in the chart) nothing is changed: AES-GCM on the processor's instructions is faster still.
 */
public final class SoftwareCiphers {
  private SoftwareCiphers() {}

  /** Whether this JVM compiles with C2: tiered compilation up to level 4, or C2 alone. */
  public static boolean optimisingCompiler() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    if (vm == null) {
      return true;
    }
    try {
      boolean tiered = Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue());
      return !tiered || Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) >= 4;
    } catch (IllegalArgumentException e) {
      return true; // not HotSpot: leave TLS as it is
    }
  }

  /** {@code requested} with the ChaCha20-Poly1305 suites of {@code supported} in front (in {@code supported}'s order). */
  static String[] chachaFirst(String[] requested, String[] supported) {
    List<String> out = new ArrayList<>();
    for (String s : supported) {
      if (s.contains("_CHACHA20_POLY1305_")) {
        out.add(s);
      }
    }
    for (String s : requested) {
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out.toArray(String[]::new);
  }

  /** The length of the TLS record at {@code src}'s position, header included, if all of it is there; otherwise 0. */
  static int wholeRecord(ByteBuffer src) {
    if (src.remaining() < ChaChaFirstEngine.HEADER) {
      return 0;
    }
    int p = src.position();
    int record = ChaChaFirstEngine.HEADER + ((src.get(p + 3) & 0xff) << 8 | (src.get(p + 4) & 0xff));
    return record <= src.remaining() ? record : 0;
  }

  /** The same context, whose engines put ChaCha20-Poly1305 first. */
  public static SSLContext wrap(SSLContext context) {
    return context instanceof ChaChaFirstContext ? context : new ChaChaFirstContext(context);
  }

  static final class ChaChaFirstContext extends SSLContext {
    ChaChaFirstContext(SSLContext real) {
      super(new Spi(real), real.getProvider(), real.getProtocol());
    }
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext real;

    Spi(SSLContext real) {
      this.real = real;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      real.init(km, tm, sr);
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return real.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return real.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return new ChaChaFirstEngine(real.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return new ChaChaFirstEngine(real.createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return real.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return real.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return real.getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return real.getSupportedSSLParameters();
    }
  }

  /** The JDK's engine, with every list of cipher suites it is given put ChaCha20-Poly1305 first. */
  static final class ChaChaFirstEngine extends SSLEngine {
    /** A TLS record's header (type, version, length) and its largest body (TLS 1.2's 2^14 + 2048). */
    static final int HEADER = 5;
    static final int STAGING_SIZE = HEADER + 16384 + 2048;
    /** Records decrypted from a heap copy, by every engine (read by the tests). */
    static final java.util.concurrent.atomic.LongAdder STAGED = new java.util.concurrent.atomic.LongAdder();
    private final SSLEngine real;
    private ByteBuffer staging;

    ChaChaFirstEngine(SSLEngine real) {
      super(real.getPeerHost(), real.getPeerPort());
      this.real = real;
      real.setEnabledCipherSuites(chachaFirst(real.getEnabledCipherSuites(), real.getSupportedCipherSuites()));
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
      real.setEnabledCipherSuites(chachaFirst(suites, real.getSupportedCipherSuites()));
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
      if (params.getCipherSuites() != null) {
        params.setCipherSuites(chachaFirst(params.getCipherSuites(), real.getSupportedCipherSuites()));
      }
      real.setSSLParameters(params);
    }

    @Override
    public SSLParameters getSSLParameters() {
      return real.getSSLParameters();
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
      return real.wrap(srcs, offset, length, dst);
    }

    /**
     * A whole record that arrived in a direct buffer (Netty reads into them) is decrypted from a heap copy: the JDK's
     * ChaCha20-Poly1305 has no code for direct buffers, and its fallback ({@code CipherSpi.bufferCrypt}) allocates two
     * arrays of the record's size for every record. In a flight recording of a restart with 1000 deployments that was
     * 358 MB of the 1.6 GB allocated in its first 8 s; the copy allocates nothing (one buffer per engine, reused).
     * Anything else (not direct, or not yet a whole record, which the engine only waits on) goes through as it is.
     */
    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
      int record = src.isDirect() ? wholeRecord(src) : 0;
      if (record == 0) {
        return real.unwrap(src, dsts, offset, length);
      }
      synchronized (this) {
        if (staging == null || staging.capacity() < record) {
          staging = ByteBuffer.allocate(Math.max(record, STAGING_SIZE));
        }
        staging.clear();
        staging.put(src.duplicate().limit(src.position() + record)).flip();
        SSLEngineResult result = real.unwrap(staging, dsts, offset, length);
        STAGED.increment();
        src.position(src.position() + result.bytesConsumed());
        return result;
      }
    }

    @Override
    public Runnable getDelegatedTask() {
      return real.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws SSLException {
      real.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
      return real.isInboundDone();
    }

    @Override
    public void closeOutbound() {
      real.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
      return real.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return real.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
      return real.getEnabledCipherSuites();
    }

    @Override
    public String[] getSupportedProtocols() {
      return real.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
      return real.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
      real.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
      return real.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
      return real.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
      real.beginHandshake();
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
      return real.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
      real.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
      return real.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
      real.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
      return real.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
      real.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
      return real.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
      real.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
      return real.getEnableSessionCreation();
    }

    @Override
    public String getApplicationProtocol() {
      return real.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
      return real.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
      real.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
      return real.getHandshakeApplicationProtocolSelector();
    }

    @Override
    public String toString() {
      return real.toString();
    }
  }
}
