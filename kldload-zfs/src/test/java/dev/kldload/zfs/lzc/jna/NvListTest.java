package dev.kldload.zfs.lzc.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.testing.Requirements;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** libnvpair works in user space: building and reading nvlists needs no ZFS module. */
class NvListTest {

  @BeforeAll
  static void library() {
    boolean loads;
    try {
      NvList.lib();
      loads = true;
    } catch (UnsatisfiedLinkError e) {
      loads = false;
    }
    Requirements.require(loads, LibNvpair.NAME + " (apt-get install libnvpair3linux)");
  }

  @Test
  @DisplayName("strings, numbers, flags, arrays and nested lists read back as built, in order")
  void roundTrip() {
    try (NvList inner = NvList.create().addString("com.kldload:owner", "ksnap");
        NvList list =
            NvList.create()
                .addString("mountpoint", "/srv/x")
                .addUint64("volsize", 1L << 40)
                .addInt64("neg", -5)
                .addBoolean("tank/a@s1")
                .addStringArray("argv", List.of("tank/a", "k", "v"))
                .addNvList("props", inner)) {
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("mountpoint", "/srv/x");
      expected.put("volsize", 1L << 40);
      expected.put("neg", -5L);
      expected.put("tank/a@s1", true);
      expected.put("argv", List.of("tank/a", "k", "v"));
      expected.put("props", Map.of("com.kldload:owner", "ksnap"));
      assertThat(list.toMap()).containsExactlyEntriesOf(expected);
      assertThat(list.contains("volsize")).isTrue();
      assertThat(list.contains("nope")).isFalse();
      assertThat(list.isEmpty()).isFalse();
    }
  }

  @Test
  @DisplayName("unique names: adding a name again replaces its value")
  void uniqueNames() {
    try (NvList list = NvList.create().addString("a", "1").addString("a", "2")) {
      assertThat(list.toMap()).containsExactly(Map.entry("a", "2"));
    }
  }

  @Test
  @DisplayName("the nested list is copied: closing the original does not affect the parent")
  void nestedIsCopied() {
    NvList inner = NvList.create().addUint64("x", 7);
    try (NvList outer = NvList.create().addNvList("inner", inner)) {
      inner.close();
      assertThat(outer.toMap()).containsEntry("inner", Map.of("x", 7L));
    }
  }

  @Test
  @DisplayName("of() maps strings and numbers; a closed list refuses use; close is idempotent")
  void ofAndClose() {
    NvList list = NvList.of(Map.of("name", "v", "size", 42L));
    assertThat(list.toMap()).containsEntry("name", "v").containsEntry("size", 42L);
    list.close();
    list.close();
    assertThatThrownBy(list::pointer).isInstanceOf(IllegalStateException.class);
    assertThat(NvList.create().isEmpty()).isTrue();
  }
}
