package dev.kldload.zfs.lzc.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The few libc calls needed to hand a file descriptor to {@code lzc_send}/{@code lzc_receive}.
 * Functions return -1 and set errno on failure ({@link Native#getLastError()} reads it).
 */
public interface LibC extends Library {
  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_CREAT = 0100;
  int O_TRUNC = 01000;
  int O_CLOEXEC = 02000000;

  LibC INSTANCE = Native.load("c", LibC.class);

  int open(String path, int flags, int mode);

  int close(int fd);
}
