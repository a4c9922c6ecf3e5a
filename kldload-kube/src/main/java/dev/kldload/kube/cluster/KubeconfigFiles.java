package dev.kldload.kube.cluster;

import java.nio.file.Path;

/**
 * Kubeconfig files as the orchestrator keeps them: a cluster's admin.conf pointed at the address
 * the host reaches, merged into an operator's {@code ~/.kube/config} under the cluster's name and
 * removed from it again. Every file written holds client keys: atomically, mode 0600.
 */
public interface KubeconfigFiles {

  /**
   * {@code kubeconfig} (one cluster, as kubeadm writes it) with its server URL set to {@code
   * server}.
   */
  String withServer(String kubeconfig, String source, String server);

  /** The server URL of the current context's cluster. */
  String server(String kubeconfig, String source);

  /**
   * Merges {@code kubeconfig}'s current context into {@code target} as context, cluster and user
   * {@code name}, replacing earlier entries of that name and leaving every other one alone.
   */
  void merge(Path target, String kubeconfig, String source, String name);

  /** Whether {@code target} has a context {@code name}; false when the file does not exist. */
  boolean hasContext(Path target, String name);

  /**
   * Removes context, cluster and user {@code name} from {@code target} and nothing else (the
   * current context is cleared when it was that one); false when there was no such context.
   */
  boolean remove(Path target, String name);
}
