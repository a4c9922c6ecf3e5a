package dev.kldload.kube.bundle.image;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.kube.bundle.image.jib.JibImageRegistry;
import java.net.URI;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JibImageRegistryTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://mirror.example:5000",
        "https://mirror.example/v2/prefix",
        "ftp://mirror.example",
        "mirror.example:5000"
      })
  @DisplayName("a mirror is https://host[:port]; plain http only on loopback; no path")
  void refusesBadMirrors(String url) {
    assertThatThrownBy(() -> new JibImageRegistry(Map.of("upstream.example", URI.create(url))))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> Assertions.assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT))
        .hasMessageContaining("upstream.example");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"https://mirror.example", "https://mirror.example:5000/", "http://127.0.0.1:5000"})
  @DisplayName("https mirrors and plain-http loopback mirrors are accepted")
  void acceptsGoodMirrors(String url) {
    assertThatCode(() -> new JibImageRegistry(Map.of("upstream.example", URI.create(url))))
        .doesNotThrowAnyException();
  }
}
