package dev.kldload.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.YamlInput;
import dev.kldload.core.value.DatasetName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads configuration in precedence order: {@code /etc/kldload/kldload.yaml} &lt; {@code
 * ~/.config/kldload/kldload.yaml} &lt; {@code KLDLOAD_*} environment &lt; flags. {@code --config
 * FILE} replaces both files. Keys may be nested ({@code libvirt: {uri: …}}) or dotted ({@code
 * libvirt.uri}).
 */
public final class ConfigLoader {
  public static final Path SYSTEM_FILE = Path.of("/etc/kldload/kldload.yaml");

  private final Map<String, String> environment;
  private final List<Path> defaultFiles;

  public ConfigLoader(Map<String, String> environment) {
    this(environment, defaultFiles(environment));
  }

  public ConfigLoader(Map<String, String> environment, List<Path> defaultFiles) {
    this.environment = Map.copyOf(environment);
    this.defaultFiles = List.copyOf(defaultFiles);
  }

  private static List<Path> defaultFiles(Map<String, String> env) {
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    String xdg = env.get("XDG_CONFIG_HOME");
    Path user =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg, "kldload", "kldload.yaml")
            : Path.of(home, ".config", "kldload", "kldload.yaml");
    return List.of(SYSTEM_FILE, user);
  }

  /**
   * @param explicitFile {@code --config FILE}: when present, the only file read (and it must exist)
   * @param flags values given on the command line, by key
   */
  public Config load(Optional<Path> explicitFile, Map<ConfigKey, String> flags) {
    Map<ConfigKey, Config.Value> values = new EnumMap<>(ConfigKey.class);
    for (ConfigKey key : ConfigKey.values()) {
      key.defaultValue().ifPresent(v -> values.put(key, new Config.Value(v, "default")));
    }
    if (explicitFile.isPresent()) {
      Path file = explicitFile.get();
      if (!Files.isRegularFile(file)) {
        throw KldloadException.notFound(
            "config file " + file + " does not exist", "check the path given to --config");
      }
      readFile(file, values);
    } else {
      for (Path file : defaultFiles) {
        if (Files.isRegularFile(file)) {
          readFile(file, values);
        }
      }
    }
    for (ConfigKey key : ConfigKey.values()) {
      String value = environment.get(key.environmentName());
      if (value != null && !value.isBlank()) {
        values.put(key, new Config.Value(value, "environment " + key.environmentName()));
      }
    }
    flags.forEach((key, value) -> values.put(key, new Config.Value(value, "flag")));
    values.forEach(ConfigLoader::validate);
    return new Config(values);
  }

  private static final Set<ConfigKey> PATHS =
      EnumSet.of(
          ConfigKey.STATE_DIR,
          ConfigKey.RUN_DIR,
          ConfigKey.LOG_DIR,
          ConfigKey.KVM_IMAGES_DIR,
          ConfigKey.NODE_ROOT,
          ConfigKey.KUBE_BUNDLE,
          ConfigKey.KUBE_SMOKE_TEST_LOG);

  /**
   * Values are checked like the flags they stand for, whatever their source, so a bad value is exit
   * 2 naming the key and where it came from, not a failure deep inside a command. The net.* keys
   * are checked by the address plan that reads them.
   */
  private static void validate(ConfigKey key, Config.Value value) {
    String v = value.value();
    String reason = null;
    if (PATHS.contains(key) || key == ConfigKey.LIBVIRT_URI) {
      if (v.isBlank()) {
        reason = "it is empty";
      } else if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        reason = "it holds a control character";
      }
    } else if (key == ConfigKey.KVM_BACKEND && !Set.of("zfs", "qcow2").contains(v)) {
      reason = "use zfs or qcow2";
    } else if (key == ConfigKey.KVM_VIRT_TYPE && !Set.of("kvm", "qemu").contains(v)) {
      reason = "use kvm or qemu";
    } else if (key == ConfigKey.ZFS_VM_PARENT) {
      try {
        DatasetName.of(v);
      } catch (KldloadException e) {
        reason = e.getMessage();
      }
    }
    if (reason != null) {
      // the error line is escaped where it is printed, like every echoed value
      throw KldloadException.invalid(
          key.key() + " '" + v + "' (" + value.source() + ") is not valid: " + reason,
          "fix the value where it is set");
    }
  }

  private static void readFile(Path file, Map<ConfigKey, Config.Value> values) {
    JsonNode root;
    try {
      root = YamlInput.mapper().readTree(YamlInput.read(file, "config file " + file));
    } catch (IOException e) {
      String reason =
          e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw KldloadException.invalid(
          "config file " + file + " is not valid YAML: " + reason, "fix the file or move it away");
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      throw KldloadException.invalid(
          "config file " + file + " must be a mapping of keys to values",
          "known keys: " + String.join(", ", ConfigKey.keys()));
    }
    Map<String, String> flat = new LinkedHashMap<>();
    flatten("", root, flat, file);
    flat.forEach(
        (name, value) -> {
          ConfigKey key =
              ConfigKey.byKey(name)
                  .orElseThrow(
                      () ->
                          KldloadException.invalid(
                              "unknown key '" + name + "' in config file " + file,
                              "known keys: " + String.join(", ", ConfigKey.keys())));
          values.put(key, new Config.Value(value, file.toString()));
        });
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        flatten(name, value, out, file);
      } else if (value.isValueNode() && !value.isNull()) {
        out.put(name, value.asText());
      } else {
        throw KldloadException.invalid(
            "key '" + name + "' in config file " + file + " must have a single value",
            "write it as '" + name + ": VALUE'");
      }
    }
  }
}
