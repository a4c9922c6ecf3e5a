package dev.kldload.kube.bundle.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRefTest {
  private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

  @Test
  @DisplayName("host, port, path, tag and digest are read apart and written back the same")
  void parsesAndRoundTrips() {
    ImageRef ref =
        ImageRef.parse("mirror.example:5000/kube/sig-storage/csi-node:v2.13.0@" + DIGEST);

    assertThat(ref.registry()).isEqualTo("mirror.example:5000");
    assertThat(ref.repository()).isEqualTo("kube/sig-storage/csi-node");
    assertThat(ref.tag()).isEqualTo("v2.13.0");
    assertThat(ref.digest()).isEqualTo(DIGEST);
    assertThat(ref.name()).isEqualTo("mirror.example:5000/kube/sig-storage/csi-node:v2.13.0");
    assertThat(ImageRef.parse(ref.canonical())).isEqualTo(ref);
  }

  @Test
  @DisplayName("without a digest the canonical form is the name, and withDigest pins it")
  void unpinned() {
    ImageRef ref = ImageRef.parse("127.0.0.1:5000/pause:3.10");

    assertThat(ref.pinned()).isEmpty();
    assertThat(ref.canonical()).isEqualTo("127.0.0.1:5000/pause:3.10");
    assertThat(ref.withDigest(DIGEST).canonical()).isEqualTo("127.0.0.1:5000/pause:3.10@" + DIGEST);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pause:3.10",
        "library/busybox:1.36",
        "mirror.example/pause",
        "mirror.example/pause:latest",
        "mirror.example/Pause:3.10",
        "mirror.example/pause:3.10@sha256:abc",
        "mirror.example//pause:3.10",
        "mirror.example/pause:3.10@md5:0123",
        ""
      })
  @DisplayName("no host, no tag, latest, upper case or a malformed digest are invalid input")
  void refusesMalformed(String text) {
    assertThatThrownBy(() -> ImageRef.parse(text))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT);
              assertThat(e.hint()).isPresent();
            });
  }
}
