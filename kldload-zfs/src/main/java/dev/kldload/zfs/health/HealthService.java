package dev.kldload.zfs.health;

import dev.kldload.core.value.DatasetName;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.Pool;
import dev.kldload.zfs.PoolStatus;
import dev.kldload.zfs.Snapshot;
import dev.kldload.zfs.Zfs;
import dev.kldload.zfs.health.HealthReport.ArcView;
import dev.kldload.zfs.health.HealthReport.PoolHealthView;
import dev.kldload.zfs.health.HealthReport.RootView;
import dev.kldload.zfs.health.HealthReport.ServiceView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Host and ZFS health: pools (healthy means ONLINE without data errors), the root dataset, snapshot
 * and boot environment counts, memory, ARC and key services.
 */
public final class HealthService {
  /** The units whose state the report shows. */
  public static final List<String> SERVICES =
      List.of("zfs-zed", "ssh", "libvirtd", "kldload-snapshot.timer", "sanoid.timer");

  private final Zfs zfs;
  private final HostInfo host;

  public HealthService(Zfs zfs, HostInfo host) {
    this.zfs = zfs;
    this.host = host;
  }

  public HealthReport report() {
    List<PoolHealthView> pools = new ArrayList<>();
    boolean healthy = true;
    int snapshots = 0;
    Optional<Snapshot> newest = Optional.empty();
    int bootEnvironments = 0;
    for (Pool p : zfs.pools()) {
      PoolStatus s =
          zfs.poolStatus(p.name())
              .orElse(new PoolStatus(p.name(), p.health(), "unknown", "unknown"));
      pools.add(new PoolHealthView(p.name(), s.health().name(), s.scan(), s.errors()));
      healthy &= s.health().healthy() && !s.hasDataErrors();
      List<Snapshot> snaps = zfs.snapshots(DatasetName.of(p.name()), true);
      snapshots += snaps.size();
      Optional<Snapshot> poolNewest = snaps.stream().max(Comparator.comparing(Snapshot::created));
      if (poolNewest.isPresent()
          && (newest.isEmpty() || poolNewest.get().created().isAfter(newest.get().created()))) {
        newest = poolNewest;
      }
      // ROOT itself is not a boot environment, its children are
      bootEnvironments +=
          Math.max(0, zfs.datasets(DatasetName.of(p.name()).child("ROOT"), 1).size() - 1);
    }
    Optional<RootView> root =
        zfs.allDatasets().stream()
            .filter(d -> d.mounted() && d.mountpoint().equals(Optional.of(Path.of("/"))))
            .findFirst()
            .map(HealthService::root);
    HostInfo.Memory memory = host.memory();
    return new HealthReport(
        healthy,
        pools,
        root.orElse(null),
        snapshots,
        newest.map(s -> s.name() + " " + s.created()).orElse(null),
        bootEnvironments,
        memory.totalBytes(),
        memory.availableBytes(),
        host.cpus(),
        host.uptimeSeconds(),
        host.arc().map(HealthService::arc).orElse(null),
        services());
  }

  private List<ServiceView> services() {
    List<ServiceView> out = new ArrayList<>();
    for (String unit : SERVICES) {
      Optional<String> state = host.serviceState(unit);
      if (state.isEmpty()) {
        return List.of();
      }
      out.add(new ServiceView(unit, state.get()));
    }
    return out;
  }

  private static RootView root(Dataset d) {
    return new RootView(d.name().value(), d.used(), d.available(), d.compressRatio());
  }

  private static ArcView arc(HostInfo.Arc a) {
    long total = a.hits() + a.misses();
    double ratio = total == 0 ? 0 : (double) a.hits() / total;
    return new ArcView(a.sizeBytes(), a.hits(), a.misses(), ratio);
  }
}
