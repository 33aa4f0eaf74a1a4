package io.deepseek.operator.e2e;

import io.deepseek.operator.testing.ProjectPaths;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The end-to-end environment, once per test JVM: a local cluster of its own (hack/cluster-up.sh with a separate state
 * directory and DSO_PORT_OFFSET=100, so it never meets a cluster started by hack/run-local.sh; 8 GPU nodes), the committed CRD, and the
 * packaged operator started as users start it ({@code java -jar quarkus-run.jar} with a KUBECONFIG). Everything is
 * stopped when the JVM ends.
 */
public final class LocalCluster implements BeforeAllCallback {
  public static final String IT_LABEL = "deepseek-operator-it";
  private static LocalCluster instance;

  final Path root = ProjectPaths.root();
  /** Its own state and ports, and 6 H100 nodes (2 more than hack/run-local.sh's) so that every example fits at once. */
  final Map<String, String> clusterEnv;
  Path kubeconfig;
  Path kubectl;
  KubernetesClient client;
  /** What hack/cluster-up.sh wrote to cluster.env: DSO_AGENT (on: the node agent runs the pods), CLIENT_NS, ... */
  Map<String, String> env = Map.of();
  Process operator;
  int operatorPort;
  Path operatorLog;
  /** The operator's leader-election identity (POD_NAME, as in a pod): a restart under the same one takes the lease back. */
  String operatorIdentity = "e2e-operator-a";

  /** The end-to-end tests' cluster (JUnit makes one extension instance per test class; they share one environment). */
  public LocalCluster() {
    this(Map.of("DSO_CLUSTER_DIR", cacheDir().resolve("cluster-it").toString(), "DSO_PORT_OFFSET", "100", "DSO_H100_NODES", "6"));
  }

  /** A cluster of its own (hack/cluster-up.sh's environment: DSO_CLUSTER_DIR, DSO_PORT_OFFSET, node counts, ...). */
  LocalCluster(Map<String, String> clusterEnv) {
    this.clusterEnv = Map.copyOf(clusterEnv);
  }

  /** A cluster without an operator, for benchmarks that start their controllers themselves; stopped when the JVM ends. */
  static LocalCluster startWithoutOperator(Map<String, String> clusterEnv) {
    LocalCluster cluster = new LocalCluster(clusterEnv);
    cluster.startCluster();
    return cluster;
  }

  /** JUnit makes one extension instance per test class; they all share the JVM's single environment. */
  @Override
  public void beforeAll(ExtensionContext context) {
    get();
  }

  static synchronized LocalCluster get() {
    if (instance == null) {
      LocalCluster started = new LocalCluster();
      started.start();
      instance = started;
    }
    return instance;
  }

  private synchronized void start() {
    startCluster();
    startOperator();
  }

