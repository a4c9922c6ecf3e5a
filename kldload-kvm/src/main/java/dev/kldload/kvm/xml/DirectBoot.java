package dev.kldload.kvm.xml;

import dev.kldload.core.KldloadException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Booting a kernel from a host file instead of the disk's boot loader (libvirt's {@code
 * <os><kernel>}): for images that carry a root file system but no boot loader, and for test guests.
 * Clones share the files, which we never create or delete.
 *
 * @param cmdline the kernel command line; x86 kernels accept at most 2047 bytes
 */
public record DirectBoot(Path kernel, Optional<Path> initrd, String cmdline) {
  public DirectBoot {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(initrd, "initrd");
    Objects.requireNonNull(cmdline, "cmdline");
    if (!kernel.isAbsolute() || initrd.map(p -> !p.isAbsolute()).orElse(false)) {
      throw KldloadException.invalid("kernel and initrd paths must be absolute", null);
    }
    if (cmdline.length() > 2047 || cmdline.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw KldloadException.invalid(
          "--cmdline is longer than 2047 characters or holds control characters",
          "give the kernel arguments on one line");
    }
  }
}
