package dev.kldload.core.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldLocksTest {

  @Test
  @DisplayName("two runs with one state directory and two run directories conflict")
  void sameStateOtherRunDir(@TempDir Path dir) {
    Path state = dir.resolve("state/locks");
    try (HeldLocks first =
        HeldLocks.acquire(List.of(dir.resolve("run-a"), state), List.of("wireguard"), "init")) {
      assertThatThrownBy(
              () ->
                  HeldLocks.acquire(
                      List.of(dir.resolve("run-b"), state), List.of("wireguard"), "apply"))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
    }
  }

  @Test
  @DisplayName("a conflict on one scope releases the scopes already taken")
  void allOrNothing(@TempDir Path dir) {
    List<Path> dirs = List.of(dir.resolve("run"));
    try (HeldLocks zfs = HeldLocks.acquire(dirs, List.of("zfs"), "ksnap")) {
      assertThatThrownBy(() -> HeldLocks.acquire(dirs, List.of("firewall", "zfs"), "kube-reset"))
          .isInstanceOf(KldloadException.class);
      // "firewall" sorts first and was taken before "zfs" failed: it must be free again
      try (HeldLocks firewall = HeldLocks.acquire(dirs, List.of("firewall"), "nft")) {
        assertThat(firewall.files()).containsExactly(dir.resolve("run/firewall.lock"));
      }
    }
  }
}
