package dev.kldload.zfs;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Copy-on-write copies of a filesystem or volume ({@code kclone}): snapshot the source, clone it
 * with the origin recorded, mount a filesystem clone at its destination path.
 */
public final class CloneService {
  private static final Pattern DEST_PATH = Pattern.compile("/[A-Za-z0-9._/-]+");

  private final Zfs zfs;
  private final Clock clock;
  private final SnapshotService snapshots;

  public CloneService(Zfs zfs, Clock clock) {
    this.zfs = zfs;
    this.clock = clock;
    this.snapshots = new SnapshotService(zfs, clock);
  }

  /** A resolved request: source, destination dataset and (for filesystems) mountpoint. */
  public record CloneRequest(
      Dataset source, DatasetName destination, Optional<Path> mountpoint, SnapshotName snapshot) {}

  public CloneRequest resolve(String source, String destination) {
    Dataset src = zfs.dataset(snapshots.resolve(source)).orElseThrow();
    if (source.startsWith("/") && !src.mountpoint().equals(Optional.of(Path.of(source)))) {
      throw KldloadException.invalid(
          source + " is inside " + src.name() + ", not its mountpoint",
          "give the mountpoint "
              + src.mountpoint().map(Path::toString).orElse("?")
              + " or the dataset name");
    }
    DatasetName dest;
    Optional<Path> mountpoint = Optional.empty();
    if (destination != null && destination.startsWith("/")) {
      if (!DEST_PATH.matcher(destination).matches()
          || destination.contains("..")
          || destination.endsWith("/")
          || destination.contains("//")) {
        throw KldloadException.invalid(
            "destination path '" + destination + "' is not valid",
            "use an absolute path of letters, digits, '.', '_', '-' and '/', e.g. /srv/copy");
      }
      if (src.isVolume()) {
        throw KldloadException.invalid(
            "a volume clone needs a dataset name, not a path",
            "e.g. kclone rpool/vms/a rpool/vms/b");
      }
      dest = DatasetName.of(src.name().pool() + destination);
      mountpoint = Optional.of(Path.of(destination));
    } else {
      dest = DatasetName.of(destination);
    }
    if (!dest.pool().equals(src.name().pool())) {
      throw ZfsErrors.crossPool(src.name(), dest);
    }
    if (zfs.exists(dest)) {
      throw ZfsErrors.exists(dest);
    }
    DatasetName parent = dest.parent().orElseThrow(() -> ZfsErrors.exists(dest));
    if (!zfs.exists(parent)) {
      throw ZfsErrors.parentMissing(dest, parent);
    }
    if (mountpoint.isPresent() && nonEmptyDirectory(mountpoint.get())) {
      throw KldloadException.conflict(
          "destination directory " + mountpoint.get() + " is not empty",
          "choose an empty or new directory");
    }
    Instant now = clock.instant();
    String snap = snapshots.uniqueSnapName(List.of(src.name()), "clone", now);
    return new CloneRequest(src, dest, mountpoint, src.name().snapshot(snap));
  }

  private static boolean nonEmptyDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isPresent();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Plan plan(CloneRequest request, String owner) {
    Instant now = clock.instant();
    SnapshotName snap = request.snapshot();
    Map<String, String> props =
        new LinkedHashMap<>(Ownership.of(owner, "clone", now).withCloneOrigin(snap).toProperties());
    request.mountpoint().ifPresent(m -> props.put("mountpoint", m.toString()));
    DatasetName dest = request.destination();
    Plan.Builder plan =
        Plan.builder("kclone")
            .add(
                Step.named("snapshot")
                    .description("snapshot " + snap)
                    .creates(snap.toString())
                    .doneWhen(ctx -> zfs.snapshot(snap).isPresent())
                    .apply(
                        ctx ->
                            zfs.snapshot(
                                snap, Ownership.of(owner, "clone-source", now).toProperties())))
            .add(
                Step.named("clone")
                    .description(
                        "clone "
                            + snap
                            + " to "
                            + dest
                            + request.mountpoint().map(m -> " at " + m).orElse(""))
                    .after("snapshot")
                    .creates(dest.value())
                    .doneWhen(ctx -> zfs.exists(dest))
                    .apply(
                        ctx -> {
                          try {
                            zfs.clone(snap, dest, props);
                          } catch (RuntimeException e) {
                            // leave nothing behind: the snapshot existed only for this clone
                            zfs.destroySnapshot(snap);
                            throw e;
                          }
                        }));
    if (!request.source().isVolume()) {
      plan.add(
          Step.named("mount")
              .description("mount " + dest)
              .after("clone")
              .doneWhen(
                  ctx ->
                      zfs.dataset(dest)
                          .map(d -> d.mounted() || d.mountpoint().isEmpty())
                          .orElse(false))
              .apply(ctx -> zfs.mount(dest)));
    }
    return plan.build();
  }
}
