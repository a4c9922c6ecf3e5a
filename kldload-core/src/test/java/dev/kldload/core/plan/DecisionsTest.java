package dev.kldload.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionsTest {

  @Test
  @DisplayName("a choice is recorded (0600) before it is used and reused by a later run")
  void recordedAndReused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("decisions/web01.json");
    AtomicInteger chosen = new AtomicInteger();
    String first =
        Decisions.at(file).decide("mac.0", () -> "52:54:00:0" + chosen.incrementAndGet());
    assertThat(file).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");

    String again =
        Decisions.at(file).decide("mac.0", () -> "52:54:00:0" + chosen.incrementAndGet());
    assertThat(again).isEqualTo(first).isEqualTo("52:54:00:01");
    assertThat(chosen).hasValue(1);
  }

  @Test
  @DisplayName("a dry-run reuses recorded choices and records no new one")
  void readOnly(@TempDir Path dir) {
    Path file = dir.resolve("d.json");
    Decisions.at(file).decide("snapshot", () -> "kvm-clone-1");
    Decisions dry = Decisions.at(file).readOnly();
    assertThat(dry.decide("snapshot", () -> "other")).isEqualTo("kvm-clone-1");
    assertThat(dry.decide("instance-id", () -> "i-2")).isEqualTo("i-2");
    assertThat(Decisions.at(file).recorded("instance-id")).isEmpty();
  }

  @Test
  @DisplayName("forget drops the file: a new object of the same name gets new choices")
  void forget(@TempDir Path dir) {
    Path file = dir.resolve("d.json");
    Decisions decisions = Decisions.at(file);
    decisions.decide("mac.0", () -> "a");
    decisions.forget();
    assertThat(file).doesNotExist();
    assertThat(Decisions.at(file).decide("mac.0", () -> "b")).isEqualTo("b");
  }
}
