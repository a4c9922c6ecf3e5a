package dev.kldload.zfs.lzc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.zfs.lzc.jna.Errno;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LzcErrorsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "EEXIST, CONFLICT",
    "EBUSY, CONFLICT",
    "ENOENT, NOT_FOUND",
    "ESRCH, NOT_FOUND",
    "EPERM, PERMISSION",
    "EACCES, PERMISSION",
    "EINVAL, INVALID_INPUT",
    "ENAMETOOLONG, INVALID_INPUT",
    "EXDEV, INVALID_INPUT",
    "ZFS_ERR_BADPROP, INVALID_INPUT",
    "ZFS_ERR_WRONG_PARENT, INVALID_INPUT",
    "ENOTSUP, PRECONDITION",
    "ZFS_ERR_IOC_CMD_UNAVAIL, PRECONDITION",
    "EROFS, PRECONDITION",
    "ENOSPC, FAILED",
    "EDQUOT, FAILED",
    "EIO, FAILED",
    "UNRECOGNISED, FAILED"
  })
  @DisplayName("each errno maps to the kind (and so the exit code) its cause deserves")
  void kinds(Errno errno, ErrorKind kind) {
    assertThat(LzcErrors.kindOf(errno)).isEqualTo(kind);
  }

  @Test
  @DisplayName("the message names action, object, cause and the raw number; the hint fits the kind")
  void message() {
    KldloadException e = LzcErrors.fromErrno(Errno.EACCES.code(), "cannot destroy", "tank/a");
    assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION);
    assertThat(e.getMessage()).isEqualTo("cannot destroy tank/a: permission denied (errno 13)");
    assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("root"));
  }

  @Test
  @DisplayName("a number no constant names still fails, and the message keeps the number")
  void unrecognised() {
    KldloadException e = LzcErrors.fromErrno(44, "cannot set com.x:y on", "tank/a");
    assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
    assertThat(e.getMessage()).contains("tank/a", "errno 44");
    assertThat(e.hint()).isEmpty();
  }
}
