package io.deepseek.operator.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which node directories a DeepSeekDeployment may mount as its model (operator configuration
 * {@code deepseek.operator.host-path.allowed-prefixes}). A path must lie under an allowed prefix, and never inside a
 * system directory unless the administrator allowed a prefix inside that directory explicitly.
 */
public record HostPathPolicy(List<String> allowedPrefixes) {
  public static final List<String> DEFAULT_PREFIXES = List.of("/data", "/mnt", "/models");
  static final List<String> SYSTEM = List.of("/etc", "/proc", "/sys", "/dev", "/boot", "/bin", "/sbin", "/lib", "/lib32",
      "/lib64", "/usr", "/run", "/var/run", "/var/lib/kubelet", "/var/lib/containerd", "/var/lib/docker", "/var/log",
      "/root", "/home", "/tmp", "/opt/cni", "/etc/kubernetes", "/var/lib/etcd", "/var/lib/cni");

  /**
   * Every prefix must be an absolute, normal directory: a blank or relative entry would otherwise match every path, so
   * it is refused (the operator does not start, dsctl exits 2) instead of being read as "allow all".
   */
  public HostPathPolicy {
    if (allowedPrefixes == null || allowedPrefixes.isEmpty()) {
      throw new IllegalArgumentException("host-path.allowed-prefixes: at least one absolute directory, e.g. /data");
    }
    for (String prefix : allowedPrefixes) {
      String p = prefix == null ? "" : prefix.trim();
      if (!p.startsWith("/") || p.contains("/./") || p.contains("/../") || p.endsWith("/.") || p.endsWith("/..")) {
        throw new IllegalArgumentException("host-path.allowed-prefixes: '" + prefix + "' is not an absolute directory"
            + " without . or .. segments (blank entries are refused, never read as allow-all)");
      }
    }
    allowedPrefixes = List.copyOf(allowedPrefixes);
  }

  public static HostPathPolicy defaults() {
    return new HostPathPolicy(DEFAULT_PREFIXES);
  }

  /** A problem with the path, in words for the user, or empty when it may be mounted. */
  public Optional<String> check(String field, String path) {
    if (path == null || !path.startsWith("/")) {
      return Optional.of(field + ": must be an absolute node path, got '" + path + "'");
    }
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.equals("..") || part.equals(".")) {
        return Optional.of(field + ": '" + path + "' must not contain . or .. segments");
      }
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    String normal = "/" + String.join("/", parts);
    String allowedBy = allowedPrefixes.stream().map(HostPathPolicy::normalize).filter(p -> under(normal, p))
        .max((a, b) -> Integer.compare(a.length(), b.length())).orElse(null);
    if (normal.equals("/") || allowedBy == null) {
      return Optional.of(field + ": '" + path + "' is not under a directory this operator allows for models ("
          + String.join(", ", allowedPrefixes) + "); put the weights there, or ask the platform team to allow the directory"
          + " (deepseek.operator.host-path.allowed-prefixes)");
    }
    for (String system : SYSTEM) {
      if (under(normal, system) && !(under(allowedBy, system) && !allowedBy.equals(system))) {
        return Optional.of(field + ": '" + path + "' is inside the node's system directory " + system
            + ", which tenants may never mount");
      }
    }
    return Optional.empty();
  }

  static boolean under(String path, String dir) {
    return dir.equals("/") || path.equals(dir) || path.startsWith(dir + "/");
  }

  static String normalize(String p) {
    String s = p.trim().replaceAll("/+", "/");
    return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
