package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Step;
import dev.kldload.kvm.DhcpHost;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.xml.MacAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The static DHCP reservation ({@code ip-dhcp-host}) of every cluster node on its host's libvirt
 * network: the node's seed asks for DHCP, and the reservation makes the answer the LAN address the
 * manifest recorded (and every peer's WireGuard endpoint already names). Reservations are ours when
 * their MAC is one the manifest recorded; nothing else on the network is touched.
 */
public final class AddressReservations {
  private final Function<String, Hypervisor> hypervisors;
  private final String network;

  /**
   * @param hypervisors the hypervisor of each node's host (its libvirt URI, as recorded)
   * @param network the libvirt network the nodes' NICs are on ({@link DefaultNetwork#NAME})
   */
  public AddressReservations(Function<String, Hypervisor> hypervisors, String network) {
    this.hypervisors = hypervisors;
    this.network = network;
  }

  /** The id of {@code node}'s reservation step: its first boot must come after it. */
  public static String stepId(String node) {
    return "network/reserve/" + node;
  }

  /** The id of {@code node}'s release step (destroy). */
  public static String releaseStepId(String node) {
    return "network/release/" + node;
  }

  /** What the network must hold for {@code node}. */
  public static DhcpHost reservation(NodeRecord node) {
    if (node.mac() == null || node.lanAddress() == null) {
      throw KldloadException.precondition(
          "node " + node.name() + " has no recorded MAC or LAN address",
          "re-run the command: the manifest is completed before any step runs");
    }
    return new DhcpHost(new MacAddress(node.mac()), node.name(), node.lanAddress());
  }

  /**
   * One step per node, {@code network/reserve/<node>}, after {@code after} (the network's start):
   * done when a reservation gives the node's MAC its recorded address; refused (CONFLICT, exit 5)
   * when another MAC holds the address, the MAC holds another address, or another entry holds the
   * node's name; undone by removing the reservation it added.
   */
  public List<Step> steps(ClusterManifest manifest, Collection<String> after) {
    List<Step> out = new ArrayList<>();
    for (NodeRecord node : manifest.nodes()) {
      DhcpHost wanted = reservation(node);
      Hypervisor hypervisor = hypervisors.apply(node.host());
      out.add(
          Step.named(stepId(node.name()))
              .description(
                  "reserve "
                      + wanted.ip()
                      + " for "
                      + node.name()
                      + " ("
                      + wanted.mac()
                      + ") in libvirt network "
                      + network)
              .after(after)
              .creates("dhcp-host " + network + " " + wanted.mac() + " " + wanted.ip())
              .doneWhen(c -> holds(hypervisor.dhcpHosts(network), wanted))
              .undo(c -> hypervisor.removeDhcpHost(network, wanted))
              .apply(
                  c -> {
                    List<DhcpHost> held = hypervisor.dhcpHosts(network);
                    clash(held, wanted)
                        .ifPresent(
                            other -> {
                              throw KldloadException.conflict(
                                  "libvirt network "
                                      + network
                                      + " on "
                                      + hypervisor.uri()
                                      + " cannot reserve "
                                      + wanted.display()
                                      + " for node "
                                      + node.name()
                                      + ": "
                                      + other.display()
                                      + " is already reserved",
                                  "remove that entry ('virsh net-update "
                                      + network
                                      + " delete ip-dhcp-host \""
                                      + other.xml().strip()
                                      + "\" --live --config') if nothing uses it, or destroy"
                                      + " the cluster that does");
                            });
                    hypervisor.addDhcpHost(network, wanted);
                  }));
    }
    return out;
  }

  /**
   * One step per node, {@code network/release/<node>}, for destroy: removes every reservation of
   * the node's recorded MAC (only this cluster's MACs, so an operator's own entries stay), done
   * when none is left or the network is gone.
   */
  public List<Step> releaseSteps(ClusterManifest manifest, Collection<String> after) {
    List<Step> out = new ArrayList<>();
    for (NodeRecord node : manifest.nodes()) {
      if (node.mac() == null) {
        continue;
      }
      MacAddress mac = new MacAddress(node.mac());
      Hypervisor hypervisor = hypervisors.apply(node.host());
      out.add(
          Step.named(releaseStepId(node.name()))
              .description(
                  "release the reservation of "
                      + node.name()
                      + " ("
                      + mac
                      + ") in libvirt network "
                      + network)
              .after(after)
              .doneWhen(c -> ours(hypervisor, mac).isEmpty())
              .apply(
                  c -> {
                    for (DhcpHost host : ours(hypervisor, mac)) {
                      hypervisor.removeDhcpHost(network, host);
                    }
                  }));
    }
    return out;
  }

  /** The reservations of {@code mac}; none when the network no longer exists. */
  /** The reservations the manifest's nodes hold now, each with its node's host. */
  public Map<DhcpHost, String> held(ClusterManifest manifest) {
    Map<DhcpHost, String> out = new LinkedHashMap<>();
    for (NodeRecord node : manifest.nodes()) {
      if (node.mac() != null) {
        ours(hypervisors.apply(node.host()), new MacAddress(node.mac()))
            .forEach(h -> out.put(h, node.host()));
      }
    }
    return out;
  }

  private List<DhcpHost> ours(Hypervisor hypervisor, MacAddress mac) {
    if (hypervisor.network(network).isEmpty()) {
      return List.of();
    }
    return hypervisor.dhcpHosts(network).stream().filter(h -> h.mac().equals(mac)).toList();
  }

  /** The MAC has the address; the name dnsmasq announces does not change what the node gets. */
  static boolean holds(List<DhcpHost> held, DhcpHost wanted) {
    return held.stream().anyMatch(h -> h.mac().equals(wanted.mac()) && h.ip().equals(wanted.ip()));
  }

  /** An entry that stops {@code wanted} being added: same MAC, same address or same name. */
  static Optional<DhcpHost> clash(List<DhcpHost> held, DhcpHost wanted) {
    return held.stream()
        .filter(
            h ->
                h.mac().equals(wanted.mac())
                    || h.ip().equals(wanted.ip())
                    || h.name().equals(wanted.name()))
        .findFirst();
  }
}
