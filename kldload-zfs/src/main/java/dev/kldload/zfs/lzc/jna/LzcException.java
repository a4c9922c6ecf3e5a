package dev.kldload.zfs.lzc.jna;

import java.util.Map;

/**
 * An {@code lzc_*} call returned an errno. {@code errors} holds the per-object errnos of calls that
 * report an errlist (snapshot, destroy_snaps, hold, release, bookmark), keyed by object name.
 * Translated to {@code KldloadException} by the adapter, which knows what the names mean.
 */
public final class LzcException extends RuntimeException {
  private final String call;
  private final int errno;
  private final Map<String, Long> errors;

  public LzcException(String call, int errno, Map<String, Long> errors) {
    super(call + " failed with errno " + errno + (errors.isEmpty() ? "" : " " + errors));
    this.call = call;
    this.errno = errno;
    this.errors = Map.copyOf(errors);
  }

  public String call() {
    return call;
  }

  public int errno() {
    return errno;
  }

  public Map<String, Long> errors() {
    return errors;
  }
}
