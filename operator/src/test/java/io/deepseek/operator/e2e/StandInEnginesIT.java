package io.deepseek.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import io.deepseek.operator.api.v1alpha1.SecretKeyRef;
import io.deepseek.operator.engine.EngineCommand;
import io.deepseek.operator.engine.SGLangCommand;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.testing.Fixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in engines (hack/build-binaries.sh builds them) on loopback, without the node agent: the SGLang stand-in
 * started with the command line the operator renders for S4 forms a group of two ranks, serves chat completions behind
 * the API key with SGLang's metrics, and a worker dies with its leader; the vLLM stand-in forms a data-parallel group
 * with a headless node and serves every rank behind one API server, each rank's metrics labelled with its engine.
 */
class StandInEnginesIT {
  static final Path BIN = LocalCluster.cacheDir().resolve("bin/standins/current/bin");
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final List<Process> started = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    started.forEach(Process::destroyForcibly);
    // Outside a pod the leader's start script writes SGLang's key file to this machine's /tmp.
    Files.deleteIfExists(Path.of("/tmp/deepseek-operator-api-key.yaml"));
  }

  Process start(List<String> command, String... env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(Files.createTempFile("standin", ".log").toFile());
    for (int i = 0; i < env.length; i += 2) {
      pb.environment().put(env[i], env[i + 1]);
    }
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /** The rank's SGLang command line as the kubelet would run it: $(VAR)s expanded, on loopback ports. */
  static List<String> rendered(EngineCommand.Launch launch, int rank, int httpPort, int rendezvousPort, Path binary) {
    List<String> args = new ArrayList<>(launch.args());
    List<String> line = new ArrayList<>(List.of(binary.toString()));
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i).replace("$(DS_LEADER_IP)", "127.0.0.1").replace("$(DS_NODE_RANK)", Integer.toString(rank));
      if (List.of("python3", "-m", "sglang.launch_server").contains(a)) {
        continue;
      }
      if (a.equals("--port") || a.equals("--host")) {
        line.add(a);
        line.add(a.equals("--port") ? Integer.toString(httpPort) : "127.0.0.1");
        i++;
        continue;
      }
      line.add(a.replace("127.0.0.1:20000", "127.0.0.1:" + rendezvousPort));
    }
    return line;
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> chat(int port, String key, boolean stream) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"deepseek-r1\",\"stream\":" + stream
            + ",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The HTTP status, or -1 while nothing listens (an engine's port is closed while its model loads). */
  static int status(int port, String path) {
    try {
      return get(port, path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void theSglangStandInRunsTheOperatorsCommandAsAGroupOfTwo() throws Exception {
    DeepSeekDeployment d = Fixtures.example("deepseek-r1-sglang-2x8-h100.yaml");
    d.getSpec().engine.apiKeySecretRef = new SecretKeyRef("ds-api-key", "key");
    DeploymentModel m = DeploymentModel.of(d);
    EngineCommand.Launch launch = SGLangCommand.INSTANCE.leader(m);
    int rendezvous = freePort();
    int leaderPort = freePort();
    int workerPort = freePort();
    String key = "sk-standin";
    // As in the pod: the leader's container command writes the key file from the Secret's variable, then execs SGLang.
    List<String> leader = new ArrayList<>(List.of("/bin/sh", "-c", launch.command().get(2), "sglang-api-key"));
    leader.addAll(rendered(launch, 0, leaderPort, rendezvous, BIN.resolve("sglang-standin")));
    start(leader, "DS_API_KEY", key, "DS_STANDIN_LOAD_SECONDS", "0.5");
    Thread.sleep(1500);
    assertThat(status(leaderPort, "/health")).as("no API while the group is incomplete").isEqualTo(-1);

    Process worker = start(rendered(launch, 1, workerPort, rendezvous, BIN.resolve("sglang-standin")),
        "DS_STANDIN_LOAD_SECONDS", "0.5");
    await().atMost(Duration.ofSeconds(10)).until(() -> status(leaderPort, "/health") == 200);
    assertThat(status(workerPort, "/health")).as("a rank > 0 serves SGLang's dummy health server").isEqualTo(200);
    assertThat(chat(leaderPort, null, false).statusCode()).as("no key, no answer").isEqualTo(401);
    HttpResponse<String> answer = chat(leaderPort, key, false);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"model\":\"deepseek-r1\"", "\"role\":\"assistant\"", "stand-in");
    assertThat(chat(leaderPort, key, true).body()).contains("data: {", "chat.completion.chunk", "data: [DONE]");
    assertThat(get(leaderPort, "/metrics").body()).contains("sglang:num_queue_reqs{", "model_name=\"deepseek-r1\"",
        "sglang:num_running_reqs", "sglang:token_usage", "sglang:gen_throughput", "sglang:time_to_first_token_seconds_count");

    started.get(0).destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    assertThat(worker.waitFor(10, TimeUnit.SECONDS)).as("a worker dies with its leader").isTrue();
    assertThat(worker.exitValue()).isEqualTo(1);
  }

  /** S7's shape: 4 data-parallel ranks, 2 per node; the headless node holds the leader's RPC port, the leader serves all. */
  @Test
  void theVllmStandInServesADataParallelGroupBehindOneApiServer() throws Exception {
    int port = freePort();
    int rpc = freePort();
    List<String> common = List.of("/models/DeepSeek-R1", "--served-model-name", "deepseek-r1", "--max-num-seqs", "4",
        "--data-parallel-size", "4", "--data-parallel-size-local", "2", "--data-parallel-address", "127.0.0.1",
        "--data-parallel-rpc-port", Integer.toString(rpc));
    List<String> leader = new ArrayList<>(List.of(BIN.resolve("vllm-standin").toString(), "serve"));
    leader.addAll(common);
    leader.addAll(List.of("--port", Integer.toString(port), "--api-key", "sk-vllm"));
    start(leader, "DS_STANDIN_LOAD_SECONDS", "0.5");
    Thread.sleep(1500);
    assertThat(status(port, "/health")).as("no API until every node joined").isEqualTo(-1);
    List<String> headless = new ArrayList<>(List.of(BIN.resolve("vllm-standin").toString(), "serve"));
    headless.addAll(common);
    headless.addAll(List.of("--headless", "--data-parallel-start-rank", "2"));
    Process worker = start(headless);
    await().atMost(Duration.ofSeconds(20)).until(() -> status(port, "/health") == 200);
    assertThat(chat(port, null, false).statusCode()).as("no key, no answer").isEqualTo(401);
    HttpResponse<String> answer = chat(port, "sk-vllm", false);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"model\":\"deepseek-r1\"", "chat.completion");
    String metrics = get(port, "/metrics").body();
    for (int rank = 0; rank < 4; rank++) {
      assertThat(metrics).contains("vllm:num_requests_waiting{engine=\"" + rank + "\"");
    }
    assertThat(metrics).contains("vllm:num_requests_running", "vllm:kv_cache_usage_perc");

    worker.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    assertThat(started.get(0).waitFor(10, TimeUnit.SECONDS)).as("the leader dies with a node of its group").isTrue();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
