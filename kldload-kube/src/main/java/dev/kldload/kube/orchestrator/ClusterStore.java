package dev.kldload.kube.orchestrator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.NodeId;
import dev.kldload.kvm.seed.HostKeys;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgPrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Clusters' state under {@code <state>/clusters/<name>/}: {@code cluster.json} (the manifest) and
 * {@code keys/<node>/} (WireGuard and SSH host private keys), all 0600 in 0700 directories. A new
 * node's identity is made once, its private keys written before the manifest that names it, so a
 * crash at any point leaves either no trace of the node or all of it; every later run reuses it.
 */
public final class ClusterStore {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** What a new node's identity is made of; the real one generates keys, tests pass fixed ones. */
  public interface Identities {
    HostKeys sshHostKeys(String node);

    default WgPrivateKey wireGuardKey() {
      return WgPrivateKey.generate();
    }

    default MacAddress mac() {
      return MacAddress.random();
    }

    default String instanceId(String node) {
      return node + "-" + UUID.randomUUID();
    }
  }

  private final Path root;

  public ClusterStore(Path stateDir) {
    this.root = stateDir.resolve("clusters");
  }

  public Path dir(ClusterName cluster) {
    return root.resolve(cluster.value());
  }

  public Path manifestFile(ClusterName cluster) {
    return dir(cluster).resolve("cluster.json");
  }

  public Path keyDir(ClusterName cluster, String node) {
    return dir(cluster).resolve("keys").resolve(node);
  }

  public Optional<ClusterManifest> load(ClusterName cluster) {
    Path file = manifestFile(cluster);
    return PrivateFiles.read(file)
        .map(
            text -> {
              try {
                return JSON.readValue(text, ClusterManifest.class);
              } catch (JsonProcessingException e) {
                throw new KldloadException(
                    ErrorKind.PRECONDITION,
                    "cluster manifest " + file + " is not valid: " + e.getOriginalMessage(),
                    "restore it from a backup; without it the cluster's nodes cannot be matched",
                    e);
              }
            });
  }

  public List<ClusterName> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("cluster.json")))
          .map(d -> ClusterName.of(d.getFileName().toString()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.PERMISSION, "cannot list " + root + ": " + e.getMessage(), "run as root", e);
    }
  }

  public void save(ClusterManifest manifest) {
    try {
      PrivateFiles.write(
          manifestFile(ClusterName.of(manifest.name())), JSON.writeValueAsString(manifest) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("manifest does not serialise", e);
    }
  }

  /**
   * The manifest with a node for every slot of {@code layout}: nodes already recorded are kept as
   * they are; each missing one gets a new identity, saved before this returns.
   */
  public ClusterManifest admit(
      ClusterManifest manifest,
      ClusterLayout layout,
      NetworkPlan plan,
      Function<Role, String> hostOf,
      Identities identities) {
    ClusterName cluster = ClusterName.of(manifest.name());
    // every slot's address is checked before anything is written: a layout that does not fit the
    // libvirt network leaves no trace
    for (ClusterLayout.Slot slot : layout.nodes()) {
      LanAddresses.of(plan, slot.name().value(), slot.id());
    }
    List<NodeRecord> nodes = new ArrayList<>();
    boolean changed = false;
    for (NodeRecord node : manifest.nodes()) {
      if (node.lanAddress() == null) {
        // recorded before nodes had LAN addresses: the decision is made now, once
        node =
            node.withLanAddress(
                LanAddresses.of(plan, node.name(), NodeId.of(node.id())).getHostAddress());
        changed = true;
      }
      nodes.add(node);
    }
    for (ClusterLayout.Slot slot : layout.nodes()) {
      String name = slot.name().value();
      if (manifest.node(name).isPresent()) {
        continue;
      }
      WgPrivateKey mgmt = identities.wireGuardKey();
      WgPrivateKey k8s = identities.wireGuardKey();
      HostKeys ssh = identities.sshHostKeys(name);
      Path keys = keyDir(cluster, name);
      PrivateFiles.write(keys.resolve("wg-mgmt.key"), mgmt.base64() + "\n");
      PrivateFiles.write(keys.resolve("wg-k8s.key"), k8s.base64() + "\n");
      PrivateFiles.write(keys.resolve("ssh_host_ed25519_key"), ssh.privateKey());
      nodes.add(
          new NodeRecord(
              name,
              slot.id().value(),
              slot.role(),
              slot.number(),
              hostOf.apply(slot.role()),
              identities.mac().value(),
              LanAddresses.of(plan, name, slot.id()).getHostAddress(),
              identities.instanceId(name),
              plan.plane(PlaneKind.MGMT).address(slot.id()).toString(),
              plan.plane(PlaneKind.K8S).address(slot.id()).toString(),
              mgmt.publicKey().base64(),
              k8s.publicKey().base64(),
              ssh.publicKey()));
      changed = true;
    }
    ClusterManifest out = manifest.withNodes(nodes);
    if (changed) {
      save(out);
    }
    return out;
  }

  /** A node's private key of one plane, as written by {@link #admit}. */
  public WgPrivateKey wireGuardKey(ClusterName cluster, String node, PlaneKind plane) {
    Path file = keyDir(cluster, node).resolve("wg-" + plane.id() + ".key");
    return PrivateFiles.read(file)
        .map(String::strip)
        .map(WgPrivateKey::parse)
        .orElseThrow(
            () ->
                KldloadException.precondition(
                    "the " + plane.id() + " key of " + node + " is missing (" + file + ")",
                    "restore keys/ from a backup of the state directory"));
  }

  /**
   * A node's SSH host key pair: the private half as written by {@link #admit}, the public recorded.
   */
  public HostKeys sshHostKeys(ClusterName cluster, NodeRecord node) {
    Path file = keyDir(cluster, node.name()).resolve("ssh_host_ed25519_key");
    return PrivateFiles.read(file)
        .map(key -> new HostKeys(key, node.sshHostKey()))
        .orElseThrow(
            () ->
                KldloadException.precondition(
                    "the SSH host key of " + node.name() + " is missing (" + file + ")",
                    "restore keys/ from a backup of the state directory"));
  }
}
