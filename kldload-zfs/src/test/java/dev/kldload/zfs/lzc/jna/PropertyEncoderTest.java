package dev.kldload.zfs.lzc.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PropertyEncoderTest {
  @Test
  @DisplayName("number forms: plain, suffixed, fractional, none; garbage is refused naming it")
  void numbers() {
    assertThat(PropertyEncoder.number("x", "65536")).isEqualTo(65536);
    assertThat(PropertyEncoder.number("x", "1G")).isEqualTo(1L << 30);
    assertThat(PropertyEncoder.number("x", "64k")).isEqualTo(65536);
    assertThat(PropertyEncoder.number("x", "1.5K")).isEqualTo(1536);
    assertThat(PropertyEncoder.number("x", "none")).isZero();
    assertThatThrownBy(() -> PropertyEncoder.number("quota", "lots"))
        .hasMessageContaining("lots")
        .hasMessageContaining("quota");
    assertThatThrownBy(() -> PropertyEncoder.number("quota", "99999999999E"))
        .hasMessageContaining("too large");
  }
}
