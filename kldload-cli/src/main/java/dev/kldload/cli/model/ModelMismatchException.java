package dev.kldload.cli.model;

/**
 * The build-time model does not fit the classes on the class path (a class, member or attribute is
 * missing or different): the caller builds picocli's model by reflection instead.
 */
final class ModelMismatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ModelMismatchException(String message) {
    super(message);
  }

  ModelMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
