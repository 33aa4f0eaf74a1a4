package io.deepseek.operator.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Identities for the scale benchmark's controllers: client certificates of the local cluster's CA, in the groups
 * system:masters (what the local operator runs as) and {@link #AUDIT_GROUP}, whose writes the API server logs.
 */
final class ScaleUsers {
  /** hack/cluster-up.sh's DSO_AUDIT_GROUP for the benchmark's cluster. */
  static final String AUDIT_GROUP = "deepseek-bench";

  private ScaleUsers() {}

  /** A kubeconfig for {@code user} (signed once, in the cluster's state directory). */
  static Path kubeconfig(LocalCluster cluster, String user) {
    Path dir = cluster.clusterDir().resolve("bench-users");
    Path file = dir.resolve(user + ".kubeconfig");
    try {
      Files.createDirectories(dir);
      sign(cluster, dir, user, user, "system:masters/O=" + AUDIT_GROUP, "clientAuth", null);
      String server = cluster.client.getMasterUrl().toString().replaceAll("/$", "");
      Files.writeString(file, """
          apiVersion: v1
          kind: Config
          clusters: [{name: local, cluster: {server: "%s", certificate-authority: %s}}]
          users: [{name: %s, user: {client-certificate: %s, client-key: %s}}]
          contexts: [{name: local, context: {cluster: local, user: %s}}]
          current-context: local
          """.formatted(server, cluster.clusterDir().resolve("pki/ca.crt"), user, dir.resolve(user + ".crt"),
          dir.resolve(user + ".key"), user));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Signs {@code dir/name.crt} (+ .key) with the cluster's CA. {@code org} may name several groups joined by "/O=";
   * {@code san} is a subjectAltName or null.
   */
  static void sign(LocalCluster cluster, Path dir, String name, String cn, String org, String eku, String san) {
    Path pki = cluster.clusterDir().resolve("pki");
    String subject = "/CN=" + cn + (org == null ? "" : "/O=" + org);
    String ext = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=" + eku
        + "\n" + (san == null ? "" : "subjectAltName=" + san + "\n");
    try {
      Path extFile = dir.resolve(name + ".ext");
      Files.writeString(extFile, ext);
      ScaleController.run("openssl", "req", "-new", "-nodes", "-newkey", "rsa:2048", "-keyout", dir.resolve(name + ".key").toString(),
          "-out", dir.resolve(name + ".csr").toString(), "-subj", subject);
      ScaleController.run("openssl", "x509", "-req", "-in", dir.resolve(name + ".csr").toString(), "-CA", pki.resolve("ca.crt").toString(),
          "-CAkey", pki.resolve("ca.key").toString(), "-CAcreateserial", "-days", "30", "-sha256", "-extfile", extFile.toString(),
          "-out", dir.resolve(name + ".crt").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
