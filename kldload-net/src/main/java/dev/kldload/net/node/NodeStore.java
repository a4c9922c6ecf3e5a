package dev.kldload.net.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.Mesh;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPrivateKey;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * This node's mesh state under {@code <state-dir>/net}: {@code node.json} (id, NAT), one private
 * key per plane ({@code keys/<plane>.key}, 0600), the desired peers ({@code peers.json}) and the
 * peers we configured per plane ({@code owned-<plane>.json}) — the only peers we ever remove.
 */
public final class NodeStore {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final Path dir;

  public NodeStore(Path stateDir) {
    this.dir = stateDir.resolve("net");
  }

  public Path dir() {
    return dir;
  }

  /** The node's identity in the mesh. */
  public record NodeRecord(NodeId id, boolean nat) {}

  /**
   * This node's identity, with a key on every plane: what every verb but {@code init} needs. Before
   * {@code init} it is a precondition failure that says so.
   */
  public NodeRecord requireNode() {
    NodeRecord node =
        node()
            .orElseThrow(
                () ->
                    KldloadException.precondition(
                        "this machine is not a mesh node yet", "run 'kube-network init ID' first"));
    for (PlaneKind kind : PlaneKind.values()) {
      if (key(kind).isEmpty()) {
        throw KldloadException.precondition(
            "node " + node.id() + " has no " + kind.id() + " key", "run 'kube-network init ID'");
      }
    }
    return node;
  }

  /** The plane's private key, which {@code init} creates. */
  public WgPrivateKey requireKey(PlaneKind plane) {
    return key(plane)
        .orElseThrow(
            () ->
                KldloadException.precondition(
                    "no " + plane.id() + " key", "run 'kube-network init ID' first"));
  }

  public Optional<NodeRecord> node() {
    return PrivateFiles.read(dir.resolve("node.json"))
        .map(text -> json(text, "node.json"))
        .map(n -> new NodeRecord(NodeId.of(n.path("id").asInt()), n.path("nat").asBoolean()));
  }

  public void saveNode(NodeRecord node) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("id", node.id().value());
    root.put("nat", node.nat());
    PrivateFiles.write(dir.resolve("node.json"), text(root));
  }

  public Path keyFile(PlaneKind plane) {
    return dir.resolve("keys").resolve(plane.id() + ".key");
  }

  public Optional<WgPrivateKey> key(PlaneKind plane) {
    return PrivateFiles.read(keyFile(plane)).map(String::strip).map(WgPrivateKey::parse);
  }

  public WgPrivateKey createKey(PlaneKind plane) {
    WgPrivateKey key = WgPrivateKey.generate();
    PrivateFiles.write(keyFile(plane), key.base64() + "\n");
    return key;
  }

  /** The desired peers (every node of the mesh but this one). */
  public Mesh peers() {
    return PrivateFiles.read(dir.resolve("peers.json"))
        .map(text -> readMesh())
        .orElse(new Mesh(List.of()));
  }

  private Mesh readMesh() {
    try {
      return Mesh.read(dir.resolve("peers.json"));
    } catch (KldloadException e) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "state file " + dir.resolve("peers.json") + " is damaged: " + e.getMessage(),
          "re-apply the mesh with 'kube-network apply --mesh FILE'");
    }
  }

  public void savePeers(Mesh peers) {
    PrivateFiles.write(dir.resolve("peers.json"), text(peers.toJson()));
  }

  /** One file per plane: the planes reconcile in parallel and must not overwrite each other. */
  public Set<WgKey> owned(PlaneKind plane) {
    Set<WgKey> out = new LinkedHashSet<>();
    String name = "owned-" + plane.id() + ".json";
    PrivateFiles.read(dir.resolve(name))
        .map(text -> json(text, name))
        .ifPresent(root -> root.forEach(k -> out.add(WgKey.parse(k.asText()))));
    return out;
  }

  public void saveOwned(PlaneKind plane, Set<WgKey> keys) {
    ArrayNode list = MAPPER.createArrayNode();
    keys.forEach(k -> list.add(k.base64()));
    PrivateFiles.write(dir.resolve("owned-" + plane.id() + ".json"), text(list));
  }

  private JsonNode json(String text, String name) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "state file " + dir.resolve(name) + " is not valid JSON",
          "move it away and run 'kube-network init' again");
    }
  }

  private static String text(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
