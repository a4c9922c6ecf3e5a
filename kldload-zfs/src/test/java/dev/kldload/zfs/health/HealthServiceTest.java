package dev.kldload.zfs.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import dev.kldload.zfs.InMemoryZfs;
import dev.kldload.zfs.PoolHealth;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HealthServiceTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-26T10:15:30Z"), ZoneOffset.UTC);

  InMemoryZfs zfs;

  /** A host with fixed numbers, systemd when {@code systemd}. */
  record FixedHost(boolean systemd, Optional<Arc> arc) implements HostInfo {
    @Override
    public Memory memory() {
      return new Memory(4L << 30, 1L << 30);
    }

    @Override
    public int cpus() {
      return 8;
    }

    @Override
    public long uptimeSeconds() {
      return 3661;
    }

    @Override
    public Optional<String> serviceState(String unit) {
      return systemd ? Optional.of(unit.equals("ssh") ? "active" : "inactive") : Optional.empty();
    }
  }

  @BeforeEach
  void pool() {
    zfs = InMemoryZfs.withPool(CLOCK, "tank", ByteSize.parse("100G"));
    zfs.createFilesystem(DatasetName.of("tank/ROOT"), Map.of("mountpoint", "none"));
    zfs.createFilesystem(DatasetName.of("tank/ROOT/debian"), Map.of("mountpoint", "/"));
    zfs.createFilesystem(DatasetName.of("tank/ROOT/old"), Map.of("mountpoint", "none"));
    zfs.mount(DatasetName.of("tank/ROOT/debian"));
  }

  @Test
  @DisplayName("a healthy pool: root dataset, boot environments, snapshots, ARC ratio, services")
  void healthy() {
    zfs.snapshot(SnapshotName.parse("tank/ROOT/debian@a"), Map.of());
    HealthReport r =
        new HealthService(zfs, new FixedHost(true, Optional.of(new HostInfo.Arc(1 << 20, 90, 10))))
            .report();
    assertThat(r.healthy()).isTrue();
    assertThat(r.root().dataset()).isEqualTo("tank/ROOT/debian");
    assertThat(r.bootEnvironments()).isEqualTo(2);
    assertThat(r.snapshots()).isEqualTo(1);
    assertThat(r.newestSnapshot()).startsWith("tank/ROOT/debian@a ");
    assertThat(r.arc().hitRatio()).isEqualTo(0.9);
    assertThat(r.memoryTotalBytes()).isEqualTo(4L << 30);
    assertThat(r.cpus()).isEqualTo(8);
    assertThat(r.services())
        .hasSize(HealthService.SERVICES.size())
        .contains(new HealthReport.ServiceView("ssh", "active"));
  }

  @Test
  @DisplayName("a degraded pool makes the report unhealthy; no ARC and no systemd show as absent")
  void degraded() {
    zfs.setPoolStatus("tank", PoolHealth.DEGRADED, "none requested", "No known data errors");
    HealthReport r = new HealthService(zfs, new FixedHost(false, Optional.empty())).report();
    assertThat(r.healthy()).isFalse();
    assertThat(r.pools())
        .extracting(HealthReport.PoolHealthView::health)
        .containsExactly("DEGRADED");
    assertThat(r.arc()).isNull();
    assertThat(r.services()).isEmpty();
  }
}
