package dev.kldload.net.linux;

import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.Endpoint;
import dev.kldload.net.Mesh;
import dev.kldload.net.MeshNode;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.Plane;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgKey;
import dev.kldload.net.node.FirewallService;
import dev.kldload.net.node.KeysView;
import dev.kldload.net.node.MeshService;
import dev.kldload.net.node.NodeSettings;
import dev.kldload.net.node.NodeStatusService;
import dev.kldload.net.node.NodeStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * N mesh nodes, one network namespace each, joined by a bridge on 192.168.77.0/24: each node has
 * its own state directory and interface names, and services whose programs run in its namespace.
 */
final class MeshNodes implements AutoCloseable {
  /** One node's services, all on the same state and namespace. */
  record Node(MeshService mesh, FirewallService firewall, NodeStatusService status) {}

  final Netns netns = new Netns();
  final List<String> namespaces = new ArrayList<>();
  final List<Node> services = new ArrayList<>();
  final List<NetworkPlan> plans = new ArrayList<>();

  MeshNodes(int count, Path dir) {
    NetworkPlan defaults = NetworkPlan.defaults();
    for (int i = 1; i <= count; i++) {
      String ns = netns.create("n" + i);
      netns.join(ns, "lan0", lanAddress(i) + "/24");
      NetworkPlan plan =
          new NetworkPlan(
              defaults.libvirtNetwork(),
              defaults.libvirtBridge(),
              new Plane(
                  PlaneKind.MGMT, netns.wgName(ns, "m" + i), Cidr.parse("10.250.0.0/24"), 51820),
              new Plane(
                  PlaneKind.K8S, netns.wgName(ns, "k" + i), Cidr.parse("10.251.0.0/24"), 51821),
              defaults.hostId(),
              defaults.podCidr(),
              defaults.serviceCidr(),
              200,
              220,
              240,
              1500,
              1420);
      Path nodeDir = dir.resolve("node" + i);
      NodeStore store = new NodeStore(nodeDir.resolve("state"));
      WgToolsWireGuard wireGuard = new WgToolsWireGuard(netns.runner(ns));
      IpHostNetwork host = new IpHostNetwork(netns.runner(ns));
      NodeSettings settings =
          new NodeSettings(
              nodeDir.resolve("wireguard"),
              false,
              nodeDir.resolve("kubelet"),
              nodeDir.resolve("nftables.nft"),
              nodeDir.resolve("units"));
      services.add(
          new Node(
              new MeshService(
                  plan, store, wireGuard, new SystemNameResolver(), netns.runner(ns), settings),
              new FirewallService(
                  plan, host, new NftFirewall(netns.runner(ns)), netns.runner(ns), settings),
              new NodeStatusService(plan, store, wireGuard, host, Clock.systemUTC())));
      namespaces.add(ns);
      plans.add(plan);
    }
  }

  static String lanAddress(int id) {
    return "192.168.77." + (10 + id);
  }

  Node node(int id) {
    return services.get(id - 1);
  }

  String ns(int id) {
    return namespaces.get(id - 1);
  }

  static PlanResult run(Plan plan) {
    PlanResult result = PlanEngine.quiet(4).run(plan, false);
    result.throwIfFailed();
    return result;
  }

  /** The mesh as the orchestrator would write it, from each node's public keys. */
  Mesh mesh() {
    List<MeshNode> nodes = new ArrayList<>();
    for (int i = 1; i <= services.size(); i++) {
      KeysView keys = node(i).mesh().keys();
      nodes.add(
          new MeshNode(
              NodeId.of(i),
              Endpoint.parse(lanAddress(i)),
              false,
              Map.of(
                  PlaneKind.MGMT,
                  WgKey.parse(keys.mgmtPublicKey()),
                  PlaneKind.K8S,
                  WgKey.parse(keys.k8sPublicKey()))));
    }
    return new Mesh(nodes);
  }

  /** A few pings: the first packets are lost while the handshake happens. */
  boolean ping(int from, String address) {
    return netns
        .tryIn(ns(from), "ping", "-c", "3", "-i", "0.2", "-W", "1", "-w", "4", address)
        .ok();
  }

  /** No reply within two seconds, after the handshake had every chance. */
  boolean unreachable(int from, String address) {
    return !netns
        .tryIn(ns(from), "ping", "-c", "2", "-i", "0.2", "-W", "1", "-w", "2", address)
        .ok();
  }

  @Override
  public void close() {
    netns.close();
  }
}
