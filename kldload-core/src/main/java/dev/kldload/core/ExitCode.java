package dev.kldload.core;

/**
 * The exit codes of every kldload command: the one table (DESIGN §7). Help footers and man pages
 * are generated from it, so the documentation cannot drift from the code.
 */
public enum ExitCode {
  OK(0, "done as asked"),
  FAILED(1, "a step failed"),
  USAGE(2, "usage error or invalid input; nothing was changed"),
  DEGRADED(3, "done with problems (degraded, or warnings under --strict)"),
  NOT_FOUND(4, "the named object does not exist"),
  CONFLICT(5, "conflict: the object exists, is busy or locked"),
  PRECONDITION(6, "a precondition is missing (root, libvirt, pool, package)"),
  UNAVAILABLE(7, "a daemon, API or host is unreachable"),
  TIMEOUT(8, "a wait passed its deadline"),
  INTERRUPTED(130, "interrupted (Ctrl-C); the journal is consistent, re-run to resume");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }
}
