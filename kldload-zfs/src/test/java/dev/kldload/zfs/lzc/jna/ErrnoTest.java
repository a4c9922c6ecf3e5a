package dev.kldload.zfs.lzc.jna;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ErrnoTest {

  /** glibc 2.32+ names an errno value: "ENOENT" for 2. */
  interface GlibcNames extends Library {
    String strerrorname_np(int errnum);
  }

  /** OpenZFS's names for Linux codes that glibc knows under another name. */
  private static final Map<Errno, String> LINUX_NAME =
      Map.of(Errno.ECKSUM, "EBADE", Errno.ENOTSUP, "EOPNOTSUPP");

  @Test
  @DisplayName("every Linux errno constant has the number glibc gives that name")
  void linuxNumbersMatchGlibc() {
    GlibcNames libc = Native.load("c", GlibcNames.class);
    Arrays.stream(Errno.values())
        .filter(e -> e.code() > 0 && e.code() < 1024)
        .forEach(
            e ->
                assertThat(libc.strerrorname_np(e.code()))
                    .as("errno %d", e.code())
                    .isEqualTo(LINUX_NAME.getOrDefault(e, e.name())));
  }

  @Test
  @DisplayName("of() finds each constant by its number; an unnamed number is UNRECOGNISED")
  void lookup() {
    Set<Integer> codes = new HashSet<>();
    for (Errno e : Errno.values()) {
      if (e != Errno.UNRECOGNISED) {
        assertThat(codes.add(e.code())).as("%s has a number of its own", e).isTrue();
        assertThat(Errno.of(e.code())).isEqualTo(e);
      }
    }
    assertThat(Errno.of(0)).isEqualTo(Errno.UNRECOGNISED);
    assertThat(Errno.of(-1)).isEqualTo(Errno.UNRECOGNISED);
    assertThat(Errno.of(44)).isEqualTo(Errno.UNRECOGNISED);
    assertThat(Errno.of(1L << 32 | 2)).isEqualTo(Errno.UNRECOGNISED);
  }

  @Test
  @DisplayName("LzcException keeps the raw number and names it when it can")
  void exceptionCarriesCode() {
    LzcException named = new LzcException("lzc_clone", 17, Map.of());
    assertThat(named.errno()).isEqualTo(Errno.EEXIST);
    assertThat(named.code()).isEqualTo(17);
    LzcException other = new LzcException("lzc_channel_program", 44, Map.of());
    assertThat(other.errno()).isEqualTo(Errno.UNRECOGNISED);
    assertThat(other.code()).isEqualTo(44);
    assertThat(other).hasMessageContaining("errno 44");
  }
}
