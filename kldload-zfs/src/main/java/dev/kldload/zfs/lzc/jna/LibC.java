package dev.kldload.zfs.lzc.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The few libc calls needed to hand a file descriptor to {@code lzc_send}/{@code lzc_receive}.
 *
 * <p>Return convention: -1 on failure with the thread's {@code errno} set; JNA saves it right after
 * the call, so read it with {@link Native#getLastError()} on the same thread before the next native
 * call. Memory: the path is copied by JNA for the call; a descriptor returned by {@code open} is
 * the caller's to {@code close}, exactly once. Thread safety: both are thread-safe (POSIX).
 */
public interface LibC extends Library {
  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_CREAT = 0100;
  int O_TRUNC = 01000;
  int O_CLOEXEC = 02000000;

  LibC INSTANCE = Native.load("c", LibC.class);

  /**
   * Opens a file.
   *
   * @param flags {@code O_*} bits; we always add {@link #O_CLOEXEC} so children do not inherit it
   * @param mode permission bits for a created file (applied through the umask)
   * @return a new descriptor, or -1
   */
  int open(String path, int flags, int mode);

  /**
   * Closes a descriptor; it is released even when this returns -1 ({@code EINTR} on Linux).
   *
   * @return 0 or -1
   */
  int close(int fd);
}
