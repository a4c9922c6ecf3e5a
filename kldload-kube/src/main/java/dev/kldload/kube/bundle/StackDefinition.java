package dev.kldload.kube.bundle;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.YamlInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a bundle holds before anything is resolved: the Kubernetes version, the apt packages, and
 * the pinned versions of tools, charts, manifests and chart images. The default is the {@code
 * stack.yaml} resource next to this class; the lock a build writes is the resolved form.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record StackDefinition(
    String kubernetes,
    List<String> packages,
    List<Tool> tools,
    List<Pinned> charts,
    List<Pinned> manifests,
    List<ChartImage> images) {

  /** A CLI tool; {@code binary} is its path inside the archive ({@code {arch}} substituted). */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Tool(String name, String version, String binary) {}

  /** A chart or manifest at a pinned version. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Pinned(String name, String version) {}

  /** An image a chart runs: {@code registry} is a key of the sources' registries. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record ChartImage(String registry, String image) {}

  public StackDefinition {
    packages = packages == null ? List.of() : List.copyOf(packages);
    tools = tools == null ? List.of() : List.copyOf(tools);
    charts = charts == null ? List.of() : List.copyOf(charts);
    manifests = manifests == null ? List.of() : List.copyOf(manifests);
    images = images == null ? List.of() : List.copyOf(images);
  }

  /** The stack this release of kldload pins. */
  public static StackDefinition standard() {
    try (InputStream in = StackDefinition.class.getResourceAsStream("stack.yaml")) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static StackDefinition parse(String yaml) {
    try {
      return YamlInput.mapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(yaml, StackDefinition.class);
    } catch (IOException e) {
      throw KldloadException.invalid(
          "stack definition is not valid: " + e.getMessage(), "see the offline-bundle manual");
    }
  }

  /** The same stack at another Kubernetes version ({@code --kubernetes}). */
  public StackDefinition withKubernetes(String version) {
    String v = version.startsWith("v") ? version : "v" + version;
    if (!v.matches("v[0-9]+\\.[0-9]+\\.[0-9]+")) {
      throw KldloadException.invalid(
          "--kubernetes " + version + " is not an exact version", "write e.g. v1.37.1");
    }
    return new StackDefinition(v, packages, tools, charts, manifests, images);
  }

  /** The minor version ({@code v1.37}), which names the Kubernetes apt repository. */
  String minor() {
    return kubernetes.substring(0, kubernetes.lastIndexOf('.'));
  }
}
