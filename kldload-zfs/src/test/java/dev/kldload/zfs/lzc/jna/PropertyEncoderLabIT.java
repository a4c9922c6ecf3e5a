package dev.kldload.zfs.lzc.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * libzfs marks properties supported only when the ZFS module publishes them under {@code
 * /sys/module/zfs}, so encoding needs the module: a lab test.
 */
@Tag("lab")
class PropertyEncoderLabIT {
  @BeforeAll
  static void library() {
    Requirements.require(
        Files.isDirectory(Path.of("/sys/module/zfs")), "the zfs kernel module (lab VM)");
  }

  @Test
  @DisplayName("user and string properties stay strings, numbers and indexes become uint64")
  void encodesByType() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("com.kldload:owner", "ksnap");
    props.put("mountpoint", "/srv/x");
    props.put("volblocksize", "64K");
    props.put("quota", "none");
    props.put("compression", "lz4");
    props.put("canmount", "noauto");
    try (NvList list = PropertyEncoder.get().encode(props)) {
      Map<String, Object> m = list.toMap();
      assertThat(m.get("com.kldload:owner")).isEqualTo("ksnap");
      assertThat(m.get("mountpoint")).isEqualTo("/srv/x");
      assertThat(m.get("volblocksize")).isEqualTo(65536L);
      assertThat(m.get("quota")).isEqualTo(0L);
      assertThat(m.get("compression")).isInstanceOf(Long.class);
      assertThat(m.get("canmount")).isEqualTo(2L);
    }
  }

  @Test
  @DisplayName("unknown properties and invalid values are refused, naming them")
  void refusesInvalid() {
    assertThatThrownBy(() -> PropertyEncoder.get().encode(Map.of("nosuchprop", "1")))
        .hasMessageContaining("nosuchprop");
    assertThatThrownBy(() -> PropertyEncoder.get().encode(Map.of("compression", "zip")))
        .hasMessageContaining("zip");
    assertThatThrownBy(() -> PropertyEncoder.get().encode(Map.of("quota", "lots")))
        .hasMessageContaining("lots");
  }
}
