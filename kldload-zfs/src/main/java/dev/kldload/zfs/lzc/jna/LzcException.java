package dev.kldload.zfs.lzc.jna;

import java.util.Map;

/**
 * An {@code lzc_*} call returned an error number. {@code errors} holds the per-object numbers of
 * calls that report an errlist (snapshot, destroy_snaps, hold, release, bookmark), keyed by object
 * name. Translated to {@code KldloadException} by the adapter, which knows what the names mean.
 */
public final class LzcException extends RuntimeException {
  private final String call;
  private final int code;
  private final Map<String, Long> errors;

  public LzcException(String call, int code, Map<String, Long> errors) {
    super(call + " failed with errno " + code + (errors.isEmpty() ? "" : " " + errors));
    this.call = call;
    this.code = code;
    this.errors = Map.copyOf(errors);
  }

  public String call() {
    return call;
  }

  /** The number the call returned, also when {@link #errno()} does not name it. */
  public int code() {
    return code;
  }

  /** The named error (for a {@code switch}), {@link Errno#UNRECOGNISED} for other numbers. */
  public Errno errno() {
    return Errno.of(code);
  }

  /** Per-object error numbers (see {@link Errno#of}). */
  public Map<String, Long> errors() {
    return errors;
  }
}
