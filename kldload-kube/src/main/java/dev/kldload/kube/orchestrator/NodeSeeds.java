package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.config.Config;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.HostName;
import dev.kldload.core.value.NodeId;
import dev.kldload.kvm.seed.SeedFile;
import dev.kldload.kvm.seed.SeedRequest;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.net.Endpoint;
import dev.kldload.net.InterfaceConfig;
import dev.kldload.net.Mesh;
import dev.kldload.net.MeshNode;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.NftRuleset;
import dev.kldload.net.Plane;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPrivateKey;
import dev.kldload.net.node.FirewallService;
import dev.kldload.net.node.NodeSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seeds of a cluster's nodes (DESIGN §4): each carries the node's identity (hostname, recorded
 * instance-id, its pinned SSH host key pair), root's access by the admin key only (no password
 * anywhere, {@code ssh_pwauth: false}), both planes' wg-quick files for the full mesh (every other
 * node at its LAN address, and the host at the bridge's address) and the node's own nftables table,
 * so the mesh and the firewall are up at first boot without any SSH round trip.
 */
public final class NodeSeeds {
  /** The name the seed gives the node's NIC on the libvirt network, so its ruleset can name it. */
  public static final String LAN_NIC = "lan0";

  private static final String UNIT_DIR = "/etc/systemd/system";

  private final ClusterStore store;
  private final NetworkPlan plan;
  private final HostPeer host;
  private final NodeSettings guest;

  /**
   * @param host the host's peer entry, normally {@link HostPeer#fromNodeStore}
   */
  public NodeSeeds(ClusterStore store, NetworkPlan plan, HostPeer host) {
    this.store = store;
    this.plan = plan;
    this.host = host;
    // the guest's kube-network reads the same paths from its own defaults
    this.guest = NodeSettings.fromConfig(Config.defaults());
  }

  /** Every node of the manifest and the host, each at its LAN endpoint with its public keys. */
  public Mesh mesh(ClusterManifest manifest) {
    List<MeshNode> nodes = new ArrayList<>();
    for (NodeRecord node : manifest.nodes()) {
      if (node.lanAddress() == null) {
        throw KldloadException.precondition(
            "node " + node.name() + " has no LAN address in the manifest",
            "admit the cluster's nodes again (ClusterStore.admit records the missing address)");
      }
      Map<PlaneKind, WgKey> keys = new EnumMap<>(PlaneKind.class);
      keys.put(PlaneKind.MGMT, WgKey.parse(node.mgmtPublicKey()));
      keys.put(PlaneKind.K8S, WgKey.parse(node.k8sPublicKey()));
      nodes.add(new MeshNode(NodeId.of(node.id()), Endpoint.parse(node.lanAddress()), false, keys));
    }
    nodes.add(host.meshNode());
    return new Mesh(nodes);
  }

  /** Where a node keeps its wg-quick files (the guest's {@code net.wireguard-dir} default). */
  public Path guestWireguardDir() {
    return guest.wireguardDir();
  }

  public HostPeer host() {
    return host;
  }

  /** The seed of node {@code name} of {@code manifest}. */
  public NodeSeed seed(ClusterManifest manifest, String name) {
    NodeRecord node =
        manifest
            .node(name)
            .orElseThrow(
                () ->
                    KldloadException.notFound(
                        "cluster " + manifest.name() + " has no node " + name, null));
    ClusterName cluster = ClusterName.of(manifest.name());
    NodeId id = NodeId.of(node.id());
    Mesh mesh = mesh(manifest);
    Map<PlaneKind, InterfaceConfig> planes = new EnumMap<>(PlaneKind.class);
    List<SeedFile> files = new ArrayList<>();
    for (Plane plane : plan.planes()) {
      WgPrivateKey key = store.wireGuardKey(cluster, name, plane.kind());
      WgKey recorded = mesh.node(id).flatMap(n -> n.key(plane.kind())).orElseThrow();
      if (!key.publicKey().equals(recorded)) {
        throw KldloadException.precondition(
            "the " + plane.kind().id() + " key of " + name + " in keys/ is not the one recorded",
            "restore keys/ and cluster.json from the same backup");
      }
      InterfaceConfig config =
          new InterfaceConfig(
              plane.interfaceName(),
              key,
              plane.port(),
              plane.address(id),
              plan.wireguardMtu(),
              mesh.peersFor(id, false, plane));
      planes.put(plane.kind(), config);
      files.add(
          SeedFile.secret(
              guest.wireguardDir().resolve(plane.interfaceName() + ".conf").toString(),
              config.wgQuick()));
    }
    String ruleset =
        NftRuleset.render(plan, NftRuleset.Mode.NODE, LAN_NIC, Optional.of(plan.libvirtNetwork()));
    Path nftFile = guest.nftFile();
    files.add(SeedFile.secret(nftFile.toString(), ruleset));
    files.add(
        new SeedFile(
            UNIT_DIR + "/" + FirewallService.FIREWALL_UNIT,
            FirewallService.firewallUnit(nftFile),
            "0644"));
    List<List<String>> runcmd = new ArrayList<>();
    runcmd.add(List.of("nft", "-f", nftFile.toString()));
    runcmd.add(List.of("systemctl", "enable", FirewallService.FIREWALL_UNIT));
    for (Plane plane : plan.planes()) {
      runcmd.add(List.of("systemctl", "enable", "--now", "wg-quick@" + plane.interfaceName()));
    }
    SeedRequest request =
        new SeedRequest(
            node.instanceId(),
            HostName.of(name),
            manifest.adminPublicKey(),
            store.sshHostKeys(cluster, node),
            List.of(new MacAddress(node.mac())),
            files,
            Optional.of(LAN_NIC),
            runcmd);
    return new NodeSeed(node, request, planes, ruleset);
  }

  /** Seeds of every node, in manifest order. */
  public List<NodeSeed> seeds(ClusterManifest manifest) {
    return manifest.nodes().stream().map(n -> seed(manifest, n.name())).toList();
  }
}
