package dev.kldload.kvm.disk;

import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.SnapshotInfo;
import dev.kldload.kvm.xml.DomainSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * qcow2 files in one directory: {@code <vm>.qcow2} is the disk the domain writes, {@code
 * <vm>@<snap>.qcow2} a frozen point. A snapshot renames the disk to its frozen name and puts a new
 * empty overlay (backed by it) under the old name, so the domain's definition does not change; a
 * clone is another overlay on the frozen file ({@code qemu-img create -f qcow2 -b BASE -F qcow2}).
 * A VM's snapshots are the frozen files of its own chain; a frozen file's modification time is set
 * to the moment it was frozen (nothing writes to a backing file). Because a running QEMU keeps
 * writing to the renamed file, snapshots need the domain shut off (the service saves and restores a
 * running one around them). Unlike libvirt's internal snapshots, this works for UEFI guests.
 */
public final class Qcow2Backend implements DiskBackend, DiskSnapshots {
  private static final Pattern FILE =
      Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,62}?)(?:@([A-Za-z0-9_.-]+))?\\.qcow2");
  private static final Duration COPY_TIMEOUT = Duration.ofMinutes(30);

  private final Path dir;
  private final ProcessRunner runner;
  private final Clock clock;

  public Qcow2Backend(Path dir, ProcessRunner runner, Clock clock) {
    this.dir = dir.toAbsolutePath().normalize();
    this.runner = runner;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "qcow2";
  }

  public Path directory() {
    return dir;
  }

  private Path file(VmName vm) {
    return dir.resolve(vm.value() + ".qcow2");
  }

  private Path frozen(VmName vm, String snap) {
    return dir.resolve(vm.value() + "@" + snap + ".qcow2");
  }

  @Override
  public DomainSpec.Disk diskOf(VmName vm) {
    return new DomainSpec.Disk(DomainSpec.DiskKind.QCOW2, file(vm));
  }

  @Override
  public Optional<VmName> owner(Path path) {
    Path p = path.toAbsolutePath().normalize();
    if (!dir.equals(p.getParent())) {
      return Optional.empty();
    }
    Matcher m = FILE.matcher(p.getFileName().toString());
    return m.matches() && m.group(2) == null
        ? Optional.of(VmName.of(m.group(1)))
        : Optional.empty();
  }

  /**
   * Where a disk is written until it is complete: a disk appears under its own name only whole, so
   * a copy killed mid-way (SIGKILL, power loss) is recognised as not done and made again.
   */
  private Path partialFile(VmName vm) {
    return dir.resolve("." + vm.value() + ".partial.qcow2");
  }

  @Override
  public boolean exists(VmName vm) {
    return Files.exists(file(vm)) || Files.exists(partialFile(vm));
  }

  @Override
  public boolean partial(VmName vm) {
    return !Files.exists(file(vm)) && Files.exists(partialFile(vm));
  }

  @Override
  public void create(VmName vm, ByteSize size) {
    Path temp = startPartial(vm);
    runner.check(
        ProcessSpec.of(
                "qemu-img",
                "create",
                "-q",
                "-f",
                "qcow2",
                temp.toString(),
                Long.toString(size.bytes()))
            .build());
    finish(vm, temp);
  }

  @Override
  public void createFromImage(VmName vm, Path image, ByteSize size) {
    Path temp = startPartial(vm);
    runner.check(
        ProcessSpec.of(
                "qemu-img", "convert", "-q", "-O", "qcow2", image.toString(), temp.toString())
            .timeout(COPY_TIMEOUT)
            .build());
    if (runner.mutates()) {
      long current = Qcow2Header.read(temp).map(Qcow2Header::virtualSize).orElse(0L);
      if (current < size.bytes()) {
        runner.check(
            ProcessSpec.of(
                    "qemu-img",
                    "resize",
                    "-q",
                    "-f",
                    "qcow2",
                    temp.toString(),
                    Long.toString(size.bytes()))
                .build());
      }
    }
    finish(vm, temp);
  }

  /**
   * The temporary file for a new disk of {@code vm}, with what an interrupted copy left removed.
   */
  private Path startPartial(VmName vm) {
    mkdirs();
    Path temp = partialFile(vm);
    if (runner.mutates()) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return temp;
  }

  /** Gives the finished disk its name, in one rename. */
  private void finish(VmName vm, Path temp) {
    if (!runner.mutates()) {
      return;
    }
    try {
      Files.move(temp, file(vm), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public DiskSnapshot snapshot(VmName vm, String name) {
    Path disk = file(vm);
    Path frozen = frozen(vm, name);
    if (Files.exists(frozen)) {
      throw KldloadException.conflict(
          "VM " + vm + ": disk snapshot " + frozen.getFileName() + " already exists",
          "choose another snapshot name");
    }
    if (runner.mutates()) {
      try {
        Files.move(disk, frozen, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    try {
      overlay(frozen, disk);
    } catch (RuntimeException e) {
      // put the disk back: the domain must keep a disk at its path
      try {
        if (runner.mutates() && !Files.exists(disk)) {
          Files.move(frozen, disk, StandardCopyOption.ATOMIC_MOVE);
        }
      } catch (IOException restore) {
        e.addSuppressed(restore);
      }
      throw e;
    }
    if (runner.mutates()) {
      try {
        Files.setLastModifiedTime(frozen, FileTime.from(clock.instant()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new DiskSnapshot(vm, name, frozen.toString());
  }

  @Override
  public List<SnapshotInfo> snapshots(VmName vm) {
    List<SnapshotInfo> out = new ArrayList<>();
    Optional<String> parent = Optional.empty();
    for (Path frozen : chain(vm)) {
      Matcher m = FILE.matcher(frozen.getFileName().toString());
      m.matches();
      Instant created;
      try {
        created = Files.getLastModifiedTime(frozen).toInstant();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.add(new SnapshotInfo(m.group(2), created, DomainState.SHUT_OFF, parent, ""));
      parent = Optional.of(m.group(2));
    }
    return out;
  }

  /** A fresh overlay on the newest frozen file replaces the disk: everything after it is gone. */
  @Override
  public void rollback(VmName vm, String snapshot) {
    List<Path> chain = chain(vm);
    Path frozen = frozen(vm, snapshot);
    if (chain.isEmpty() || !chain.get(chain.size() - 1).equals(frozen)) {
      throw KldloadException.conflict(
          "VM " + vm + ": " + snapshot + " is not its newest snapshot",
          "destroy the newer snapshots first");
    }
    Path fresh = dir.resolve("." + vm.value() + ".rollback.qcow2");
    overlay(frozen, fresh);
    if (runner.mutates()) {
      try {
        Files.move(
            fresh, file(vm), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Merges the frozen file into the layer above it ({@code qemu-img rebase} in safe mode copies
   * what that layer still reads from it), then deletes it. Refused while other VMs' disks use it.
   */
  @Override
  public void destroySnapshot(VmName vm, String snapshot) {
    List<Path> chain = chain(vm);
    Path frozen = frozen(vm, snapshot);
    int at = chain.indexOf(frozen);
    if (at < 0) {
      throw KldloadException.notFound(
          "VM " + vm + " has no snapshot " + snapshot, "see 'kvm-snap " + vm + " list'");
    }
    List<String> users = new ArrayList<>();
    usersOf(vm)
        .forEach(
            (file, base) -> {
              if (base.equals(frozen)) {
                users.add(describe(file));
              }
            });
    if (!users.isEmpty()) {
      throw KldloadException.conflict(
          "snapshot " + snapshot + " of " + vm + " is the origin of " + String.join(", ", users),
          detachAdvice(users.get(0)));
    }
    Path child = at + 1 < chain.size() ? chain.get(at + 1) : file(vm);
    Optional<Path> parent = backingOf(frozen);
    List<String> argv = new ArrayList<>(List.of("qemu-img", "rebase", "-q", "-f", "qcow2"));
    if (parent.isPresent()) {
      argv.addAll(List.of("-F", "qcow2", "-b", parent.get().toString()));
    } else {
      argv.addAll(List.of("-b", ""));
    }
    argv.add(child.toString());
    runner.check(ProcessSpec.of(argv).timeout(COPY_TIMEOUT).build());
    if (runner.mutates()) {
      try {
        Files.delete(frozen);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The VM's own frozen files, oldest first, followed from its disk through the backing files. */
  private List<Path> chain(VmName vm) {
    List<Path> out = new ArrayList<>();
    Optional<Path> next = backingOf(file(vm));
    while (next.isPresent()) {
      Matcher m = FILE.matcher(next.get().getFileName().toString());
      if (!dir.equals(next.get().getParent())
          || !m.matches()
          || !m.group(1).equals(vm.value())
          || m.group(2) == null) {
        break;
      }
      out.add(0, next.get());
      next = backingOf(next.get());
    }
    return out;
  }

  private Optional<Path> backingOf(Path file) {
    return Qcow2Header.read(file)
        .flatMap(Qcow2Header::backingFile)
        .map(b -> file.getParent().resolve(b).normalize());
  }

  private static Path dependentFile(String dependent) {
    return Path.of(dependent.substring(dependent.indexOf('(') + 1, dependent.length() - 1));
  }

  @Override
  public Optional<DiskSnapshot> findSnapshot(VmName vm, String name) {
    Path frozen = frozen(vm, name);
    return Files.exists(frozen)
        ? Optional.of(new DiskSnapshot(vm, name, frozen.toString()))
        : Optional.empty();
  }

  @Override
  public void cloneFrom(DiskSnapshot snapshot, VmName target) {
    Path temp = startPartial(target);
    overlay(Path.of(snapshot.id()), temp);
    finish(target, temp);
  }

  private void overlay(Path base, Path disk) {
    runner.check(
        ProcessSpec.of(
                "qemu-img",
                "create",
                "-q",
                "-f",
                "qcow2",
                "-b",
                base.toString(),
                "-F",
                "qcow2",
                disk.toString())
            .build());
  }

  @Override
  public List<String> dependents(VmName vm) {
    return usersOf(vm).keySet().stream().map(this::describe).toList();
  }

  /** Other VMs' files backed directly by one of {@code vm}'s files, each with that backing file. */
  private Map<Path, Path> usersOf(VmName vm) {
    Map<Path, Path> out = new LinkedHashMap<>();
    for (Path file : files()) {
      Matcher m = FILE.matcher(file.getFileName().toString());
      if (!m.matches() || m.group(1).equals(vm.value())) {
        continue;
      }
      backingOf(file)
          .filter(base -> dir.equals(base.getParent()))
          .filter(
              base -> {
                Matcher b = FILE.matcher(base.getFileName().toString());
                return b.matches() && b.group(1).equals(vm.value());
              })
          .ifPresent(base -> out.put(file, base));
    }
    return out;
  }

  /** {@code vm (file)}, how a dependent disk is named to the operator. */
  private String describe(Path file) {
    Matcher m = FILE.matcher(file.getFileName().toString());
    m.matches();
    return m.group(1) + " (" + file + ")";
  }

  @Override
  public String detachAdvice(String dependent) {
    return "delete the clone, or make it independent with 'qemu-img rebase -f qcow2 -b \"\" "
        + dependentFile(dependent)
        + "'";
  }

  @Override
  public void destroy(VmName vm) {
    try {
      Files.deleteIfExists(partialFile(vm));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path file : files()) {
      Matcher m = FILE.matcher(file.getFileName().toString());
      if (m.matches() && m.group(1).equals(vm.value())) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /** A qcow2 origin is a frozen layer of its source's own chain: it stays with the source. */
  @Override
  public List<String> releaseOrigin(String origin) {
    return List.of();
  }

  @Override
  public boolean liveSnapshots() {
    return false;
  }

  /** Reads each file's header: the virtual size, and the file's size as the space it uses. */
  @Override
  public Map<Path, DiskUsage> usage(Collection<Path> disks) {
    Map<Path, DiskUsage> out = new LinkedHashMap<>();
    for (Path disk : disks) {
      if (owner(disk).isEmpty()) {
        continue;
      }
      Qcow2Header.read(disk)
          .ifPresent(
              h -> {
                long used;
                try {
                  used = Files.size(disk);
                } catch (IOException e) {
                  used = 0;
                }
                out.put(disk, new DiskUsage(h.virtualSize(), used));
              });
    }
    return out;
  }

  private List<Path> files() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".qcow2")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void mkdirs() {
    if (!runner.mutates()) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
