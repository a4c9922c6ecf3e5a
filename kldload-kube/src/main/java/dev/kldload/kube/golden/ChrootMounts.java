package dev.kldload.kube.golden;

import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The kernel file systems a package install in a chroot needs ({@code proc}, {@code sys}, the
 * host's {@code /dev} and {@code /dev/pts}), and the one safe way to delete a chroot: nothing is
 * deleted below a path while anything is mounted there — a recursive delete through a bind mount of
 * {@code /dev} would empty the host's.
 */
final class ChrootMounts {
  private final ProcessRunner runner;
  private final Path mountinfo;

  /**
   * @param mountinfo the mount table to read ({@code /proc/self/mountinfo})
   */
  ChrootMounts(ProcessRunner runner, Path mountinfo) {
    this.runner = runner;
    this.mountinfo = mountinfo;
  }

  /** Mounts below {@code dir}, deepest first (the order to unmount them). */
  List<Path> under(Path dir) {
    List<Path> out = new ArrayList<>();
    Path base;
    try {
      // the mount table names real paths
      base = Files.exists(dir) ? dir.toRealPath() : dir.toAbsolutePath().normalize();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!Files.exists(mountinfo)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(mountinfo)) {
        String[] fields = line.split(" ");
        if (fields.length < 5) {
          continue;
        }
        Path point = Path.of(unescape(fields[4]));
        if (point.startsWith(base)) {
          out.add(point);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return out;
  }

  /** mountinfo writes blanks and backslashes in paths as octal escapes. */
  private static String unescape(String field) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Mounts what a chroot at {@code root} needs; unmounts leftovers of a killed run first. */
  void mount(Path root) {
    unmountAll(root);
    runner.check(
        ProcessSpec.of("mount", "-t", "proc", "proc", root.resolve("proc").toString()).build());
    runner.check(
        ProcessSpec.of("mount", "-t", "sysfs", "sysfs", root.resolve("sys").toString()).build());
    runner.check(ProcessSpec.of("mount", "--bind", "/dev", root.resolve("dev").toString()).build());
    runner.check(
        ProcessSpec.of("mount", "--bind", "/dev/pts", root.resolve("dev/pts").toString()).build());
  }

  /** Unmounts everything below {@code dir}, deepest first. */
  void unmountAll(Path dir) {
    for (Path point : under(dir)) {
      runner.check(ProcessSpec.of("umount", point.toString()).build());
    }
  }

  /** Deletes {@code dir} recursively after unmounting; refuses while a mount remains. */
  void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    unmountAll(dir);
    List<Path> left = under(dir);
    if (!left.isEmpty()) {
      throw KldloadException.precondition(
          "not deleting " + dir + ": " + left.get(0) + " is still mounted",
          "unmount it ('umount -l " + left.get(0) + "') and run again");
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