  private void startCluster() {
    long t0 = System.nanoTime();
    Run up = run(List.of("bash", root.resolve("hack/cluster-up.sh").toString()), Duration.ofMinutes(60));
    if (up.code != 0) {
      throw new IllegalStateException("hack/cluster-up.sh failed:\n" + up.output);
    }
    String[] lines = up.output.strip().split("\n");
    kubeconfig = Path.of(lines[lines.length - 1].trim());
    kubectl = Path.of(run(List.of("bash", "-c", "source '" + root.resolve("hack/lib.sh") + "' && echo \"$K8S_BIN_DIR/kubectl\""),
        Duration.ofSeconds(30)).output.strip());
    System.out.printf("[e2e] local cluster ready in %.1f s (%s)%n", (System.nanoTime() - t0) / 1e9, kubeconfig);
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(read(kubeconfig))).build();
    env = readEnv(clusterDir().resolve("cluster.env"));
    kubectlOrFail("apply", "--server-side", "-f", root.resolve("crds").toString());
    // The operator watches all three kinds: it starts only once each is served.
    awaitEstablished("deepseekdeployments.serving.deepseek-operator.io", "deepseekpolicies.serving.deepseek-operator.io",
        "deepseekprofiles.serving.deepseek-operator.io");
    // Namespaces left by an interrupted earlier run would hold simulated GPUs.
    kubectl("delete", "namespace", "-l", IT_LABEL + "=true", "--wait=true", "--timeout=120s");
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
  }

  /**
   * Waits until every CRD named is served. {@code kubectl wait --for=condition=Established} fails rather than waits
   * while a CRD just created has no conditions yet, so it is asked again for up to a minute, and a last time so that a
   * CRD that never becomes Established fails with kubectl's own words.
   */
  void awaitEstablished(String... crds) {
    List<String> args = new ArrayList<>(List.of("wait", "--for=condition=Established", "--timeout=10s"));
    for (String crd : crds) {
      args.add("crd/" + crd);
    }
    String[] wait = args.toArray(String[]::new);
    try {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> kubectl(wait).code() == 0);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      kubectlOrFail(wait);
    }
  }

  private void startOperator() {
    operatorPort = freePort();
    operatorLog = root.resolve("operator/target/operator-e2e.log");
    operator = startOperatorProcess(operatorIdentity, operatorPort, operatorLog, "/q/health/ready");
  }

  /** A second operator replica (another identity): it waits for the lease while the first one holds it. */
  record Replica(Process process, String identity, int port, Path log) {}

  Replica startStandby(String identity) {
    int port = freePort();
    Path log = root.resolve("operator/target/operator-e2e-" + identity + ".log");
    // A standby's controllers start only with the lease: it is alive, not ready.
    return new Replica(startOperatorProcess(identity, port, log, "/q/health/live"), identity, port, log);
  }

  /** Kills the working operator at once (SIGKILL); the standby is the operator from now on (restarts keep its identity). */
  synchronized void killLeaderFor(Replica standby) {
    pauseOperator();
    operator = standby.process();
    operatorIdentity = standby.identity();
    operatorPort = standby.port();
    operatorLog = standby.log();
  }

  /**
   * Stops the working operator as a rolling update of its Deployment does (SIGTERM) and returns how long it took to exit
   * (it is killed after 30 s, as the kubelet would); the standby is the operator from now on.
   */
  synchronized double stopLeaderFor(Replica standby) {
    long t0 = System.nanoTime();
    operator.destroy();
    double took;
    try {
      took = operator.waitFor(30, TimeUnit.SECONDS) ? (System.nanoTime() - t0) / 1e9 : Double.POSITIVE_INFINITY;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    operator.destroyForcibly();
    operator = standby.process();
    operatorIdentity = standby.identity();
    operatorPort = standby.port();
    operatorLog = standby.log();
    return took;
  }

  private Process startOperatorProcess(String identity, int port, Path log, String healthPath) {
    return startOperatorProcess(identity, port, log, healthPath, kubeconfig, Map.of(), operatorJavaOptions());
  }

  /** The JVM options the operator runs with wherever it is started (hack/lib.sh's OPERATOR_JAVA_OPTS). */
  List<String> operatorJavaOptions() {
    return List.of(run(List.of("bash", "-c", "source '" + root.resolve("hack/lib.sh") + "' && echo \"$OPERATOR_JAVA_OPTS\""),
        Duration.ofSeconds(30)).output.strip().split("\\s+"));
  }

  /** An operator process on a port of its own, with the given JVM options; ready once {@code /q/health/ready} answers. */
  record OperatorProcess(Process process, int port) {}

  OperatorProcess startOperatorProcess(String identity, Path kubeconfigFile, List<String> javaOptions, Path log) {
    int port = freePort();
    return new OperatorProcess(startOperatorProcess(identity, port, log, "/q/health/ready", kubeconfigFile, Map.of(), javaOptions),
        port);
  }

  /** Stops the working operator (SIGKILL) without a replacement; {@link #resumeOperator()} starts it again. */
  synchronized void pauseOperator() {
    operator.destroyForcibly();
    try {
      operator.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized void resumeOperator() {
    startOperator();
  }

  /** Another operator process: its own kubeconfig (e.g. a service account's) and environment. */
  Process startOperatorAs(String identity, Path kubeconfigFile, Map<String, String> environment, Path log) {
    return startOperatorProcess(identity, freePort(), log, "/q/health/ready", kubeconfigFile, environment, operatorJavaOptions());
  }

  /**
   * Starts an operator process and waits for its health endpoint. A freshly started API server sometimes closes the
   * connection of an informer's first list ("Connection was closed") while it installs the CRDs' handlers; JOSDK then
   * fails the start and the process exits, as a pod would, and is started again as its Deployment would. Three exits
   * in a row are a real failure.
   */
  private Process startOperatorProcess(String identity, int port, Path log, String healthPath, Path kubeconfigFile,
      Map<String, String> environment, List<String> javaOptions) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOperatorOnce(identity, port, log, healthPath, kubeconfigFile, environment, javaOptions);
      } catch (OperatorExited e) {
        if (attempt == 3) {
          throw e;
        }
        System.out.printf("[e2e] operator %s exited while starting (attempt %d), starting it again%n", identity, attempt);
      }
    }
  }

  static final class OperatorExited extends IllegalStateException {
    OperatorExited(String message) {
      super(message);
    }
  }

  private Process startOperatorOnce(String identity, int port, Path log, String healthPath, Path kubeconfigFile,
      Map<String, String> environment, List<String> javaOptions) {
    String jar = System.getProperty("operator.jar", root.resolve("operator/target/quarkus-app/quarkus-run.jar").toString());
    if (!Files.exists(Path.of(jar))) {
      throw new IllegalStateException(jar + " is missing: run ./mvnw package (the end-to-end tests run after packaging)");
    }
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(javaOptions);
    command.addAll(List.of("-jar", jar));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("KUBECONFIG", kubeconfigFile.toString());
    pb.environment().put("DEEPSEEK_OPERATOR_HTTP_PORT", Integer.toString(port));
    pb.environment().put("POD_NAME", identity);
    pb.environment().putAll(environment);
    try {
      long t0 = System.nanoTime();
      Process started = pb.start();
      HttpClient http = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (true) {
        if (!started.isAlive()) {
          throw new OperatorExited("the operator exited:\n" + read(log));
        }
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + healthPath))
              .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            break;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          started.destroyForcibly();
          throw new IllegalStateException("the operator did not answer " + healthPath + " in 90 s:\n" + read(log));
        }
        Thread.sleep(250);
      }
      System.out.printf("[e2e] operator %s up in %.1f s (pid %d, log %s)%n", identity, (System.nanoTime() - t0) / 1e9,
          started.pid(), log);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The API writes an operator process has made (its deepseek_operator_api_writes_total, summed). */
  static double writes(int port) {
    return get(URI.create("http://127.0.0.1:" + port + "/q/metrics")).lines()
        .filter(l -> l.startsWith("deepseek_operator_api_writes_total")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** A fresh namespace for one test, labelled so that an interrupted run's leftovers are removed on the next start. */
  String createNamespace(String prefix) {
    String ns = prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(ns)
        .addToLabels(IT_LABEL, "true").endMetadata().build()).create();
    return ns;
  }

  /** Deletes a test's namespace and waits until it is gone, so its simulated accelerators are free for the next test. */
  void deleteNamespace(String ns) {
    long t0 = System.nanoTime();
    client.namespaces().withName(ns).delete();
    // Usually seconds. But the namespace controller looks again only after half the longest grace period of the pods it
    // found terminating (its ResourcesRemainingError estimate), and a draining leader's is 605 s: 288 s were seen, though
    // the pods had stopped long before. This is cleanup, not a test: after 15 s the pods left go at once (grace 0) and the
    // namespace is touched, which makes its controller look again now.
    // A collection delete of thousands of pods (the scale benchmark's) outlasts the client's 10 s request timeout; the
    // API server goes on with it. So a failed hurry is only tried again 15 s later.
    long hurryAt = t0 + Duration.ofSeconds(15).toNanos();
    int hurries = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
    while (client.namespaces().withName(ns).get() != null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("namespace " + ns + " was not deleted within 6 minutes");
      }
      if (hurries < 3 && System.nanoTime() > hurryAt) {
        String mark = "hurried-" + ++hurries;
        hurryAt = Long.MAX_VALUE;
        try {
          client.pods().inNamespace(ns).withGracePeriod(0).delete();
          client.namespaces().withName(ns).edit(n -> new io.fabric8.kubernetes.api.model.NamespaceBuilder(n).editMetadata()
              .addToAnnotations("deepseek-operator.io/it-cleanup", mark).endMetadata().build());
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
          if (e.getCode() != 404) {
            System.out.printf("[e2e] hurrying the deletion of namespace %s: %s; again in 15 s%n", ns, e.getMessage());
            hurryAt = System.nanoTime() + Duration.ofSeconds(15).toNanos();
          }
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    double took = (System.nanoTime() - t0) / 1e9;
    if (took > 30) {
      System.out.printf("[e2e] namespace %s took %.0f s to be deleted%n", ns, took);
    }
  }

  /** Kills the operator at once (SIGKILL, no shutdown) and starts it again, as a crash and a restart would. */
  synchronized void killAndRestartOperator() {
    pauseOperator();
    startOperator();
  }

  /** The helm binary hack/build-binaries.sh built. */
  Path helm() {
    return Path.of(run(List.of("bash", "-c", "source '" + root.resolve("hack/lib.sh") + "' && echo \"$HELM_BIN\""),
        Duration.ofSeconds(30)).output.strip());
  }

  /** Resident memory of the operator process, from /proc (Linux). */
  long operatorRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + operator.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  String operatorMetrics() {
    return get(URI.create("http://127.0.0.1:" + operatorPort + "/q/metrics"));
  }

  /** The body of a GET (loopback, or an address inside the simulated cluster's namespaces). */
  static String get(URI uri) {
    try {
      return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
          .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void stop() {
    if (operator != null && operator.isAlive()) {
      System.out.printf("[e2e] operator resident memory at the end: %d MiB%n", operatorRssKb() / 1024);
      operator.destroy();
      try {
        operator.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      operator.destroyForcibly();
    }
    if (client != null) {
      client.close();
    }
    run(List.of("bash", root.resolve("hack/cluster-down.sh").toString()), Duration.ofMinutes(1));
  }

  record Run(int code, String output) {}

  Run kubectl(String... args) {
    List<String> cmd = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    return run(cmd, Duration.ofMinutes(3));
  }

  String kubectlOrFail(String... args) {
    Run r = kubectl(args);
    if (r.code != 0) {
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed (" + r.code + "):\n" + r.output);
    }
    return r.output;
  }

  Run run(List<String> cmd, Duration timeout) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(root.toFile());
      pb.environment().putAll(clusterEnv);
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", cmd));
      }
      return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Restarts one process of this cluster with its own command line (hack/cluster/restart.sh); throws if that fails. */
  void restart(String component) {
    Run r = run(List.of("bash", root.resolve("hack/cluster/restart.sh").toString(), component), Duration.ofMinutes(3));
    if (r.code() != 0) {
      throw new IllegalStateException("restarting " + component + " failed:\n" + r.output());
    }
  }

  /** Stops a cluster of a test's own at once (hack/cluster-down.sh), not when the test JVM ends: later tests need the machine. */
  void down() {
    run(List.of("bash", root.resolve("hack/cluster-down.sh").toString()), Duration.ofMinutes(2));
  }

  Path clusterDir() {
    return Path.of(clusterEnv.get("DSO_CLUSTER_DIR"));
  }

  /** Whether the node agent runs the pods (as root): processes, probes, a network, traffic through Services. */
  boolean agent() {
    return "on".equals(env.get("DSO_AGENT"));
  }

  private static Map<String, String> readEnv(Path file) {
    Map<String, String> out = new java.util.HashMap<>();
    for (String line : read(file).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  /** ~/.cache/deepseek-operator as the hack/ scripts resolve it. */
  static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    String override = System.getenv("DSO_CACHE_DIR");
    if (override != null) {
      return Path.of(override);
    }
    // $HOME as the hack/ scripts see it (Java's user.home comes from the password database instead).
    String home = System.getenv().getOrDefault("HOME", System.getProperty("user.home"));
    return (xdg != null ? Path.of(xdg) : Path.of(home, ".cache")).resolve("deepseek-operator");
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(cannot read " + p + ": " + e.getMessage() + ")";
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
