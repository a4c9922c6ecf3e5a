package dev.kldload.kube.bundle;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The Kubernetes apt repository, trusted the way apt trusts it: {@code Release} must carry a good
 * signature from the configured keyring ({@code gpgv}), {@code Packages} must match the SHA-256
 * Release gives for it, and each {@code .deb} must match the SHA-256 Packages gives for it.
 */
final class AptRepository {
  /** One package chosen from the repository. */
  record Deb(String name, String version, String arch, URI url, String sha256) {
    String file() {
      return "debs/" + name + "_" + DebianVersion.stripEpoch(version) + "_" + arch + ".deb";
    }
  }

  private final HttpFetcher http;
  private final ProcessRunner runner;
  private final BundleSources.Apt apt;
  private final URI base;
  private final URI releaseDir;

  AptRepository(HttpFetcher http, ProcessRunner runner, BundleSources.Apt apt, String minor) {
    this.http = http;
    this.runner = runner;
    this.apt = apt;
    String url = apt.url().replace("{minor}", minor);
    this.base = URI.create(url.endsWith("/") ? url : url + "/");
    // a flat repository's suite ("/", "./", "sub/") is relative to the URL, as in sources.list
    String suite = apt.suite().replaceFirst("^\\.?/+", "");
    this.releaseDir = flat() ? base.resolve(suite) : base.resolve("dists/" + suite + "/");
  }

  private boolean flat() {
    return apt.suite().endsWith("/");
  }

  /**
   * The newest version of each package for {@code arch}; kubeadm, kubelet and kubectl at exactly
   * {@code kubernetes} ({@code v1.37.1} → {@code 1.37.1-*}). FAILED naming what does not verify.
   */
  List<Deb> resolve(List<String> packages, String kubernetes, String arch)
      throws InterruptedException {
    byte[] release = http.bytes(releaseDir.resolve("Release"));
    byte[] signature = http.bytes(releaseDir.resolve("Release.gpg"));
    checkSignature(release, signature);
    Map<String, String> hashes = releaseHashes(new String(release, StandardCharsets.UTF_8));
    String index = flat() ? "Packages" : apt.component() + "/binary-" + arch + "/Packages";
    String listed = hashes.containsKey(index) ? index : index + ".gz";
    if (!hashes.containsKey(listed)) {
      throw failed("Release of " + releaseDir + " lists no SHA-256 for " + index);
    }
    byte[] body = http.bytes(releaseDir.resolve(listed));
    String actual = HttpFetcher.sha256(body);
    if (!actual.equals(hashes.get(listed))) {
      throw failed(
          "apt repository "
              + releaseDir
              + ": "
              + listed
              + " has SHA-256 "
              + actual
              + " but the signed Release says "
              + hashes.get(listed));
    }
    List<Map<String, String>> stanzas = stanzas(listed.endsWith(".gz") ? gunzip(body) : body);
    URI files = flat() ? releaseDir : base;
    String exact = kubernetes.substring(1) + "-";
    List<Deb> chosen = new ArrayList<>();
    for (String name : packages) {
      boolean pinned = List.of("kubeadm", "kubelet", "kubectl").contains(name);
      Optional<Map<String, String>> best =
          stanzas.stream()
              .filter(s -> name.equals(s.get("Package")))
              .filter(
                  s -> arch.equals(s.get("Architecture")) || "all".equals(s.get("Architecture")))
              .filter(s -> !pinned || s.getOrDefault("Version", "").startsWith(exact))
              .max((a, b) -> DebianVersion.compare(a.get("Version"), b.get("Version")));
      Map<String, String> s =
          best.orElseThrow(
              () ->
                  KldloadException.notFound(
                      "apt repository "
                          + releaseDir
                          + " has no "
                          + name
                          + (pinned ? " " + exact + "*" : "")
                          + " for "
                          + arch,
                      "check --kubernetes and the apt source's {minor} in the bundle sources"));
      if (s.get("SHA256") == null || s.get("Filename") == null) {
        throw failed("Packages of " + releaseDir + " gives no SHA256 or Filename for " + name);
      }
      chosen.add(
          new Deb(
              name,
              s.get("Version"),
              s.get("Architecture"),
              files.resolve(s.get("Filename")),
              s.get("SHA256")));
    }
    return chosen;
  }

  private void checkSignature(byte[] release, byte[] signature) {
    try {
      // gpgv reads files; a private temporary directory keeps a dry-run from writing the bundle
      Path scratch = Files.createTempDirectory("kube-bundle-release");
      Path r = Files.write(scratch.resolve("Release"), release);
      Path sig = Files.write(scratch.resolve("Release.gpg"), signature);
      ProcessResult result =
          runner.run(
              ProcessSpec.of("gpgv", "--keyring", apt.keyring(), sig.toString(), r.toString())
                  .timeout(Duration.ofMinutes(1))
                  .readOnly()
                  .build());
      Files.delete(r);
      Files.delete(sig);
      Files.delete(scratch);
      if (!result.ok()) {
        throw failed(
            "apt repository "
                + releaseDir
                + ": Release is not signed by a key in "
                + apt.keyring()
                + " ("
                + result.errorTail()
                + ")");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code SHA256:} section of a Release file: path → hash. */
  static Map<String, String> releaseHashes(String release) {
    Map<String, String> hashes = new HashMap<>();
    boolean in = false;
    for (String line : release.split("\n")) {
      if (!line.startsWith(" ")) {
        in = line.startsWith("SHA256:");
        continue;
      }
      String[] f = line.trim().split("\\s+");
      if (in && f.length == 3) {
        hashes.put(f[2], f[0]);
      }
    }
    return hashes;
  }

  /** Deb822 stanzas (continuation lines dropped: no field kldload reads spans lines). */
  static List<Map<String, String>> stanzas(byte[] packages) {
    List<Map<String, String>> all = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    for (String line : new String(packages, StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          all.add(current);
          current = new LinkedHashMap<>();
        }
      } else if (!line.startsWith(" ") && !line.startsWith("\t")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          current.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
      }
    }
    if (!current.isEmpty()) {
      all.add(current);
    }
    return all;
  }

  private static byte[] gunzip(byte[] body) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readNBytes(HttpFetcher.MAX_METADATA_BYTES);
    } catch (IOException e) {
      throw failed("Packages.gz does not decompress: " + e.getMessage());
    }
  }

  private static KldloadException failed(String message) {
    return new KldloadException(
        ErrorKind.FAILED,
        message,
        "the repository or a mirror in between serves other bytes than it signed; nothing was kept");
  }
}
