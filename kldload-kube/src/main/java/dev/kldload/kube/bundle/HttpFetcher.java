package dev.kldload.kube.bundle;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Downloads over HTTP(S) with the JDK client. A file goes to {@code NAME.partial} and is renamed
 * into place only once its SHA-256 is checked, so a file under its own name is always complete; an
 * interrupted download leaves only a {@code .partial}, redone by the next run.
 */
public final class HttpFetcher {
  /** Metadata (Release, Packages, checksum lists, chart indexes) is small; refuse anything huge. */
  static final int MAX_METADATA_BYTES = 64 << 20;

  private static final long PROGRESS_EVERY = 8L << 20;

  private final HttpClient client;
  private final Duration timeout;

  public HttpFetcher(Duration connectTimeout, Duration requestTimeout) {
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    this.timeout = requestTimeout;
  }

  /** The whole body of a small document; FAILED or UNAVAILABLE naming the URL. */
  byte[] bytes(URI uri) throws InterruptedException {
    try (InputStream in = open(uri)) {
      byte[] body = in.readNBytes(MAX_METADATA_BYTES + 1);
      if (body.length > MAX_METADATA_BYTES) {
        throw new KldloadException(
            ErrorKind.FAILED, uri + " is larger than " + MAX_METADATA_BYTES + " bytes", null);
      }
      return body;
    } catch (IOException e) {
      if (wasInterrupted(e)) {
        throw interrupted(e);
      }
      throw unreachable(uri.toString(), e);
    }
  }

  /**
   * Downloads {@code uri} to {@code target}: writes {@code target.partial}, checks its SHA-256
   * against {@code expected} when one is given, then renames it. Returns the SHA-256. A mismatch
   * deletes the partial file and fails naming {@code label}.
   */
  String download(
      URI uri,
      Path target,
      Optional<String> expected,
      String label,
      Consumer<String> progress,
      CancellationToken cancellation)
      throws InterruptedException {
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    MessageDigest sha = sha256();
    long done = 0;
    try {
      Files.createDirectories(target.getParent());
      InputStream in;
      try {
        in = open(uri);
      } catch (KldloadException e) {
        throw new KldloadException(
            e.kind(), label + ": " + e.getMessage(), e.hint().orElse(null), e);
      }
      // the JDK client's body stream ignores interrupts while it waits for bytes; closing wakes it
      Runnable stop = () -> closeQuietly(in);
      cancellation.onCancel(stop);
      try (in;
          OutputStream out = Files.newOutputStream(partial)) {
        byte[] buffer = new byte[1 << 16];
        long reported = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
          if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("download of " + uri + " interrupted");
          }
          out.write(buffer, 0, n);
          sha.update(buffer, 0, n);
          done += n;
          if (done - reported >= PROGRESS_EVERY) {
            progress.accept(label + ": " + done + " bytes");
            reported = done;
          }
        }
        cancellation.throwIfCancelled();
      } finally {
        cancellation.removeListener(stop);
      }
    } catch (IOException e) {
      if (cancellation.isCancelled() || wasInterrupted(e)) {
        throw interrupted(e);
      }
      throw unreachable(label + ": " + uri, e);
    }
    String actual = HexFormat.of().formatHex(sha.digest());
    if (expected.isPresent() && !expected.get().equals(actual)) {
      deleteQuietly(partial);
      throw new KldloadException(
          ErrorKind.FAILED,
          label
              + ": SHA-256 "
              + actual
              + " of "
              + uri
              + " does not match the expected "
              + expected.get(),
          "the source or a mirror serves other bytes than it published; nothing was kept");
    }
    try {
      Files.move(
          partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new KldloadException(ErrorKind.FAILED, "cannot write " + target, e.getMessage(), e);
    }
    progress.accept(label + ": " + done + " bytes, verified");
    return actual;
  }

  private InputStream open(URI uri) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("request to " + uri + " interrupted");
    }
    if (response.statusCode() != 200) {
      response.body().close();
      // a file its source lists but does not serve fails the build (exit 1), like a bad hash
      throw new KldloadException(
          ErrorKind.FAILED,
          uri + " answered HTTP " + response.statusCode(),
          "check the bundle sources file; a mirror may lack this file");
    }
    return response.body();
  }

  static String sha256(Path file) throws IOException {
    MessageDigest sha = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        sha.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static boolean wasInterrupted(IOException e) {
    return e instanceof InterruptedIOException
        || e.getCause() instanceof InterruptedException
        || Thread.currentThread().isInterrupted();
  }

  private static InterruptedException interrupted(IOException e) {
    Thread.currentThread().interrupt();
    InterruptedException ie = new InterruptedException(e.getMessage());
    ie.initCause(e);
    return ie;
  }

  private static KldloadException unreachable(String what, IOException e) {
    return new KldloadException(
        ErrorKind.UNAVAILABLE,
        "cannot fetch " + what + ": " + e,
        "check the network or the bundle sources file",
        e);
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // closing only to wake a blocked read
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // the next run overwrites a partial file anyway
    }
  }
}
