package dev.kldload.kube.node;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.Programs;
import dev.kldload.core.value.DatasetName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The machine a node-side tool works on: its file system under {@code root} ("/" on a node; a
 * temporary directory in tests or a chroot) and a process runner. Files are written atomically with
 * an explicit mode. Every file a plan intends to write is also recorded, so {@code --dry-run} can
 * show it.
 */
public final class NodeSystem {
  private final Path root;
  private final ProcessRunner runner;
  private final Map<String, RenderedFile> rendered = new LinkedHashMap<>();

  /** A file a plan writes: absolute node path, mode and content. */
  public record RenderedFile(String path, int mode, String content) {}

  public NodeSystem(Path root, ProcessRunner runner) {
    this.root = root;
    this.runner = runner;
  }

  public ProcessRunner runner() {
    return runner;
  }

  public boolean isRealRoot() {
    return root.toAbsolutePath().normalize().toString().equals("/");
  }

  /** {@code /etc/x} on the node. */
  public Path path(String absolute) {
    if (!absolute.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute node path: " + absolute);
    }
    return root.resolve(absolute.substring(1));
  }

  public boolean exists(String absolute) {
    return Files.exists(path(absolute));
  }

  public Optional<String> read(String absolute) {
    Path p = path(absolute);
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED, "cannot read " + absolute + ": " + e.getMessage(), null, e);
    }
  }

  /**
   * Whether {@code program} is installed on the node: on PATH for the real root, else in the usual
   * bin directories under the node's root.
   */
  public boolean has(String program) {
    if (isRealRoot()) {
      return Programs.which(program).isPresent();
    }
    for (String dir :
        List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
      Path candidate = path(dir + "/" + program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return true;
      }
    }
    return false;
  }

  /** The dataset mounted at / when the root file system is ZFS (from /proc/self/mounts). */
  public Optional<DatasetName> rootDataset() {
    Optional<String> root = Optional.empty();
    for (String line : read("/proc/self/mounts").map(s -> s.lines().toList()).orElse(List.of())) {
      String[] f = line.split("\\s+");
      if (f.length >= 3 && f[1].equals("/")) {
        root = f[2].equals("zfs") ? Optional.of(f[0]) : Optional.empty();
      }
    }
    return root.map(DatasetName::of);
  }

  /** Whether the file exists with exactly this content and mode. */
  public boolean matches(String absolute, String content, int mode) {
    Optional<String> current = read(absolute);
    if (current.isEmpty() || !current.get().equals(content)) {
      return false;
    }
    try {
      return toMode(Files.getPosixFilePermissions(path(absolute))) == mode;
    } catch (IOException e) {
      return false;
    }
  }

  /** The file's permission bits; -1 when it does not exist. */
  public int mode(String absolute) {
    try {
      return toMode(Files.getPosixFilePermissions(path(absolute)));
    } catch (IOException e) {
      return -1;
    }
  }

  /** When the file was last written; the epoch when it does not exist. */
  public Instant modified(String absolute) {
    try {
      return Files.getLastModifiedTime(path(absolute)).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }

  /**
   * Writes atomically (temporary file with the final mode, then rename); parents 0755. A 0600 file
   * holds a secret (kubeconfig, join token) and goes through {@link PrivateFiles}, which never lets
   * it exist with a wider mode.
   */
  public void write(String absolute, String content, int mode) {
    Path target = path(absolute);
    if (mode == 0600) {
      PrivateFiles.write(target, content);
      return;
    }
    try {
      Files.createDirectories(target.getParent());
      Path tmp =
          Files.createTempFile(
              target.getParent(),
              "." + target.getFileName(),
              ".kldload.tmp",
              PosixFilePermissions.asFileAttribute(fromMode(mode)));
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      // createTempFile's attribute is subject to the umask: set the mode explicitly
      Files.setPosixFilePermissions(tmp, fromMode(mode));
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED, "cannot write " + absolute + ": " + e.getMessage(), null, e);
    }
  }

  /** A step that writes one file, done when the file already has this content and mode. */
  public Step fileStep(String id, String absolute, String content, int mode, String... after) {
    rendered.put(absolute, new RenderedFile(absolute, mode, content));
    return Step.named(id)
        .description("write " + absolute + " (" + String.format("%04o", mode) + ")")
        .after(after)
        .creates(absolute)
        .doneWhen(ctx -> matches(absolute, content, mode))
        .apply(ctx -> write(absolute, content, mode));
  }

  /** Records a file a step writes (for --dry-run output) without making a step of it. */
  public void recordRendered(String absolute, String content, int mode) {
    rendered.put(absolute, new RenderedFile(absolute, mode, content));
  }

  /** Every file the plans built on this system write, in order. */
  public List<RenderedFile> renderedFiles() {
    return List.copyOf(rendered.values());
  }

  static Set<PosixFilePermission> fromMode(int mode) {
    StringBuilder sb = new StringBuilder();
    String letters = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      sb.append((mode & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
    }
    return PosixFilePermissions.fromString(sb.toString());
  }

  static int toMode(Set<PosixFilePermission> perms) {
    String s = PosixFilePermissions.toString(perms);
    int mode = 0;
    for (int i = 0; i < 9; i++) {
      if (s.charAt(i) != '-') {
        mode |= 1 << (8 - i);
      }
    }
    return mode;
  }
}
