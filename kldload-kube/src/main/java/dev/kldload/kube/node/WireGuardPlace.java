package dev.kldload.kube.node;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.NetworkPlan;
import java.net.InetAddress;
import java.util.Optional;

/**
 * This node's place on the Kubernetes plane, as the node itself knows it: the wg-quick file {@code
 * kube-network init} wrote ({@code <wireguard dir>/wg-k8s.conf}) and the address on its {@code
 * [Interface]} Address line. No file means the node has no WireGuard.
 */
final class WireGuardPlace {
  private WireGuardPlace() {}

  /** The node-absolute path of the plane's wg-quick file. */
  static String file(String wireguardDir, NetworkPlan plan) {
    return wireguardDir.replaceAll("/+$", "") + "/" + plan.k8s().interfaceName() + ".conf";
  }

  /**
   * The node id whose wg-k8s address the file holds; empty without the file. INVALID when the file
   * has no Address, PRECONDITION when the address is not on the plan's Kubernetes plane (the node
   * was set up with another {@code net.*} plan).
   */
  static Optional<NodeId> k8sNode(NodeSystem sys, String wireguardDir, NetworkPlan plan) {
    String file = file(wireguardDir, plan);
    Optional<String> text = sys.read(file);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    InetAddress address = address(text.get(), file);
    Cidr subnet = plan.k8s().subnet();
    if (subnet.contains(address)) {
      for (int id = 1; id <= 254; id++) {
        if (subnet.host(id).equals(address)) {
          return Optional.of(NodeId.of(id));
        }
      }
    }
    throw KldloadException.precondition(
        file
            + " gives this node "
            + address.getHostAddress()
            + ", which is not a node address of the plan's "
            + plan.k8s().interfaceName()
            + " network "
            + subnet,
        "use the net.* configuration the mesh was built with, or re-run kube-network init ID");
  }

  private static InetAddress address(String text, String file) {
    boolean inInterface = false;
    for (String raw : text.lines().toList()) {
      String line = raw.strip();
      if (line.startsWith("[")) {
        inInterface = line.equalsIgnoreCase("[Interface]");
        continue;
      }
      int eq = line.indexOf('=');
      if (inInterface && eq > 0 && line.substring(0, eq).strip().equalsIgnoreCase("Address")) {
        String first = line.substring(eq + 1).split(",")[0].strip();
        int slash = first.indexOf('/');
        return Cidr.parseAddress(slash < 0 ? first : first.substring(0, slash));
      }
    }
    throw KldloadException.invalid(
        file + " has no Address in its [Interface] section",
        "re-run kube-network init ID to rewrite it");
  }
}
