package dev.kldload.zfs;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Snapshots as operators take them ({@code ksnap}): names {@code <kind>-YYYYMMDD-HHMMSS} (UTC),
 * unique within a second, ownership marks on each, the spec's key datasets by default, safe
 * rollback.
 */
public final class SnapshotService {
  static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9]{0,15}(-[a-z0-9]{1,15})?");

  private final Zfs zfs;
  private final Clock clock;

  public SnapshotService(Zfs zfs, Clock clock) {
    this.zfs = zfs;
    this.clock = clock;
  }

  public static String requireKind(String kind) {
    if (kind == null || !KIND.matcher(kind).matches()) {
      throw KldloadException.invalid(
          "snapshot kind '" + kind + "' is not valid",
          "use a short lowercase word such as manual, auto or pre-upgrade");
    }
    return kind;
  }

  /**
   * The spec's key datasets that exist, in every pool: {@code ROOT} and its boot environments,
   * {@code home} and its children, {@code srv}, {@code var/lib}.
   */
  public List<DatasetName> defaultTargets() {
    Set<DatasetName> out = new LinkedHashSet<>();
    for (Pool pool : zfs.pools()) {
      DatasetName root = DatasetName.of(pool.name());
      zfs.datasets(root.child("ROOT"), 1).forEach(d -> out.add(d.name()));
      zfs.datasets(root.child("home"), 1).forEach(d -> out.add(d.name()));
      zfs.datasets(root.child("srv"), 0).forEach(d -> out.add(d.name()));
      zfs.datasets(root.child("var").child("lib"), 0).forEach(d -> out.add(d.name()));
    }
    return List.copyOf(out);
  }

  /**
   * A dataset named directly, or the ZFS filesystem holding an absolute path (the one whose
   * mountpoint is the longest prefix of it).
   */
  public DatasetName resolve(String datasetOrPath) {
    if (datasetOrPath != null && datasetOrPath.startsWith("/")) {
      Path path = Path.of(datasetOrPath).normalize();
      if (!path.toString().equals(datasetOrPath.replaceAll("/+$", ""))
          && !datasetOrPath.equals("/")) {
        throw KldloadException.invalid(
            "path '" + datasetOrPath + "' is not normalised", "give an absolute path without '..'");
      }
      return zfs.allDatasets().stream()
          .filter(
              d ->
                  d.mounted()
                      && d.mountpoint().isPresent()
                      && path.startsWith(d.mountpoint().get()))
          .max(Comparator.comparingInt(d -> d.mountpoint().get().getNameCount()))
          .map(Dataset::name)
          .orElseThrow(
              () ->
                  KldloadException.notFound(
                      path + " is not on a mounted ZFS filesystem",
                      "give a dataset name, or a path on ZFS (see 'zfs list')"));
    }
    DatasetName name = DatasetName.of(datasetOrPath);
    if (!zfs.exists(name)) {
      throw ZfsErrors.notFound(name);
    }
    return name;
  }

  /** {@code kind-YYYYMMDD-HHMMSS}, with {@code -2}, {@code -3}… when taken in the same second. */
  public String uniqueSnapName(List<DatasetName> datasets, String kind, Instant now) {
    String base = requireKind(kind) + "-" + STAMP.format(now);
    String name = base;
    for (int n = 2; taken(datasets, name); n++) {
      name = base + "-" + n;
    }
    return name;
  }

  private boolean taken(List<DatasetName> datasets, String snap) {
    return datasets.stream().anyMatch(d -> zfs.snapshot(d.snapshot(snap)).isPresent());
  }

  /** The plan that takes {@code kind} snapshots of all datasets, atomically per pool. */
  public Plan createPlan(List<DatasetName> datasets, String kind, String owner) {
    if (datasets.isEmpty()) {
      throw KldloadException.notFound(
          "no dataset to snapshot", "name a dataset or path, e.g. ksnap create rpool/srv");
    }
    Instant now = clock.instant();
    String snap = uniqueSnapName(datasets, kind, now);
    Map<String, String> marks = Ownership.of(owner, kind, now).toProperties();
    Map<String, List<SnapshotName>> byPool = new LinkedHashMap<>();
    for (DatasetName d : datasets) {
      byPool.computeIfAbsent(d.pool(), p -> new ArrayList<>()).add(d.snapshot(snap));
    }
    Plan.Builder plan = Plan.builder("ksnap-create");
    byPool.forEach(
        (pool, snaps) ->
            plan.add(
                Step.named("snapshot-" + pool)
                    .description(
                        "snapshot "
                            + String.join(" ", snaps.stream().map(Object::toString).toList()))
                    .creates(snaps.stream().map(Object::toString).toArray(String[]::new))
                    .doneWhen(ctx -> snaps.stream().allMatch(s -> zfs.snapshot(s).isPresent()))
                    .apply(ctx -> zfs.snapshot(snaps, marks))));
    return plan.build();
  }

  /** Snapshots of one dataset tree (or of every pool), newest first, optionally of one kind. */
  public List<Snapshot> list(Optional<DatasetName> dataset, Optional<String> kind) {
    List<Snapshot> all = new ArrayList<>();
    if (dataset.isPresent()) {
      if (!zfs.exists(dataset.get())) {
        throw ZfsErrors.notFound(dataset.get());
      }
      all.addAll(zfs.snapshots(dataset.get(), true));
    } else {
      zfs.pools().forEach(p -> all.addAll(zfs.snapshots(DatasetName.of(p.name()), true)));
    }
    return all.stream()
        .filter(s -> kind.map(k -> s.name().snap().startsWith(k + "-")).orElse(true))
        .sorted(Comparator.comparingLong(Snapshot::createTxg).reversed())
        .toList();
  }

  /** What a rollback would do: the target and the newer snapshots it must destroy. */
  public record RollbackDecision(SnapshotName target, List<SnapshotName> newer) {}

  public RollbackDecision decideRollback(String spec) {
    DatasetName ds;
    Optional<String> snap = Optional.empty();
    if (spec != null && spec.indexOf('@') >= 0) {
      SnapshotName s = SnapshotName.parse(spec);
      ds = s.dataset();
      snap = Optional.of(s.snap());
    } else {
      ds = resolve(spec);
    }
    Dataset dataset = zfs.dataset(ds).orElseThrow(() -> ZfsErrors.notFound(ds));
    if (dataset.mounted() && dataset.mountpoint().equals(Optional.of(Path.of("/")))) {
      throw KldloadException.precondition(
          "refusing to roll back " + ds + ": it is the running root filesystem",
          "boot an earlier boot environment instead (kbe / kldload-rollback)");
    }
    List<Snapshot> snaps = zfs.snapshots(ds, false);
    if (snaps.isEmpty()) {
      throw KldloadException.notFound(
          ds + " has no snapshots", "take one with 'ksnap create " + ds + "'");
    }
    Snapshot target =
        snap.map(
                s ->
                    snaps.stream()
                        .filter(x -> x.name().snap().equals(s))
                        .findFirst()
                        .orElseThrow(() -> ZfsErrors.notFound(ds.snapshot(s))))
            .orElse(snaps.get(snaps.size() - 1));
    List<SnapshotName> newer =
        snaps.stream().filter(s -> s.createTxg() > target.createTxg()).map(Snapshot::name).toList();
    return new RollbackDecision(target.name(), newer);
  }

  public Plan rollbackPlan(RollbackDecision decision) {
    Plan.Builder plan = Plan.builder("ksnap-rollback");
    List<String> after = new ArrayList<>();
    if (!decision.newer().isEmpty()) {
      plan.add(
          Step.named("destroy-newer")
              .description("destroy newer snapshots " + decision.newer())
              .doneWhen(
                  ctx -> decision.newer().stream().noneMatch(s -> zfs.snapshot(s).isPresent()))
              .apply(ctx -> zfs.destroySnapshots(decision.newer())));
      after.add("destroy-newer");
    }
    plan.add(
        Step.named("rollback")
            .description("roll " + decision.target().dataset() + " back to " + decision.target())
            .after(after)
            // rolling back to the newest snapshot again changes nothing: always safe to apply
            .doneWhen(ctx -> false)
            .apply(ctx -> zfs.rollback(decision.target())));
    return plan.build();
  }

  public Plan destroyPlan(SnapshotName snapshot) {
    Snapshot s = zfs.snapshot(snapshot).orElseThrow(() -> ZfsErrors.notFound(snapshot));
    if (s.hasClones()) {
      throw ZfsErrors.hasDependentClones(snapshot, s.clones());
    }
    return Plan.builder("ksnap-destroy")
        .add(
            Step.named("destroy")
                .description("destroy snapshot " + snapshot)
                .doneWhen(ctx -> zfs.snapshot(snapshot).isEmpty())
                .apply(ctx -> zfs.destroySnapshot(snapshot)))
        .build();
  }
}
