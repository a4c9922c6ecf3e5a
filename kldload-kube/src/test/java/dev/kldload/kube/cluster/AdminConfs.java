package dev.kldload.kube.cluster;

/** Kubeconfigs with fake credentials, shared by tests. */
public final class AdminConfs {
  private AdminConfs() {}

  /** An admin.conf for the cluster at {@code server} ("https://10.251.0.1:6443"). */
  public static String at(String server) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: kubernetes",
        "  cluster:",
        "    server: " + server,
        "    certificate-authority-data: Q0EgREFUQQ==",
        "users:",
        "- name: kubernetes-admin",
        "  user:",
        "    client-certificate-data: Q0VSVA==",
        "    client-key-data: S0VZ",
        "contexts:",
        "- name: kubernetes-admin@kubernetes",
        "  context:",
        "    cluster: kubernetes",
        "    user: kubernetes-admin",
        "current-context: kubernetes-admin@kubernetes",
        "");
  }

  /**
   * A kubeconfig for {@code server} that sends a bearer token and skips TLS verification: for the
   * mock server's self-signed certificate, or a port where no API server listens.
   */
  public static String withToken(String server) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: kldload",
        "  cluster:",
        "    server: " + server,
        "    insecure-skip-tls-verify: true",
        "users:",
        "- name: admin",
        "  user:",
        "    token: secret-token",
        "contexts:",
        "- name: admin@kldload",
        "  context:",
        "    cluster: kldload",
        "    user: admin",
        "current-context: admin@kldload",
        "");
  }
}
