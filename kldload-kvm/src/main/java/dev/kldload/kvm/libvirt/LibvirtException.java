package dev.kldload.kvm.libvirt;

import dev.kldload.kvm.libvirt.jna.LibvirtError;
import java.util.Optional;

/**
 * A libvirt call failed: the calling thread's last error, read at once after the call. The adapter
 * maps it to a {@code KldloadException} at its edge; it never leaves this package.
 */
final class LibvirtException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient LibvirtError error;

  private LibvirtException(LibvirtError error) {
    super(error == null ? null : error.message());
    this.error = error;
  }

  /** The error the last failed call on this thread left (none: a failure without a reason). */
  static LibvirtException last() {
    return new LibvirtException(LibvirtError.last().orElse(null));
  }

  Optional<LibvirtError> error() {
    return Optional.ofNullable(error);
  }

  /** {@code virErrorNumber}, or -1 when libvirt gave no reason. */
  int code() {
    return error == null ? -1 : error.code();
  }

  /** A handle or string result: {@code null} means failure. */
  static <T> T check(T result) throws LibvirtException {
    if (result == null) {
      throw last();
    }
    return result;
  }

  /** An {@code int} result: negative means failure. */
  static int check(int result) throws LibvirtException {
    if (result < 0) {
      throw last();
    }
    return result;
  }
}
