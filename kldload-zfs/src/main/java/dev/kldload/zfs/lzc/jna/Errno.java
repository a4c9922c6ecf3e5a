package dev.kldload.zfs.lzc.jna;

import java.util.HashMap;
import java.util.Map;

/**
 * The error numbers libzfs_core returns (as return values and in errlists; it does not set the
 * thread's {@code errno}): Linux's {@code errno.h} values as OpenZFS uses them, and OpenZFS's own
 * {@code zfs_errno_t} codes from 1024 up ({@code include/sys/fs/zfs.h}, numbers fixed by OpenZFS).
 * OpenZFS on Linux names two Linux codes its own way: {@link #ECKSUM} is {@code EBADE} and {@link
 * #ENOTSUP} is {@code EOPNOTSUPP}. A number this enum does not name is {@link #UNRECOGNISED}; the
 * exception that carries it keeps the number ({@link LzcException#code()}).
 */
public enum Errno {
  EPERM(1, "operation not permitted"),
  ENOENT(2, "no such dataset"),
  /** A hold tag that the snapshot does not have (lzc_release). */
  ESRCH(3, "no such hold"),
  EINTR(4, "interrupted"),
  EIO(5, "I/O error"),
  ENXIO(6, "no such device"),
  E2BIG(7, "argument list too long"),
  ENOMEM(12, "out of memory"),
  EACCES(13, "permission denied"),
  EBUSY(16, "dataset is busy"),
  EEXIST(17, "dataset already exists"),
  EXDEV(18, "not in the same pool"),
  ENODEV(19, "no such pool or device"),
  EINVAL(22, "invalid argument"),
  ENOSPC(28, "out of space"),
  EROFS(30, "read-only pool"),
  EDOM(33, "value out of range"),
  ERANGE(34, "value out of range"),
  ENAMETOOLONG(36, "name too long"),
  /** OpenZFS's checksum error ({@code EBADE} on Linux). */
  ECKSUM(52, "checksum error"),
  EOVERFLOW(75, "value too large"),
  /** {@code EOPNOTSUPP} on Linux: a pool feature or version lacks the operation. */
  ENOTSUP(95, "not supported by this pool version"),
  EDQUOT(122, "quota exceeded"),
  ECANCELED(125, "canceled"),
  ZFS_ERR_IOC_CMD_UNAVAIL(1029, "the ZFS kernel module does not know this call"),
  ZFS_ERR_IOC_ARG_UNAVAIL(1030, "the ZFS kernel module does not know an argument of this call"),
  ZFS_ERR_IOC_ARG_REQUIRED(1031, "a required argument is missing"),
  ZFS_ERR_IOC_ARG_BADTYPE(1032, "an argument has the wrong type"),
  ZFS_ERR_WRONG_PARENT(1033, "the parent is not a filesystem"),
  ZFS_ERR_UNKNOWN_SEND_STREAM_FEATURE(1037, "the send stream needs a feature this pool lacks"),
  ZFS_ERR_EXPORT_IN_PROGRESS(1038, "the pool is being exported"),
  ZFS_ERR_BOOKMARK_SOURCE_NOT_ANCESTOR(1039, "the bookmark source is not an ancestor"),
  ZFS_ERR_STREAM_TRUNCATED(1040, "the send stream is truncated"),
  ZFS_ERR_BADPROP(1044, "invalid property value"),
  /** Any number not named above. */
  UNRECOGNISED(-1, "unrecognised error");

  private static final Map<Long, Errno> BY_CODE = new HashMap<>();

  static {
    for (Errno e : values()) {
      if (e != UNRECOGNISED) {
        BY_CODE.put((long) e.code, e);
      }
    }
  }

  private final int code;
  private final String description;

  Errno(int code, String description) {
    this.code = code;
    this.description = description;
  }

  /** The named error for {@code code}, or {@link #UNRECOGNISED}. */
  public static Errno of(long code) {
    return BY_CODE.getOrDefault(code, UNRECOGNISED);
  }

  /** The number the library returns; -1 for {@link #UNRECOGNISED}. */
  public int code() {
    return code;
  }

  /** What the error means for a dataset operation, in words for a message. */
  public String description() {
    return description;
  }
}
