package dev.kldload.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The one failure type that crosses module boundaries. The message names the object ("kvm-clone
 * web01: source k8s-golden has no snapshot @golden"); the hint says what to do next. Adapters
 * translate their library's exceptions into this at the edge.
 */
public class KldloadException extends RuntimeException {
  private final ErrorKind kind;
  private final String hint;

  public KldloadException(ErrorKind kind, String message, String hint) {
    this(kind, message, hint, null);
  }

  public KldloadException(ErrorKind kind, String message, String hint, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.hint = hint;
  }

  public static KldloadException invalid(String message, String hint) {
    return new KldloadException(ErrorKind.INVALID_INPUT, message, hint);
  }

  public static KldloadException notFound(String message, String hint) {
    return new KldloadException(ErrorKind.NOT_FOUND, message, hint);
  }

  public static KldloadException conflict(String message, String hint) {
    return new KldloadException(ErrorKind.CONFLICT, message, hint);
  }

  public static KldloadException precondition(String message, String hint) {
    return new KldloadException(ErrorKind.PRECONDITION, message, hint);
  }

  public ErrorKind kind() {
    return kind;
  }

  public Optional<String> hint() {
    return Optional.ofNullable(hint).filter(h -> !h.isBlank());
  }

  public ExitCode exitCode() {
    return kind.exitCode();
  }
}
