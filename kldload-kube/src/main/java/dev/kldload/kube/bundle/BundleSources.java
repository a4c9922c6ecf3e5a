package dev.kldload.kube.bundle;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.YamlInput;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where {@code kube-bundle build} fetches each upstream artefact from: nothing upstream is written
 * into the code, so a site mirror stands in for any source by editing this file.
 *
 * <pre>
 * apt:                       # the Kubernetes apt repository; {minor} is e.g. v1.37
 *   url: &lt;apt-repository-url&gt;
 *   suite: /                 # "/" for a flat repository, else a suite under dists/
 *   component: main          # only for a suite
 *   keyring: /etc/kldload/kubernetes-apt-keyring.gpg   # binary keyring gpgv checks Release with
 * releases:                  # per tool: the archive and its published checksum list
 *   helm: {url: &lt;base&gt;/helm-{version}-linux-{arch}.tar.gz, checksums: &lt;base&gt;/….sha256sum}
 * charts:                    # per chart: its chart repository (index.yaml)
 *   cilium: &lt;chart-repository-url&gt;
 * manifests:                 # per manifest: its URL (no published checksum: pinned on first fetch)
 *   gateway-api: &lt;base&gt;/{version}/standard-install.yaml
 * registries:                # the stack definition's registry names: the registry host to use
 *   cilium: &lt;registry-host&gt;
 * mirrors:                   # optional: fetch a registry's images from a mirror (base URL)
 *   &lt;registry-host&gt;: https://&lt;mirror-host&gt;:5000
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record BundleSources(
    Apt apt,
    Map<String, Release> releases,
    Map<String, String> charts,
    Map<String, String> manifests,
    Map<String, String> registries,
    Map<String, String> mirrors) {

  /** An apt repository: {@code url}, {@code suite} ("/" = flat), {@code component}, keyring. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Apt(String url, String suite, String component, String keyring) {}

  /** A release archive's URL template and the URL of the checksum list that names it. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Release(String url, String checksums) {}

  public BundleSources {
    releases = releases == null ? Map.of() : Map.copyOf(releases);
    charts = charts == null ? Map.of() : Map.copyOf(charts);
    manifests = manifests == null ? Map.of() : Map.copyOf(manifests);
    registries = registries == null ? Map.of() : Map.copyOf(registries);
    mirrors = mirrors == null ? Map.of() : Map.copyOf(mirrors);
  }

  public static BundleSources load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw KldloadException.precondition(
          "no bundle sources file at " + file,
          "write one (see the offline-bundle manual) or give --sources FILE");
    }
    try {
      BundleSources sources =
          YamlInput.mapper()
              .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(YamlInput.read(file, "bundle sources " + file), BundleSources.class);
      if (sources == null) {
        throw KldloadException.invalid("bundle sources " + file + " is empty", "name the sources");
      }
      return sources;
    } catch (IOException e) {
      String message = String.valueOf(e.getMessage());
      int nl = message.indexOf('\n');
      throw KldloadException.invalid(
          "bundle sources "
              + file
              + " is not valid: "
              + (nl < 0 ? message : message.substring(0, nl)),
          "see the sources file format in the offline-bundle manual");
    }
  }

  /** The apt repository, complete; PRECONDITION naming the missing entry. */
  Apt requireApt() {
    if (apt == null) {
      throw missing("apt");
    }
    for (Map.Entry<String, String> e :
        Map.of("url", nz(apt.url()), "suite", nz(apt.suite()), "keyring", nz(apt.keyring()))
            .entrySet()) {
      if (e.getValue().isBlank()) {
        throw missing("apt." + e.getKey());
      }
    }
    if (!apt.suite().endsWith("/") && nz(apt.component()).isBlank()) {
      throw missing("apt.component");
    }
    return apt;
  }

  Release requireRelease(String tool) {
    Release r = releases.get(tool);
    if (r == null || nz(r.url()).isBlank()) {
      throw missing("releases." + tool + ".url");
    }
    if (nz(r.checksums()).isBlank()) {
      throw missing("releases." + tool + ".checksums");
    }
    return r;
  }

  String requireChart(String chart) {
    return require(charts, "charts." + chart, chart);
  }

  String requireManifest(String manifest) {
    return require(manifests, "manifests." + manifest, manifest);
  }

  String requireRegistry(String name) {
    return require(registries, "registries." + name, name);
  }

  /** The mirrors as the image registry takes them: registry host[:port] → base URL. */
  Map<String, URI> mirrorUrls() {
    Map<String, URI> urls = new TreeMap<>();
    mirrors.forEach(
        (host, url) -> {
          URI uri;
          try {
            uri = new URI(url);
          } catch (URISyntaxException e) {
            uri = null;
          }
          if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
            throw KldloadException.invalid(
                "bundle sources: mirrors." + host + " '" + url + "' is not a URL",
                "write the mirror's base URL, e.g. https://<mirror-host>:5000");
          }
          urls.put(host, uri);
        });
    return urls;
  }

  private static String require(Map<String, String> map, String key, String name) {
    String value = map.get(name);
    if (value == null || value.isBlank()) {
      throw missing(key);
    }
    return value;
  }

  private static KldloadException missing(String key) {
    return KldloadException.precondition(
        "the bundle sources name no " + key,
        "add " + key + " to the bundle sources file (kube.bundle-sources or --sources FILE)");
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
