package dev.kldload.zfs;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The failures of the {@link Zfs} port, built in one place so that the real adapter and the
 * in-memory fake word them the same way (the contract test checks kinds and the names they carry).
 */
public final class ZfsErrors {
  /** Linux errno values that libzfs_core returns. */
  public static final int EPERM = 1;

  public static final int ENOENT = 2;
  public static final int EIO = 5;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;
  public static final int EROFS = 30;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOTSUP = 95;
  public static final int EACCES = 13;

  /** OpenZFS's ECKSUM/EBADE. */
  public static final int ECKSUM = 52;

  private ZfsErrors() {}

  public static ErrorKind kindOf(int errno) {
    return switch (errno) {
      case EEXIST, EBUSY -> ErrorKind.CONFLICT;
      case ENOENT -> ErrorKind.NOT_FOUND;
      case EPERM, EACCES -> ErrorKind.PERMISSION;
      case EINVAL, ENAMETOOLONG -> ErrorKind.INVALID_INPUT;
      case ENODEV -> ErrorKind.PRECONDITION;
      default -> ErrorKind.FAILED;
    };
  }

  /** Generic translation: "{action} {object}: {strerror}". */
  public static KldloadException fromErrno(int errno, String action, String object) {
    ErrorKind kind = kindOf(errno);
    String what = describe(errno);
    String hint =
        switch (kind) {
          case PERMISSION -> "run as root (or with 'zfs allow' delegation)";
          case NOT_FOUND -> "check the name with 'zfs list -t all'";
          case CONFLICT -> "choose another name, or remove the existing object first";
          default -> null;
        };
    return new KldloadException(
        kind, action + " " + object + ": " + what + " (errno " + errno + ")", hint);
  }

  public static String describe(int errno) {
    return switch (errno) {
      case EPERM -> "permission denied";
      case EACCES -> "permission denied";
      case ENOENT -> "no such dataset";
      case EIO -> "I/O error";
      case EBUSY -> "dataset is busy";
      case EEXIST -> "dataset already exists";
      case EXDEV -> "not in the same pool";
      case ENODEV -> "no such pool or device";
      case EINVAL -> "invalid argument";
      case ENOSPC -> "out of space";
      case EROFS -> "read-only pool";
      case ENAMETOOLONG -> "name too long";
      case ENOTSUP -> "not supported by this pool version";
      default -> "error " + errno;
    };
  }

  public static KldloadException exists(Object name) {
    return KldloadException.conflict(
        name + " already exists", "choose another name, or destroy " + name + " first");
  }

  public static KldloadException notFound(Object name) {
    return KldloadException.notFound(
        name + " does not exist", "check the name with 'zfs list -t all'");
  }

  public static KldloadException parentMissing(Object name, Object parent) {
    return KldloadException.notFound(
        "cannot create " + name + ": parent " + parent + " does not exist",
        "create the parent first (zfs create -p " + parent + ")");
  }

  public static KldloadException hasDependentClones(Object snapshot, Collection<?> clones) {
    return KldloadException.conflict(
        snapshot + " has dependent clones: " + join(clones),
        "destroy the clones or promote them (zfs promote CLONE) first");
  }

  public static KldloadException busy(Object name, Collection<?> dependents) {
    return KldloadException.conflict(
        name + " is busy" + (dependents.isEmpty() ? "" : ": " + join(dependents)),
        "release or remove the dependents first");
  }

  public static KldloadException hasChildren(Object name, Collection<?> children) {
    return KldloadException.conflict(
        name + " has children: " + join(children), "destroy them first, or destroy recursively");
  }

  public static KldloadException hasSnapshots(Object name, Collection<?> snapshots) {
    return KldloadException.conflict(
        name + " has snapshots: " + join(snapshots), "destroy them first, or destroy recursively");
  }

  public static KldloadException held(Object snapshot, Collection<?> tags) {
    return KldloadException.conflict(
        snapshot + " is held: " + join(tags), "release the holds first (zfs release TAG SNAP)");
  }

  public static KldloadException notNewest(Object snapshot, Collection<?> newer) {
    return KldloadException.conflict(
        "cannot roll back to " + snapshot + ": newer snapshots exist: " + join(newer),
        "destroy the newer snapshots first, or roll back to the newest one");
  }

  public static KldloadException crossPool(Object a, Object b) {
    return KldloadException.invalid(
        a + " and " + b + " are in different pools", "clones and renames stay within one pool");
  }

  static String join(Collection<?> items) {
    return items.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }
}
