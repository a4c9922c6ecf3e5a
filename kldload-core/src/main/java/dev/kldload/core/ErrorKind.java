package dev.kldload.core;

/** What went wrong, in domain terms; each kind maps to exactly one {@link ExitCode}. */
public enum ErrorKind {
  INVALID_INPUT(ExitCode.USAGE),
  FAILED(ExitCode.FAILED),
  DEGRADED(ExitCode.DEGRADED),
  NOT_FOUND(ExitCode.NOT_FOUND),
  CONFLICT(ExitCode.CONFLICT),
  PRECONDITION(ExitCode.PRECONDITION),
  PERMISSION(ExitCode.PRECONDITION),
  UNAVAILABLE(ExitCode.UNAVAILABLE),
  TIMEOUT(ExitCode.TIMEOUT),
  INTERRUPTED(ExitCode.INTERRUPTED);

  private final ExitCode exitCode;

  ErrorKind(ExitCode exitCode) {
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
