package dev.kldload.kube.node;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.YamlInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The original tools' {@code k8s-stack.lock} (spec §22): {@code KEY=VALUE} lines, parsed, never
 * sourced.
 *
 * <pre>
 * K8S_VERSION=v1.37.1
 * HELM_CLI_VERSION=v4.3.0            # and CILIUM_CLI_, HUBBLE_CLI_, K9S_, KUBE_VIP_, GATEWAY_API_…
 * CHART=cilium|https://charts.example.invalid/helm/|cilium|1.20.2        # repo|url|chart|version
 * MANIFEST=gateway-api|https://…/standard-install.yaml|v1.6.1  # name|url|version
 * IMAGE=registry.example/kube-vip/kube-vip:v1.2.4
 * </pre>
 *
 * It pins versions but no checksums. What it can give kube-init: the Kubernetes version, and the
 * charts and manifests the darksite holds at the original's conventional paths ({@code
 * helm-charts/<chart>.tgz} or {@code helm-charts/<chart>-<version>.tgz}, {@code
 * k8s-manifests/<name>.yaml} or {@code k8s-manifests/<name>-<version>.yaml}), each taken as found
 * with a warning that names it — the cluster cannot be built without them, and the original used
 * them the same way. Packages and tools, which kube-setup installs as root outside any cluster, are
 * never taken from it: {@link #toStackLock} gives none, and {@link StackLockFile#requireVerified}
 * refuses this format.
 */
public record OriginalStackLock(
    Map<String, String> versions,
    List<Chart> charts,
    List<Manifest> manifests,
    List<String> images) {
  private static final Pattern KEY = Pattern.compile("[A-Z][A-Z0-9_]*");
  private static final Pattern VERSION = Pattern.compile("v?[0-9][0-9A-Za-z.+~:-]*");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.+-]*");
  private static final Pattern IMAGE =
      Pattern.compile("[a-z0-9][a-z0-9._/:-]*(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?");
  private static final String HINT =
      "the original format is KEY=VALUE lines: K8S_VERSION=v1.32.3, *_VERSION=…,"
          + " CHART=repo|url|chart|version, MANIFEST=name|url|version, IMAGE=ref";

  /** {@code CHART=repo|url|chart|version}. */
  public record Chart(String repo, String url, String chart, String version) {}

  /** {@code MANIFEST=name|url|version}. */
  public record Manifest(String name, String url, String version) {}

  public OriginalStackLock {
    versions = Map.copyOf(versions);
    charts = List.copyOf(charts);
    manifests = List.copyOf(manifests);
    images = List.copyOf(images);
  }

  /** Whether the text is in this format: its first meaningful line is {@code KEY=VALUE}. */
  static boolean recognises(String text) {
    return text.lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .findFirst()
        .map(l -> l.indexOf('=') > 0 && KEY.matcher(l.substring(0, l.indexOf('='))).matches())
        .orElse(false);
  }

  /** Parses strictly: an unknown key, a malformed entry or an unpinned version is INVALID. */
  public static OriginalStackLock parse(String text, String source) {
    Map<String, String> versions = new LinkedHashMap<>();
    List<Chart> charts = new ArrayList<>();
    List<Manifest> manifests = new ArrayList<>();
    List<String> images = new ArrayList<>();
    int n = 0;
    for (String raw : text.lines().toList()) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + n;
      int eq = line.indexOf('=');
      if (eq <= 0 || !KEY.matcher(line.substring(0, eq)).matches()) {
        throw KldloadException.invalid(where + ": not KEY=VALUE", HINT);
      }
      String key = line.substring(0, eq);
      String value = unquote(line.substring(eq + 1).strip());
      switch (key) {
        case "CHART" -> {
          String[] f = fields(value, 4, where);
          charts.add(new Chart(f[0], f[1], name(f[2], where), version(f[3], where)));
        }
        case "MANIFEST" -> {
          String[] f = fields(value, 3, where);
          manifests.add(new Manifest(name(f[0], where), f[1], version(f[2], where)));
        }
        case "IMAGE" -> {
          if (!IMAGE.matcher(value).matches() || value.endsWith(":latest")) {
            throw KldloadException.invalid(
                where + ": image '" + ApiEndpoint.printable(value) + "' is not a pinned reference",
                "give registry/name:tag or registry/name@sha256:<digest>");
          }
          images.add(value);
        }
        default -> {
          if (!key.endsWith("_VERSION")) {
            throw KldloadException.invalid(where + ": unknown key " + key, HINT);
          }
          versions.put(key, version(value, where));
        }
      }
    }
    if (!versions.containsKey("K8S_VERSION")) {
      throw KldloadException.invalid(source + ": no K8S_VERSION", "pin it: K8S_VERSION=v1.32.3");
    }
    return new OriginalStackLock(versions, charts, manifests, images);
  }

  /**
   * Our lock, for kube-init: the Kubernetes version, and every chart and manifest the darksite
   * holds at its conventional path, its SHA-256 taken from the file as found now. Each such file is
   * named in a warning; one the darksite lacks is left out (kube-init then says the lock pins
   * none). No packages, no tools.
   */
  StackLock toStackLock(Path bundle, Consumer<String> warnings) {
    List<Map<String, Object>> chartEntries = new ArrayList<>();
    for (Chart c : charts) {
      Optional<String> file =
          found(
              bundle,
              List.of(
                  "helm-charts/" + c.chart() + ".tgz",
                  "helm-charts/" + c.chart() + "-" + c.version() + ".tgz"));
      file.ifPresent(f -> chartEntries.add(entry(bundle, c.chart(), c.version(), f, warnings)));
    }
    List<Map<String, Object>> manifestEntries = new ArrayList<>();
    for (Manifest m : manifests) {
      found(
              bundle,
              List.of(
                  "k8s-manifests/" + m.name() + ".yaml",
                  "k8s-manifests/" + m.name() + "-" + m.version() + ".yaml"))
          .ifPresent(f -> manifestEntries.add(entry(bundle, m.name(), m.version(), f, warnings)));
    }
    Map<String, Object> lock = new LinkedHashMap<>();
    lock.put("kubernetes", versions.get("K8S_VERSION"));
    lock.put("charts", chartEntries);
    lock.put("manifests", manifestEntries);
    // through the mapper, not the constructor: the record may grow sections this format lacks
    return YamlInput.mapper().convertValue(lock, StackLock.class);
  }

  /** The image whose repository's last path element is {@code name} (e.g. kube-vip). */
  public Optional<String> image(String name) {
    return images.stream().filter(ref -> named(ref, name)).findFirst();
  }

  /** Whether image reference {@code ref} (name[:tag][@digest]) is of repository {@code name}. */
  static boolean named(String ref, String name) {
    String repo = ref.split("@")[0];
    int colon = repo.lastIndexOf(':');
    if (colon > repo.lastIndexOf('/')) {
      repo = repo.substring(0, colon);
    }
    return repo.endsWith("/" + name) || repo.equals(name);
  }

  private static Map<String, Object> entry(
      Path bundle, String name, String version, String file, Consumer<String> warnings) {
    warnings.accept(
        "the original k8s-stack.lock pins no checksums: "
            + bundle.resolve(file)
            + " ("
            + name
            + " "
            + version
            + ") is used UNVERIFIED, as found; a YAML stack lock with SHA-256 sums avoids this");
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", name);
    e.put("version", version);
    e.put("file", file);
    try {
      e.put("sha256", KubeSetup.sha256(bundle.resolve(file)));
    } catch (IOException ex) {
      throw new KldloadException(
          ErrorKind.FAILED, "cannot read " + bundle.resolve(file) + ": " + ex.getMessage(), null);
    }
    return e;
  }

  private static Optional<String> found(Path bundle, List<String> candidates) {
    return candidates.stream().filter(f -> Files.isRegularFile(bundle.resolve(f))).findFirst();
  }

  private static String[] fields(String value, int count, String where) {
    String[] f = value.split("\\|", -1);
    if (f.length != count) {
      throw KldloadException.invalid(
          where + ": " + f.length + " |-separated fields, not " + count, HINT);
    }
    for (int i = 0; i < f.length; i++) {
      f[i] = f[i].strip();
    }
    return f;
  }

  private static String name(String name, String where) {
    if (!NAME.matcher(name).matches()) {
      throw KldloadException.invalid(
          where + ": '" + ApiEndpoint.printable(name) + "' is not a valid name", HINT);
    }
    return name;
  }

  private static String version(String version, String where) {
    if (!VERSION.matcher(version).matches() || version.equalsIgnoreCase("latest")) {
      throw KldloadException.invalid(
          where + ": '" + ApiEndpoint.printable(version) + "' is not a pinned version",
          "write an exact version such as v1.32.3 (never latest)");
    }
    return version;
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && (value.startsWith("\"") && value.endsWith("\"")
            || value.startsWith("'") && value.endsWith("'"))) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }
}
