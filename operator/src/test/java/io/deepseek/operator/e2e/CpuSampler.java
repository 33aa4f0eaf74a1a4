package io.deepseek.operator.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The CPU time of a set of processes (the local cluster's control plane, the controller under test, the benchmark
 * itself), sampled every 250 ms, so that the CPU each spent between two moments found only afterwards (the first create,
 * the last StatefulSet seen) can be read back: what the whole machine did while a controller worked.
 */
final class CpuSampler implements AutoCloseable {
  /** The control plane's processes, as the cluster scripts recorded them (DSO_CLUSTER_DIR/pid/<name>). */
  static Map<String, ProcessHandle> controlPlane(Path clusterDir) {
    Map<String, ProcessHandle> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(clusterDir.resolve("pid"))) {
      for (Path f : files.toList()) {
        long pid = Long.parseLong(Files.readString(f).strip());
        ProcessHandle.of(pid).ifPresent(p -> out.put(f.getFileName().toString(), p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  record Sample(long nanos, Map<String, Double> seconds) {}

  private final Map<String, ProcessHandle> processes;
  private final List<Sample> samples = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "cpu-sampler");
    t.setDaemon(true);
    return t;
  });

  CpuSampler(Map<String, ProcessHandle> processes) {
    this.processes = new LinkedHashMap<>(processes);
    sample();
    timer.scheduleAtFixedRate(this::sample, 250, 250, TimeUnit.MILLISECONDS);
  }

  /** Takes a sample now (also called at the moments the benchmark knows beforehand, such as the first create). */
  synchronized void sample() {
    Map<String, Double> s = new LinkedHashMap<>();
    processes.forEach((name, p) -> s.put(name, p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN)));
    samples.add(new Sample(System.nanoTime(), s));
  }

  /** The last sample taken at or before {@code nanos} (the first one if none was). */
  private synchronized Sample at(long nanos) {
    Sample found = samples.get(0);
    for (Sample s : samples) {
      if (s.nanos() > nanos) {
        break;
      }
      found = s;
    }
    return found;
  }

  /** The CPU seconds each process spent between two moments (to within a sampling period at either end). */
  Map<String, Double> between(long fromNanos, long toNanos) {
    Sample a = at(fromNanos);
    Sample b = at(toNanos);
    Map<String, Double> out = new LinkedHashMap<>();
    a.seconds().forEach((name, s) -> out.put(name, b.seconds().get(name) - s));
    return out;
  }

  /** The sum over the named processes (all of them when none is named). */
  static double total(Map<String, Double> seconds, String... names) {
    return (names.length == 0 ? seconds.keySet().stream() : Stream.of(names)).mapToDouble(n -> seconds.getOrDefault(n, 0.0)).sum();
  }

  static String describe(Map<String, Double> seconds) {
    return seconds.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
