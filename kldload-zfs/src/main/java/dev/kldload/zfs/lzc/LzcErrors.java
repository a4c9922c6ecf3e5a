package dev.kldload.zfs.lzc;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.zfs.lzc.jna.Errno;

/**
 * The generic translation of a libzfs_core error number into a {@link KldloadException}, for the
 * errors an operation does not word itself (those use {@code ZfsErrors}, shared with the fake).
 */
final class LzcErrors {
  private LzcErrors() {}

  static ErrorKind kindOf(Errno errno) {
    return switch (errno) {
      case EEXIST, EBUSY, ZFS_ERR_EXPORT_IN_PROGRESS -> ErrorKind.CONFLICT;
      case ENOENT, ESRCH -> ErrorKind.NOT_FOUND;
      case EPERM, EACCES -> ErrorKind.PERMISSION;
      case EINVAL,
          ENAMETOOLONG,
          EXDEV,
          EDOM,
          ERANGE,
          E2BIG,
          ZFS_ERR_BADPROP,
          ZFS_ERR_WRONG_PARENT,
          ZFS_ERR_BOOKMARK_SOURCE_NOT_ANCESTOR ->
          ErrorKind.INVALID_INPUT;
      case ENODEV, EROFS, ENOTSUP, ZFS_ERR_IOC_CMD_UNAVAIL, ZFS_ERR_IOC_ARG_UNAVAIL ->
          ErrorKind.PRECONDITION;
      default -> ErrorKind.FAILED;
    };
  }

  /** "{action} {object}: {description} (errno N)", with a hint where the kind suggests one. */
  static KldloadException fromErrno(long code, String action, String object) {
    Errno errno = Errno.of(code);
    ErrorKind kind = kindOf(errno);
    String hint =
        switch (errno) {
          case ENOTSUP, ZFS_ERR_IOC_CMD_UNAVAIL, ZFS_ERR_IOC_ARG_UNAVAIL ->
              "the pool or the ZFS module is too old for this (zpool upgrade; modinfo zfs)";
          case EROFS -> "the pool is imported read-only";
          case ENODEV -> "check the pool with 'zpool list'";
          default ->
              switch (kind) {
                case PERMISSION -> "run as root (or with 'zfs allow' delegation)";
                case NOT_FOUND -> "check the name with 'zfs list -t all'";
                case CONFLICT -> "choose another name, or remove the existing object first";
                default -> null;
              };
        };
    return new KldloadException(
        kind, action + " " + object + ": " + errno.description() + " (errno " + code + ")", hint);
  }
}
