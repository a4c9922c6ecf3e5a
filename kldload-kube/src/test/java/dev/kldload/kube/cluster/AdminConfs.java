package dev.kldload.kube.cluster;

/** Kubeconfigs shaped as kubeadm writes admin.conf (fake credentials), shared by tests. */
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
}
