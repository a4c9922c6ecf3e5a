package dev.kldload.kube.orchestrator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.Plane;
import dev.kldload.net.PlaneKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What {@code --dry-run --plan-dir DIR} leaves behind: per node the files its seed is made of
 * ({@code DIR/<node>/user-data}, {@code meta-data}, {@code network-config}, one wg-quick file per
 * plane named after its interface, {@code nftables.nft}) and {@code DIR/cluster.yaml}, the resolved
 * cluster (sizes, network plan, the host peer, every node with its ids, addresses and public keys;
 * never a private key). Every file is written 0600 in 0700 directories with {@link PrivateFiles}
 * (user-data and the wg files hold the node's private keys); nothing outside DIR is touched, and no
 * root is needed. The files are the ones the seed ISO would carry: one code path.
 */
public final class PlanDirectory {
  public static final String CLUSTER_FILE = "cluster.yaml";
  public static final String NFT_FILE = "nftables.nft";

  /**
   * Every string quoted: a YAML 1.1 reader takes an unquoted MAC of digits for a base-60 number.
   */
  private static final YAMLMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());

  private final NetworkPlan plan;
  private final NodeSeeds seeds;

  public PlanDirectory(NetworkPlan plan, NodeSeeds seeds) {
    this.plan = plan;
    this.seeds = seeds;
  }

  /** The names of one node's files, in the order they are written. */
  public List<String> nodeFiles() {
    List<String> out = new ArrayList<>(List.of("meta-data", "user-data", "network-config"));
    plan.planes().forEach(p -> out.add(p.interfaceName() + ".conf"));
    out.add(NFT_FILE);
    return out;
  }

  /**
   * Writes the plan of {@code manifest} into {@code dir} and returns the files written. A node
   * directory left by an earlier plan of a node the cluster no longer has is removed when it holds
   * only our files; anything else in DIR is left alone.
   */
  public List<Path> write(Path dir, ClusterManifest manifest) {
    List<NodeSeed> all = seeds.seeds(manifest);
    PrivateFiles.directory(dir);
    removeStale(dir, manifest);
    List<Path> written = new ArrayList<>();
    for (NodeSeed seed : all) {
      Path node = dir.resolve(seed.node().name());
      written.add(write(node.resolve("meta-data"), seed.metaData()));
      written.add(write(node.resolve("user-data"), seed.userData()));
      written.add(
          write(
              node.resolve("network-config"),
              seed.networkConfig()
                  .orElseThrow(() -> new IllegalStateException("a node seed names its NIC"))));
      for (Plane plane : plan.planes()) {
        written.add(
            write(
                node.resolve(plane.interfaceName() + ".conf"), seed.plane(plane.kind()).wgQuick()));
      }
      written.add(write(node.resolve(NFT_FILE), seed.ruleset()));
    }
    written.add(write(dir.resolve(CLUSTER_FILE), clusterYaml(manifest)));
    return written;
  }

  /** The resolved cluster: public material only. */
  public String clusterYaml(ClusterManifest manifest) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("name", manifest.name());
    root.put("created", manifest.created());
    if (manifest.goldenSnapshot() != null) {
      root.put("golden-snapshot", manifest.goldenSnapshot());
    }
    Map<String, Object> sizes = new LinkedHashMap<>();
    sizes.put("control-plane", size(manifest.controlPlaneSize()));
    sizes.put("worker", size(manifest.workerSize()));
    sizes.put("disk-bytes", manifest.diskBytes());
    root.put("sizes", sizes);
    root.put("admin-public-key", manifest.adminPublicKey());
    Map<String, Object> network = new LinkedHashMap<>();
    network.put("libvirt-network", plan.libvirtNetwork().toString());
    network.put("host-address", plan.hostBridgeAddress().getHostAddress());
    for (Plane p : plan.planes()) {
      Map<String, Object> plane = new LinkedHashMap<>();
      plane.put("interface", p.interfaceName());
      plane.put("subnet", p.subnet().toString());
      plane.put("port", p.port());
      network.put(p.kind().id(), plane);
    }
    network.put("wireguard-mtu", plan.wireguardMtu());
    network.put("pod-cidr", plan.podCidr().toString());
    network.put("service-cidr", plan.serviceCidr().toString());
    root.put("network", network);
    HostPeer host = seeds.host();
    Map<String, Object> hostEntry = new LinkedHashMap<>();
    hostEntry.put("id", host.id().value());
    hostEntry.put("endpoint", host.endpoint().host());
    for (PlaneKind kind : PlaneKind.values()) {
      hostEntry.put(kind.id() + "-public-key", host.keys().get(kind).base64());
    }
    root.put("host", hostEntry);
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (NodeRecord n : manifest.nodes()) {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("name", n.name());
      node.put("id", n.id());
      node.put("role", n.role().label());
      node.put("hypervisor", n.host());
      node.put("mac", n.mac());
      node.put("lan-address", n.lanAddress());
      node.put("instance-id", n.instanceId());
      node.put("mgmt-address", n.mgmtAddress());
      node.put("k8s-address", n.k8sAddress());
      node.put("mgmt-public-key", n.mgmtPublicKey());
      node.put("k8s-public-key", n.k8sPublicKey());
      node.put("ssh-host-key", n.sshHostKey());
      nodes.add(node);
    }
    root.put("nodes", nodes);
    try {
      return YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> size(NodeSize size) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("memory-bytes", size.memory().bytes());
    out.put("cpus", size.cpus());
    return out;
  }

  private static Path write(Path file, String content) {
    PrivateFiles.write(file, content);
    return file;
  }

  private void removeStale(Path dir, ClusterManifest manifest) {
    Set<String> ours = Set.copyOf(nodeFiles());
    Set<String> names = manifest.nodes().stream().map(NodeRecord::name).collect(Collectors.toSet());
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.filter(Files::isDirectory).toList()) {
        if (names.contains(entry.getFileName().toString())) {
          continue;
        }
        List<Path> files;
        try (Stream<Path> inside = Files.list(entry)) {
          files = inside.toList();
        }
        boolean onlyOurs =
            files.stream()
                .allMatch(f -> Files.isRegularFile(f) && ours.contains(f.getFileName().toString()));
        if (onlyOurs && !files.isEmpty()) {
          for (Path f : files) {
            Files.delete(f);
          }
          Files.delete(entry);
        }
      }
    } catch (IOException e) {
      throw KldloadException.precondition(
          "cannot tidy plan directory " + dir + ": " + e.getMessage(),
          "give --plan-dir a directory you can write");
    }
  }
}
