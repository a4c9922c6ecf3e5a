package dev.kldload.zfs.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.zfs.InMemoryZfs;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SpaceServiceTest {

  @Test
  @DisplayName("every dataset but the pool root, with the pool's totals; unknown pool is NOT_FOUND")
  void report() {
    InMemoryZfs zfs = InMemoryZfs.withPool(Clock.systemUTC(), "tank", ByteSize.parse("100G"));
    zfs.createFilesystem(DatasetName.of("tank/srv"), Map.of("mountpoint", "/srv"));
    zfs.createFilesystem(DatasetName.of("tank/home"), Map.of());
    SpaceReport r = new SpaceService(zfs).report(Optional.empty());
    assertThat(r.datasets())
        .extracting(SpaceReport.DatasetUsage::name)
        .containsExactlyInAnyOrder("tank/srv", "tank/home");
    assertThat(r.pools()).extracting(SpaceReport.PoolUsage::name).containsExactly("tank");
    assertThatThrownBy(() -> new SpaceService(zfs).report(Optional.of(DatasetName.of("nopool"))))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  @Test
  @DisplayName("no pool imported at all is a PRECONDITION failure")
  void noPool() {
    assertThatThrownBy(
            () -> new SpaceService(new InMemoryZfs(Clock.systemUTC())).report(Optional.empty()))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION));
  }
}
