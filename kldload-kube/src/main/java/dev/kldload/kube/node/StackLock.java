package dev.kldload.kube.node;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.YamlInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The pinned Kubernetes stack (a YAML file shipped with the offline bundle): the Kubernetes version
 * and, for every artefact kldload installs from the bundle, its version, file (relative to the
 * bundle) and SHA-256. Nothing is ever "latest", and an artefact without a checksum is refused.
 *
 * <pre>
 * kubernetes: v1.32.3
 * packages:            # Debian packages, installed with dpkg in this order
 *   - {name: kubelet, version: 1.32.3-1.1, file: debs/kubelet_1.32.3-1.1_amd64.deb, sha256: …}
 * tools:               # CLI archives: the named binary is installed to /usr/local/bin
 *   - {name: helm, version: v3.17.0, file: bin/helm.tar.gz, sha256: …, binary: linux-amd64/helm}
 * charts:              # Helm charts kube-init installs: cilium, metallb, zfs-localpv, metrics-server
 *   - {name: cilium, version: 1.16.5, file: helm-charts/cilium-1.16.5.tgz, sha256: …}
 * manifests:           # plain manifests kube-init applies: gateway-api
 *   - {name: gateway-api, version: v1.2.1, file: k8s-manifests/gateway-api.yaml, sha256: …}
 * images:              # container image archives kube-load-images imports
 *   - {ref: …/pause:3.10, source: …/pause:3.10, digest: sha256:…, file: k8s-images/…tar, sha256: …}
 * </pre>
 *
 * <p>A lock written by {@code kube-bundle build} also records the architecture and, per artefact,
 * the {@code source} it was downloaded from, so {@code kube-bundle build --from LOCK} can fetch the
 * same bytes again; older locks without them stay readable.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record StackLock(
    String kubernetes,
    List<Artifact> packages,
    List<Artifact> tools,
    List<Artifact> charts,
    List<Artifact> manifests,
    List<Image> images,
    String arch) {
  private static final Pattern VERSION = Pattern.compile("v?[0-9][0-9A-Za-z.+~:-]*");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.+-]*");
  private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._+~-]+(/[A-Za-z0-9._+~-]+)*");

  /** One pinned artefact of the bundle. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Artifact(
      String name, String version, String file, String sha256, String binary, String source) {}

  /**
   * One container image archive: {@code ref} is the image's name, {@code source} where it was
   * pulled from (a mirror may stand in), {@code digest} the manifest digest pulled.
   */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Image(String ref, String source, String digest, String file, String sha256) {}

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  public StackLock {
    packages = packages == null ? List.of() : List.copyOf(packages);
    tools = tools == null ? List.of() : List.copyOf(tools);
    charts = charts == null ? List.of() : List.copyOf(charts);
    manifests = manifests == null ? List.of() : List.copyOf(manifests);
    images = images == null ? List.of() : List.copyOf(images);
  }

  /** Every file the lock pins, relative to the bundle, with its SHA-256, in lock order. */
  public Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    for (List<Artifact> list : List.of(packages, tools, charts, manifests)) {
      list.forEach(a -> files.put(a.file(), a.sha256()));
    }
    images.forEach(i -> files.put(i.file(), i.sha256()));
    return files;
  }

  /** The chart or manifest named {@code name}; PRECONDITION when the lock does not pin it. */
  public Artifact require(List<Artifact> from, String what, String name) {
    return from.stream()
        .filter(a -> a.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                KldloadException.precondition(
                    "the stack lock pins no " + what + " named " + name,
                    "add it (name, version, file, sha256) to the stack lock"));
  }

  /** The stack lock's place in an offline bundle, unless --lock names another file. */
  public static Path inBundle(Path bundle) {
    return bundle.resolve("k8s-stack.lock.yaml");
  }

  /**
   * The lock as YAML, fields in declaration order and absent ones left out, so the same lock always
   * gives the same bytes.
   */
  public String toYaml() {
    try {
      return YamlInput.mapper()
          .copy()
          .setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
          .writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stack lock always serialises", e);
    }
  }

  public static StackLock load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw KldloadException.precondition(
          "no stack lock at " + file,
          "copy the offline bundle's k8s-stack.lock.yaml there, or give --lock FILE");
    }
    StackLock lock;
    try {
      ObjectMapper yaml =
          YamlInput.mapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
      lock = yaml.readValue(YamlInput.read(file, "stack lock " + file), StackLock.class);
    } catch (IOException e) {
      throw KldloadException.invalid(
          "stack lock " + file + " is not valid: " + firstLine(e.getMessage()),
          "see the format in the kube-setup manual");
    }
    if (lock == null) {
      throw KldloadException.invalid("stack lock " + file + " is empty", "pin at least kubernetes");
    }
    lock.validate(file);
    return lock;
  }

  private void validate(Path file) {
    String where = "stack lock " + file;
    if (kubernetes == null || !VERSION.matcher(kubernetes).matches()) {
      throw KldloadException.invalid(
          where + ": kubernetes version '" + kubernetes + "' is not a pinned version",
          "write an exact version such as v1.32.3 (never latest)");
    }
    for (Artifact a : packages) {
      check(where, "package", a);
    }
    for (Artifact a : charts) {
      check(where, "chart", a);
    }
    for (Artifact a : manifests) {
      check(where, "manifest", a);
    }
    for (Artifact a : tools) {
      check(where, "tool", a);
      if (a.binary() == null || !FILE.matcher(a.binary()).matches()) {
        throw KldloadException.invalid(
            where + ": tool " + a.name() + " does not name the binary inside its archive",
            "add binary: <path inside the archive>");
      }
    }
    for (Image i : images) {
      if (i.ref() == null || i.ref().isBlank()) {
        throw KldloadException.invalid(where + ": an image has no ref", "give ref: <image name>");
      }
      if (i.digest() == null || !DIGEST.matcher(i.digest()).matches()) {
        throw KldloadException.invalid(
            where + ": image " + i.ref() + " has no manifest digest",
            "give digest: sha256:<64 lowercase hex digits>");
      }
      check(where, "image", new Artifact("image", "0", i.file(), i.sha256(), null, null), i.ref());
    }
  }

  private static void check(String where, String what, Artifact a) {
    check(where, what, a, a.name());
  }

  private static void check(String where, String what, Artifact a, String label) {
    if (a.name() == null || !NAME.matcher(a.name()).matches()) {
      throw KldloadException.invalid(
          where + ": a " + what + " has no valid name", "give name: <lowercase name>");
    }
    if (a.version() == null
        || !VERSION.matcher(a.version()).matches()
        || a.version().equalsIgnoreCase("latest")) {
      throw KldloadException.invalid(
          where + ": " + what + " " + label + " has no pinned version",
          "write an exact version (never latest)");
    }
    if (a.file() == null || !FILE.matcher(a.file()).matches() || a.file().contains("..")) {
      throw KldloadException.invalid(
          where + ": " + what + " " + label + " has no valid file path",
          "give the file relative to the bundle, e.g. debs/kubelet_1.32.3-1.1_amd64.deb");
    }
    if (a.sha256() == null || !SHA256.matcher(a.sha256()).matches()) {
      throw KldloadException.invalid(
          where + ": " + what + " " + label + " has no SHA-256 checksum",
          "every artefact needs sha256: <64 lowercase hex digits>; unverified files are refused");
    }
  }

  public List<Artifact> packages() {
    return packages;
  }

  private static String firstLine(String text) {
    String t = Objects.requireNonNullElse(text, "");
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }
}
