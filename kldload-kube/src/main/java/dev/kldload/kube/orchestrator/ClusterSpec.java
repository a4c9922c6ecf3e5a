package dev.kldload.kube.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.io.YamlInput;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.ClusterName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A cluster as the operator describes it, in the spirit of kind's and Talos' cluster files; every
 * field optional, flags win over the file:
 *
 * <pre>
 * name: lab
 * control-planes: 1
 * workers: 5
 * disk: 40          # GB, or with a unit (40G)
 * image: /var/lib/libvirt/isos/debian-12-genericcloud-amd64.qcow2
 * bundle: /root/darksite
 * control-plane: {ram: 8192, cpus: 4, host: qemu:///system}   # ram in MB, or with a unit
 * worker: {ram: 4096, cpus: 2}
 * network: {mgmt.subnet: 10.250.0.0/24, pod-cidr: 10.244.0.0/16}   # the net.* keys
 * </pre>
 */
public record ClusterSpec(
    Optional<ClusterName> name,
    Optional<Integer> controlPlanes,
    Optional<Integer> workers,
    Optional<ByteSize> disk,
    Optional<Path> image,
    Optional<Path> bundle,
    Group controlPlane,
    Group worker,
    Map<ConfigKey, String> network) {

  private static final Set<String> TOP =
      Set.of(
          "name",
          "control-planes",
          "workers",
          "disk",
          "image",
          "bundle",
          "control-plane",
          "worker",
          "network");
  private static final Set<String> GROUP = Set.of("ram", "cpus", "host");

  /** Sizes and hypervisor host of one role; the host is a libvirt URI. */
  public record Group(Optional<ByteSize> ram, Optional<Integer> cpus, Optional<String> host) {
    public static final Group EMPTY =
        new Group(Optional.empty(), Optional.empty(), Optional.empty());

    Group over(Group base) {
      return new Group(ram.or(base::ram), cpus.or(base::cpus), host.or(base::host));
    }
  }

  public ClusterSpec {
    network = Map.copyOf(network);
  }

  public static final ClusterSpec EMPTY =
      new ClusterSpec(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Group.EMPTY,
          Group.EMPTY,
          Map.of());

  /** This spec's values where present, {@code base}'s elsewhere (flags over the file). */
  public ClusterSpec over(ClusterSpec base) {
    Map<ConfigKey, String> net = new EnumMap<>(ConfigKey.class);
    net.putAll(base.network);
    net.putAll(network);
    return new ClusterSpec(
        name.or(base::name),
        controlPlanes.or(base::controlPlanes),
        workers.or(base::workers),
        disk.or(base::disk),
        image.or(base::image),
        bundle.or(base::bundle),
        controlPlane.over(base.controlPlane),
        worker.over(base.worker),
        net);
  }

  /** Reads a cluster file; any defect is exit 2 naming the file and the key. */
  public static ClusterSpec load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw KldloadException.notFound(
          "cluster file " + file + " does not exist", "give the path of a cluster YAML file");
    }
    String where = "cluster file " + file;
    JsonNode root;
    try {
      root = YamlInput.mapper().readTree(YamlInput.read(file, where));
    } catch (IOException e) {
      String reason =
          e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw KldloadException.invalid(where + " is not valid YAML: " + reason, "fix the file");
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return EMPTY;
    }
    requireObject(root, where, TOP);
    return new ClusterSpec(
        text(root, "name", where).map(ClusterName::of),
        count(root, "control-planes", where),
        count(root, "workers", where),
        text(root, "disk", where).map(Sizes::disk),
        text(root, "image", where).map(Path::of),
        text(root, "bundle", where).map(Path::of),
        group(root, "control-plane", where),
        group(root, "worker", where),
        network(root.get("network"), where));
  }

  private static Group group(JsonNode root, String field, String where) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return Group.EMPTY;
    }
    String at = where + ": " + field;
    requireObject(node, at, GROUP);
    return new Group(
        text(node, "ram", at).map(Sizes::memory), count(node, "cpus", at), text(node, "host", at));
  }

  private static Map<ConfigKey, String> network(JsonNode node, String where) {
    Map<ConfigKey, String> out = new EnumMap<>(ConfigKey.class);
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw KldloadException.invalid(where + ": network must be a mapping", "see the net.* keys");
    }
    flatten("net", node, out, where);
    return out;
  }

  private static void flatten(
      String prefix, JsonNode node, Map<ConfigKey, String> out, String where) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix + "." + e.getKey();
      if (e.getValue().isObject()) {
        flatten(key, e.getValue(), out, where);
        continue;
      }
      ConfigKey known =
          ConfigKey.byKey(key)
              .filter(k -> k.key().startsWith("net."))
              .orElseThrow(
                  () ->
                      KldloadException.invalid(
                          where + ": network key '" + key.substring(4) + "' is not known",
                          "known keys: the net.* configuration keys without 'net.'"));
      if (!e.getValue().isValueNode()) {
        throw KldloadException.invalid(where + ": " + key + " must be a single value", null);
      }
      out.put(known, e.getValue().asText());
    }
  }

  private static void requireObject(JsonNode node, String where, Set<String> fields) {
    if (!node.isObject()) {
      throw KldloadException.invalid(where + " must be a mapping", "see 'kube-cluster --help'");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!fields.contains(field)) {
        throw KldloadException.invalid(
            where + ": key '" + field + "' is not known",
            "known keys: " + String.join(", ", fields.stream().sorted().toList()));
      }
    }
  }

  private static Optional<String> text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isValueNode()) {
      throw KldloadException.invalid(where + ": " + field + " must be a single value", null);
    }
    return Optional.of(value.asText());
  }

  private static Optional<Integer> count(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
      throw KldloadException.invalid(
          where + ": " + field + " must be a whole number, not '" + value.asText() + "'", null);
    }
    return Optional.of(value.intValue());
  }
}
