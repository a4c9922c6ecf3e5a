package dev.kldload.kube.smoke.host;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.Programs;
import dev.kldload.kube.smoke.SmokeNode;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@link SmokeNode} on the real machine: files under {@code root} ("/" on a node; a scratch
 * directory in tests and chroots) and programs through a {@link ProcessRunner}. Reads are marked
 * read-only so a dry-run runner still performs them.
 */
public final class HostSmokeNode implements SmokeNode {
  private static final long MAX_READ = 4L << 20;

  private final Path root;
  private final ProcessRunner runner;

  public HostSmokeNode(Path root, ProcessRunner runner) {
    this.root = root;
    this.runner = runner;
  }

  private Path path(String absolute) {
    if (!absolute.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute node path: " + absolute);
    }
    return root.resolve(absolute.substring(1));
  }

  @Override
  public Optional<String> read(String absolute) {
    Path p = path(absolute);
    try {
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        return Optional.empty();
      }
      // files under /proc and /sys report size 0: read them whole, bounded
      try (var in = Files.newInputStream(p)) {
        return Optional.of(new String(in.readNBytes((int) MAX_READ), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean exists(String absolute) {
    return Files.exists(path(absolute));
  }

  @Override
  public List<String> list(String directory) {
    Path p = path(directory);
    if (!Files.isDirectory(p)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(p)) {
      return entries.map(e -> e.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Override
  public boolean has(String program) {
    return Programs.which(program).isPresent();
  }

  @Override
  public Optional<ProcessResult> run(List<String> argv, Duration timeout) {
    if (!has(argv.get(0))) {
      return Optional.empty();
    }
    return Optional.of(runner.run(ProcessSpec.of(argv).timeout(timeout).readOnly().build()));
  }

  @Override
  public ProcessResult fix(List<String> argv, Duration timeout) {
    return runner.run(ProcessSpec.of(argv).timeout(timeout).build());
  }

  @Override
  public HttpReply get(URI loopbackUrl, Duration timeout) {
    if (!SmokeNode.isLoopback(loopbackUrl)) {
      throw new IllegalArgumentException("not a loopback URL: " + loopbackUrl);
    }
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(ProxySelector.of(null))
            .build();
    HttpRequest request = HttpRequest.newBuilder(loopbackUrl).timeout(timeout).GET().build();
    try {
      HttpResponse<String> response =
          client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new HttpReply(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.UNAVAILABLE,
          "GET "
              + loopbackUrl
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage()),
          null,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KldloadException(ErrorKind.INTERRUPTED, "interrupted: GET " + loopbackUrl, null, e);
    }
  }
}
