package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.NodeId;
import dev.kldload.core.value.VmName;
import java.util.ArrayList;
import java.util.List;

/**
 * Names and mesh ids of a cluster's nodes, as the original numbered them: control planes first
 * ({@code <cluster>-cp}, or {@code <cluster>-cp-N} when there are several) with ids 1..k, then
 * workers ({@code <cluster>-w-N}) with the following ids, skipping the host's id. A node's name and
 * id depend only on its role and number, so scaling adds and removes workers without renumbering
 * the others.
 */
public record ClusterLayout(ClusterName cluster, List<Slot> nodes) {

  /** One node's place in the cluster. */
  public record Slot(VmName name, NodeId id, Role role, int number) {}

  public ClusterLayout {
    nodes = List.copyOf(nodes);
  }

  public static ClusterLayout of(
      ClusterName cluster, int controlPlanes, int workers, NodeId hostId) {
    List<Slot> slots = new ArrayList<>();
    for (int n = 1; n <= controlPlanes; n++) {
      String name = controlPlanes == 1 ? cluster + "-cp" : cluster + "-cp-" + n;
      slots.add(new Slot(vm(name), id(n, hostId), Role.CONTROL_PLANE, n));
    }
    for (int n = 1; n <= workers; n++) {
      slots.add(new Slot(vm(cluster + "-w-" + n), id(controlPlanes + n, hostId), Role.WORKER, n));
    }
    return new ClusterLayout(cluster, slots);
  }

  public List<Slot> withRole(Role role) {
    return nodes.stream().filter(s -> s.role() == role).toList();
  }

  /** The n-th id of the plan, counting past the host's. */
  private static NodeId id(int position, NodeId hostId) {
    int value = position >= hostId.value() ? position + 1 : position;
    if (value > 254) {
      throw KldloadException.invalid(
          "the cluster needs more than 253 node ids", "use fewer workers");
    }
    return NodeId.of(value);
  }

  private static VmName vm(String name) {
    if (name.length() > 63) {
      throw KldloadException.invalid(
          "node name " + name + " is longer than 63 characters", "use a shorter cluster name");
    }
    return VmName.of(name);
  }
}
