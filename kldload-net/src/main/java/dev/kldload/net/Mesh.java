package dev.kldload.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.YamlInput;
import dev.kldload.core.value.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The desired mesh: every node with its id, endpoint and public keys. Written by the cluster
 * orchestrator (or by hand) as YAML or JSON:
 *
 * <pre>
 * nodes:
 *   - id: 1
 *     endpoint: 192.168.122.11
 *     mgmtKey: …base64…
 *     k8sKey: …base64…
 *   - id: 100
 *     endpoint: 192.168.122.1
 *     nat: false
 * </pre>
 */
public record Mesh(List<MeshNode> nodes) {
  private static final Set<String> FIELDS = Set.of("id", "endpoint", "nat", "mgmtKey", "k8sKey");

  public Mesh {
    nodes = nodes.stream().sorted(Comparator.comparing(MeshNode::id)).toList();
    Map<NodeId, MeshNode> ids = new HashMap<>();
    Map<WgKey, NodeId> keys = new HashMap<>();
    for (MeshNode node : nodes) {
      if (ids.put(node.id(), node) != null) {
        throw KldloadException.invalid(
            "mesh lists node " + node.id() + " twice", "give every node its own id");
      }
      for (WgKey key : node.keys().values()) {
        NodeId other = keys.put(key, node.id());
        if (other != null && !other.equals(node.id())) {
          throw KldloadException.invalid(
              "nodes " + other + " and " + node.id() + " share the public key " + key,
              "every node needs its own key pair per plane");
        }
      }
      if (node.keys().size() == 2
          && node.keys().get(PlaneKind.MGMT).equals(node.keys().get(PlaneKind.K8S))) {
        throw KldloadException.invalid(
            "node " + node.id() + " uses one key for both planes",
            "generate a separate key pair per plane");
      }
    }
  }

  public Optional<MeshNode> node(NodeId id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
  }

  /** Reads a mesh file; any defect is INVALID_INPUT naming the file and the entry. */
  public static Mesh read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw KldloadException.notFound(
          "mesh file " + file + " does not exist", "give the path of a YAML or JSON mesh file");
    }
    JsonNode root;
    try {
      root = YamlInput.mapper().readTree(YamlInput.read(file, "mesh file " + file));
    } catch (IOException e) {
      String reason =
          e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw KldloadException.invalid(
          "mesh file " + file + " is not valid YAML or JSON: " + reason, "fix the file");
    }
    return fromJson(root, "mesh file " + file);
  }

  static Mesh fromJson(JsonNode root, String what) {
    if (root == null || !root.isObject() || !root.path("nodes").isArray()) {
      throw KldloadException.invalid(
          what + " has no 'nodes' list", "see 'kube-network apply --help'");
    }
    List<MeshNode> nodes = new ArrayList<>();
    int index = 0;
    for (JsonNode entry : root.get("nodes")) {
      nodes.add(node(entry, what + " entry " + index++));
    }
    return new Mesh(nodes);
  }

  static MeshNode node(JsonNode entry, String what) {
    if (!entry.isObject()) {
      throw KldloadException.invalid(what + " is not a mapping", "write id, endpoint and keys");
    }
    Iterator<String> names = entry.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw KldloadException.invalid(
            what + " has an unknown field '" + name + "'", "known fields: " + FIELDS);
      }
    }
    JsonNode id = entry.get("id");
    if (id == null) {
      throw KldloadException.invalid(what + " has no id", "add 'id: N' (1-254)");
    }
    // canConvertToInt alone takes 2.5 (and truncates it to 2)
    if (!id.isIntegralNumber() || !id.canConvertToInt()) {
      throw KldloadException.invalid(
          what + " has id '" + id.asText() + "', not a whole number", "write 'id: N' (1-254)");
    }
    NodeId nodeId = NodeId.of(id.asInt());
    JsonNode endpoint = entry.get("endpoint");
    if (endpoint == null || !endpoint.isTextual()) {
      throw KldloadException.invalid(
          what + " (node " + nodeId + ") has no endpoint", "add 'endpoint: ADDRESS'");
    }
    Map<PlaneKind, WgKey> keys = new EnumMap<>(PlaneKind.class);
    for (PlaneKind plane : PlaneKind.values()) {
      JsonNode key = entry.get(plane.id() + "Key");
      if (key != null && !key.isNull()) {
        keys.put(plane, WgKey.parse(key.asText()));
      }
    }
    JsonNode nat = entry.path("nat");
    if (!nat.isMissingNode() && !nat.isBoolean()) {
      throw KldloadException.invalid(
          what + " (node " + nodeId + ") has nat '" + nat.asText() + "'",
          "write nat: true or false");
    }
    return new MeshNode(nodeId, Endpoint.parse(endpoint.asText()), nat.asBoolean(false), keys);
  }

  /** The JSON form {@link #read} accepts (also the state file format). */
  public ObjectNode toJson() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode list = root.putArray("nodes");
    for (MeshNode node : nodes) {
      ObjectNode entry = list.addObject();
      entry.put("id", node.id().value());
      entry.put("endpoint", node.endpoint().host());
      entry.put("nat", node.nat());
      node.keys().forEach((plane, key) -> entry.put(plane.id() + "Key", key.base64()));
    }
    return root;
  }

  /**
   * The peers node {@code self} should have on {@code plane}: every other node with a key there,
   * reached at its own endpoint on the plane's port, routed by its /32, with keepalive 25 when
   * either side is behind NAT.
   */
  public List<PeerSpec> peersFor(NodeId self, boolean selfNat, Plane plane) {
    List<PeerSpec> out = new ArrayList<>();
    for (MeshNode node : nodes) {
      if (node.id().equals(self)) {
        continue;
      }
      node.key(plane.kind())
          .ifPresent(
              key ->
                  out.add(
                      new PeerSpec(
                          node.id(),
                          key,
                          Optional.of(node.endpoint().withPort(plane.port())),
                          List.of(plane.peerRoute(node.id())),
                          selfNat || node.nat() ? 25 : 0)));
    }
    return out;
  }
}
