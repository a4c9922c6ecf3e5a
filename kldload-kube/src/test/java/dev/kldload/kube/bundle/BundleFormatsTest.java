package dev.kldload.kube.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.kube.node.StackLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleFormatsTest {
  @TempDir Path tmp;

  private static final String SHA = "a".repeat(64);

  @Test
  @DisplayName("Debian versions order like dpkg: epochs, numbers by value, ~ before anything")
  void debianVersions() {
    List<String> sorted =
        List.of("1.37.1-1.1", "1:0.1-1", "1.37.1~rc.1-1.1", "1.37.10-1.1", "1.37.1-1.2", "1.37.1")
            .stream()
            .sorted(DebianVersion.ORDER)
            .toList();
    assertThat(sorted)
        .containsExactly(
            "1.37.1~rc.1-1.1", "1.37.1", "1.37.1-1.1", "1.37.1-1.2", "1.37.10-1.1", "1:0.1-1");
    assertThat(DebianVersion.stripEpoch("1:2.0-1")).isEqualTo("2.0-1");
  }

  @Test
  @DisplayName("a checksum list gives the hash of the named file only, or its lone hash")
  void checksumLists() {
    String list =
        SHA + "  helm-linux-amd64.tar.gz\n" + "b".repeat(64) + " *k9s_Linux_amd64.tar.gz\n";
    assertThat(BundleBuilder.checksumFor(list, "helm-linux-amd64.tar.gz")).contains(SHA);
    assertThat(BundleBuilder.checksumFor(list, "k9s_Linux_amd64.tar.gz")).contains("b".repeat(64));
    assertThat(BundleBuilder.checksumFor(list, "other.tar.gz")).isEmpty();
    assertThat(BundleBuilder.checksumFor(SHA.toUpperCase() + "\n", "any")).contains(SHA);
    assertThat(BundleBuilder.checksumFor("", "any")).isEmpty();
  }

  @Test
  @DisplayName("Release's SHA256 section maps each index to its hash, ignoring other sections")
  void releaseHashes() {
    String release =
        "Origin: test\nMD5Sum:\n "
            + "c".repeat(32)
            + " 10 Packages\nSHA256:\n "
            + SHA
            + " 10 Packages\n "
            + "d".repeat(64)
            + " 5 main/binary-amd64/Packages.gz\n";
    assertThat(AptRepository.releaseHashes(release))
        .containsEntry("Packages", SHA)
        .containsEntry("main/binary-amd64/Packages.gz", "d".repeat(64))
        .hasSize(2);
  }

  @Test
  @DisplayName("an image archive is named by repository, tag and digest, without the registry host")
  void archiveNames() {
    assertThat(
            BundleBuilder.archiveName(
                "images.example.test:5000/coredns/coredns:v1.12.1", "sha256:" + SHA))
        .isEqualTo("coredns_coredns_v1.12.1_aaaaaaaaaaaa.tar");
  }

  @Test
  @DisplayName(
      "a lock without images, arch or sources still loads; a written lock reads back equal")
  void lockCompatibility() throws Exception {
    Path old = tmp.resolve("old.yaml");
    Files.writeString(
        old,
        "kubernetes: v1.32.3\npackages:\n  - {name: kubelet, version: 1.32.3-1.1, file:"
            + " debs/kubelet.deb, sha256: "
            + SHA
            + "}\n");
    StackLock lock = StackLock.load(old);
    assertThat(lock.images()).isEmpty();
    assertThat(lock.arch()).isNull();
    assertThat(lock.files()).containsExactly(Map.entry("debs/kubelet.deb", SHA));

    StackLock full =
        new StackLock(
            "v1.37.1",
            lock.packages(),
            List.of(),
            List.of(),
            List.of(),
            List.of(
                new StackLock.Image(
                    "images.example.test/pause:3.10.2",
                    "images.example.test",
                    "sha256:" + SHA,
                    "k8s-images/pause_3.10.2_aaaaaaaaaaaa.tar",
                    SHA)),
            "amd64");
    Path written = Files.writeString(tmp.resolve("new.yaml"), full.toYaml());
    assertThat(StackLock.load(written)).isEqualTo(full);
    assertThat(full.toYaml()).isEqualTo(StackLock.load(written).toYaml());
  }

  @Test
  @DisplayName("an image without a manifest digest makes the lock invalid")
  void imageNeedsDigest() throws Exception {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(
        bad,
        "kubernetes: v1.37.1\nimages:\n  - {ref: images.example.test/pause:3.10.2, file:"
            + " k8s-images/p.tar, sha256: "
            + SHA
            + "}\n");
    assertThatThrownBy(() -> StackLock.load(bad))
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("image images.example.test/pause:3.10.2 has no manifest digest")
        .satisfies(e -> assertThat(((KldloadException) e).exitCode()).isEqualTo(ExitCode.USAGE));
  }

  @Test
  @DisplayName("a missing mirror URL or registry is named before anything is fetched")
  void sourcesNameWhatIsMissing() {
    BundleSources sources =
        new BundleSources(null, null, null, null, null, Map.of("r", "not a url"));
    assertThatThrownBy(sources::requireApt).hasMessageContaining("the bundle sources name no apt");
    assertThatThrownBy(() -> sources.requireRegistry("cilium"))
        .hasMessageContaining("registries.cilium");
    assertThatThrownBy(sources::mirrorUrls).hasMessageContaining("mirrors.r 'not a url'");
    assertThat(Optional.of(sources.charts())).contains(Map.of());
  }
}
