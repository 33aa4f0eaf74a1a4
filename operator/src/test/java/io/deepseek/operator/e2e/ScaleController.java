package io.deepseek.operator.e2e;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.model.Labels;
import io.deepseek.operator.status.Conditions;
import io.deepseek.operator.testing.InsecureTls;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A controller under the scale benchmark (ScaleBenchmarkIT): ours, or LeaderWorkerSet's. Each runs as its own process
 * against the benchmark's cluster, with its own user (so that the API server's audit log tells their writes apart), and
 * says how to create one instance of "a group of 2 pods, 1 GPU each", which of its StatefulSets are leaders, and when an
 * instance is Ready.
 */
abstract class ScaleController {
  final LocalCluster cluster;
  final KubernetesClient client;
  final Path kubeconfig;
  final String user;
  Process process;

  ScaleController(LocalCluster cluster, String user) {
    this.cluster = cluster;
    this.user = user;
    this.kubeconfig = ScaleUsers.kubeconfig(cluster, user);
    this.client = cluster.client;
  }

  abstract String name();

  /** Starts the controller and returns once it answers its readiness check. */
  abstract void start();

  /** How many reconciles it has finished since it started (its own metrics), to tell when a restart has caught up. */
  abstract long reconciles();

  /** Its Prometheus metrics page. */
  abstract String metricsPage();

  /** The series its metrics page serves (samples, not comments). */
  long series() {
    return metricsPage().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
  }

  /** Its heap still in use after a collection, in bytes (Java: after a forced full GC; Go: the live heap of its last GC). */
  abstract long liveHeapBytes();

  /** Creates instance {@code name} in {@code ns}. */
  abstract void create(String ns, String name);

  /** Calls back with (instance, ready) on every change of an instance in {@code ns}. */
  abstract Watch watchInstances(String ns, InstanceListener listener);

  /** The instance a StatefulSet belongs to, and whether it is that instance's leader StatefulSet; null if not its. */
  abstract StsOf classify(StatefulSet sts);

  /** Removes what it installed besides the process (webhooks); the default has nothing. */
  void uninstall() {}

  interface InstanceListener {
    void changed(String name, boolean ready);
  }

  record StsOf(String instance, boolean leader) {}

  /** SIGTERM and wait, as a rolling restart of its Deployment would. */
  void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS for pid " + process.pid());
  }

  /** The CPU time its process has used (user and system), in seconds: the JDK reads it from /proc/<pid>/stat. */
  double cpuSeconds() {
    return process.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time for pid " + process.pid()))
        .toNanos() / 1e9;
  }

  /**
   * Its CPU time so far by thread name (digits as #: "C1 CompilerThre#", "pool-#-thread-#"), the largest first: the
   * compiler's and the collector's threads are not in a flight recording's samples.
   */
  String cpuByThread(int top) {
    Map<String, Double> byName = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after the name: state(0) ... utime(11) stime(12), in clock ticks of 1/100 s
        byName.merge(name, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0, Double::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byName.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
        .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
  }

  /** The sum of every sample of one metric in a Prometheus text page whose labels contain {@code labelFilter}. */
  static double sum(String page, String metric, String labelFilter) {
    return page.lines().filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " ")).filter(l -> l.contains(labelFilter))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T extends HasMetadata> Watch watch(io.fabric8.kubernetes.client.dsl.Watchable<T> on, Consumer<T> changed) {
    return on.watch(new Watcher<T>() {
      @Override
      public void eventReceived(Action action, T resource) {
        if (action != Action.DELETED) {
          changed.accept(resource);
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        if (cause != null) {
          System.out.println("[bench] watch closed: " + cause.getMessage());
        }
      }
    });
  }

  /** The operator, started as users start it ({@code java <OPERATOR_JAVA_OPTS> -jar quarkus-run.jar}). */
  static final class Ours extends ScaleController {
    final List<String> javaOptions;
    int port;
    int starts;
    /** Options added after the users' ones (a later option wins): see dso.scale.restart-variants. */
    List<String> extraOptions = List.of();

    Ours(LocalCluster cluster, List<String> javaOptions) {
      super(cluster, "bench-ours");
      this.javaOptions = javaOptions;
    }

    @Override
    String name() {
      return "deepseek-operator";
    }

    @Override
    void start() {
      List<String> options = new ArrayList<>(javaOptions);
      options.addAll(extraOptions);
      if (Boolean.getBoolean("dso.scale.jfr")) {
        // A flight recording per start, to find where the time goes (jfr print --events jdk.ExecutionSample ...).
        options.add("-XX:StartFlightRecording=dumponexit=true,settings=profile,filename="
            + cluster.root.resolve("operator/target/operator-scale-" + starts + ".jfr"));
      }
      LocalCluster.OperatorProcess p = cluster.startOperatorProcess("bench-operator", kubeconfig, options,
          cluster.root.resolve("operator/target/operator-scale-" + starts++ + ".log"));
      process = p.process();
      port = p.port();
    }

    @Override
    long reconciles() {
      return (long) sum(metricsPage(), "operator_sdk_reconciliations_success_total", "");
    }

    @Override
    String metricsPage() {
      return LocalCluster.get(URI.create("http://127.0.0.1:" + port + "/q/metrics"));
    }

    @Override
    long liveHeapBytes() {
      run("jcmd", Long.toString(process.pid()), "GC.run");
      // jstat -gc: S0C S1C S0U S1U EC EU OC OU ... (KB); in use = S0U + S1U + EU + OU.
      String[] lines = run("jstat", "-gc", Long.toString(process.pid())).strip().split("\n");
      List<String> head = List.of(lines[0].trim().split("\\s+"));
      String[] values = lines[lines.length - 1].trim().split("\\s+");
      double kb = 0;
      for (String column : List.of("S0U", "S1U", "EU", "OU")) {
        kb += Double.parseDouble(values[head.indexOf(column)]);
      }
      return (long) (kb * 1024);
    }

    @Override
    void create(String ns, String name) {
      DeepSeekDeployment d = SmallDeployment.named(name);
      client.resources(DeepSeekDeployment.class).inNamespace(ns).resource(d).create();
    }

    @Override
    Watch watchInstances(String ns, InstanceListener listener) {
      return watch(client.resources(DeepSeekDeployment.class).inNamespace(ns), d -> {
        listener.changed(d.getMetadata().getName(), d.getStatus() != null && Conditions.isTrue(d.getStatus().conditions, "Ready"));
      });
    }

    @Override
    StsOf classify(StatefulSet sts) {
      Map<String, String> labels = sts.getMetadata().getLabels();
      String instance = labels == null ? null : labels.get(Labels.DEPLOYMENT);
      // The leader StatefulSet is named after the deployment (Names.leaderStatefulSet), the workers' "<name>-<group>".
      return instance == null ? null : new StsOf(instance, instance.equals(sts.getMetadata().getName()));
    }
  }

  /**
   * LeaderWorkerSet's manager (hack/build-binaries.sh lws), run out of cluster: no leader election, its webhooks served on
   * loopback with a certificate of the cluster's CA and registered by URL. Its LeaderWorkerSets run our operator's
   * pods: the pod templates of one of our groups (leader and worker), so that both schedule the same pods.
   */
  static final class Lws extends ScaleController {
    static final String API = "leaderworkerset.x-k8s.io/v1";
    final Path dir;
    final Path work;
    int metricsPort;
    int starts;
    String token;
    PodTemplateSpec leaderTemplate;
    PodTemplateSpec workerTemplate;
    final List<HasMetadata> webhooks = new ArrayList<>();
    private final Pattern gcLine = Pattern.compile("(\\d+)->(\\d+)->(\\d+) MB");

    Lws(LocalCluster cluster, Path dir) {
      super(cluster, "bench-lws");
      this.dir = dir;
      this.work = cluster.clusterDir().resolve("lws");
    }

    @Override
    String name() {
      return "LeaderWorkerSet";
    }

    /** The pods it runs: copied from one of our groups (labels and owners dropped). */
    void podsLike(StatefulSet leader, StatefulSet worker) {
      leaderTemplate = bare(leader.getSpec().getTemplate());
      workerTemplate = bare(worker.getSpec().getTemplate());
    }

    private static PodTemplateSpec bare(PodTemplateSpec t) {
      PodTemplateSpec copy = Serialization.clone(t);
      copy.getMetadata().setLabels(Map.of("app", "bench"));
      copy.getMetadata().setAnnotations(Map.of());
      return copy;
    }

    private void install() throws IOException {
      Files.createDirectories(work);
      // Its webhook's serving certificate, signed by the cluster's CA (which the API server then trusts by caBundle).
      ScaleUsers.sign(cluster, work, "tls", "lws-webhook", null, "serverAuth", "IP:127.0.0.1");
      cluster.kubectlOrFail("apply", "--server-side", "-f", dir.resolve("crds").toString());
      cluster.awaitEstablished("leaderworkersets.leaderworkerset.x-k8s.io", "disaggregatedsets.disaggregatedset.x-k8s.io");
      // Its metrics server authenticates and authorizes every scrape: a token allowed to read /metrics.
      token = cluster.kubectlOrFail("create", "token", "bench-metrics", "-n", "default", "--duration=24h").strip();
    }

    @Override
    void start() {
      try {
        if (token == null) {
          metricsRbac();
          install();
        }
        int webhookPort = freePort();
        int healthPort = freePort();
        metricsPort = freePort();
        Path config = work.resolve("config.yaml");
        Files.writeString(config, """
            apiVersion: config.lws.x-k8s.io/v1alpha1
            kind: Configuration
            leaderElection: {leaderElect: false}
            internalCertManagement: {enable: false}
            webhook: {host: 127.0.0.1, port: %d, certDir: %s}
            metrics: {bindAddress: "127.0.0.1:%d"}
            health: {healthProbeBindAddress: "127.0.0.1:%d"}
            """.formatted(webhookPort, work, metricsPort, healthPort));
        registerWebhooks(webhookPort);
        Path log = cluster.root.resolve("operator/target/lws-scale-" + starts++ + ".log");
        ProcessBuilder pb = new ProcessBuilder(dir.resolve("lws-manager").toString(), "--config", config.toString(),
            "--kubeconfig", kubeconfig.toString(), "--zap-log-level=error").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The Go runtime prints a line per collection, with the heap marked live (hence liveHeapBytes).
        pb.environment().put("GODEBUG", "gctrace=1");
        process = pb.start();
        this.log = log;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpClient http = HttpClient.newHttpClient();
        while (true) {
          if (!process.isAlive()) {
            throw new IllegalStateException("lws-manager exited:\n" + Files.readString(log));
          }
          try {
            if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200 && reconcilesOrMinus() >= 0) {
              break;
            }
          } catch (IOException notYet) {
            // not listening yet
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("lws-manager not ready in 60 s:\n" + Files.readString(log));
          }
          Thread.sleep(200);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private Path log;

    private void metricsRbac() {
      cluster.kubectlOrFail("create", "serviceaccount", "bench-metrics", "-n", "default");
      cluster.kubectlOrFail("create", "clusterrole", "bench-metrics", "--verb=get", "--non-resource-url=/metrics");
      cluster.kubectlOrFail("create", "clusterrolebinding", "bench-metrics", "--clusterrole=bench-metrics",
          "--serviceaccount=default:bench-metrics");
    }

    /** Its webhook configurations, pointed at the loopback port it serves them on. */
    private void registerWebhooks(int port) throws IOException {
      String caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(cluster.clusterDir().resolve("pki/ca.crt")));
      webhooks.clear();
      try (InputStream in = Files.newInputStream(dir.resolve("webhooks.yaml"))) {
        for (HasMetadata o : client.load(in).items()) {
          o.getMetadata().setName("lws-" + o.getMetadata().getName());
          List<WebhookClientConfig> configs = new ArrayList<>();
          if (o instanceof MutatingWebhookConfiguration m) {
            m.getWebhooks().forEach(w -> configs.add(w.getClientConfig()));
          } else if (o instanceof ValidatingWebhookConfiguration v) {
            v.getWebhooks().forEach(w -> configs.add(w.getClientConfig()));
          }
          for (WebhookClientConfig c : configs) {
            c.setUrl("https://127.0.0.1:" + port + c.getService().getPath());
            c.setService(null);
            c.setCaBundle(caBundle);
          }
          webhooks.add(client.resource(o).forceConflicts().serverSideApply());
        }
      }
    }

    @Override
    void uninstall() {
      webhooks.forEach(w -> client.resource(w).delete());
    }

    private long reconcilesOrMinus() {
      try {
        return reconciles();
      } catch (RuntimeException e) {
        return -1;
      }
    }

    @Override
    long reconciles() {
      return (long) sum(metricsPage(), "controller_runtime_reconcile_total", "controller=\"leaderworkerset\"");
    }

    @Override
    String metricsPage() {
      try {
        // Its metrics server's certificate is self-signed, on loopback.
        HttpResponse<String> r = HttpClient.newBuilder().sslContext(InsecureTls.trustingEveryCertificate()).connectTimeout(Duration.ofSeconds(5)).build()
            .send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + metricsPort + "/metrics"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IllegalStateException("lws metrics: HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    long liveHeapBytes() {
      try {
        long live = -1;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          Matcher m = gcLine.matcher(line);
          if (line.startsWith("gc ") && m.find()) {
            live = Long.parseLong(m.group(3)) * 1024 * 1024;
          }
        }
        return live;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    void create(String ns, String name) {
      Map<String, Object> lwt = new LinkedHashMap<>();
      lwt.put("size", 2);
      lwt.put("leaderTemplate", leaderTemplate);
      lwt.put("workerTemplate", workerTemplate);
      GenericKubernetesResource lws = new GenericKubernetesResource();
      lws.setApiVersion(API);
      lws.setKind("LeaderWorkerSet");
      lws.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(ns).build());
      lws.setAdditionalProperty("spec", Map.of("replicas", 1, "leaderWorkerTemplate", lwt));
      client.genericKubernetesResources(API, "LeaderWorkerSet").inNamespace(ns).resource(lws).create();
    }

    @Override
    Watch watchInstances(String ns, InstanceListener listener) {
      return watch(client.genericKubernetesResources(API, "LeaderWorkerSet").inNamespace(ns), g -> {
        Object conditions = g.get("status", "conditions");
        boolean ready = conditions instanceof List<?> list && list.stream().anyMatch(c -> c instanceof Map<?, ?> m
            && "Available".equals(m.get("type")) && "True".equals(m.get("status")));
        listener.changed(g.getMetadata().getName(), ready);
      });
    }

    @Override
    StsOf classify(StatefulSet sts) {
      Map<String, String> labels = sts.getMetadata().getLabels();
      String instance = labels == null ? null : labels.get("leaderworkerset.sigs.k8s.io/name");
      return instance == null ? null : new StsOf(instance, instance.equals(sts.getMetadata().getName()));
    }
  }

  static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
