package dev.kldload.kube.bundle;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.kube.node.StackLock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * {@code kube-bundle serve}: the bundle over read-only HTTP, for goldens and nodes (the
 * orchestrator forwards the port over SSH). Only the lock and the files it pins are served, by
 * their exact path; every other path is 404, so nothing outside the bundle is reachable. Each
 * request is logged.
 *
 * <pre>{@code
 * try (BundleServer server = BundleServer.start(bundle, new InetSocketAddress(loopback, 0), log)) {
 *   ... "http://127.0.0.1:" + server.port() + "/k8s-stack.lock.yaml" ...
 * }
 * }</pre>
 */
public final class BundleServer implements AutoCloseable {
  /** The port {@code kube-bundle serve} listens on unless {@code --listen} says otherwise. */
  public static final int DEFAULT_PORT = 18080;

  private final HttpServer server;
  private final ExecutorService executor;

  private BundleServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Serves {@code dir} (which must hold a stack lock) on {@code address}; port 0 picks a free one.
   * {@code log} gets one line per request: method, path, status, bytes.
   */
  public static BundleServer start(Path dir, InetSocketAddress address, Consumer<String> log) {
    Path root = dir.toAbsolutePath().normalize();
    Path lockFile = StackLock.inBundle(root);
    StackLock lock = StackLock.load(lockFile);
    Set<String> served = new HashSet<>(lock.files().keySet());
    served.add(lockFile.getFileName().toString());
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.CONFLICT,
          "cannot listen on " + address + ": " + e.getMessage(),
          "another program holds the port; give --listen ADDR:PORT",
          e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/", exchange -> answer(exchange, root, served, log));
    server.start();
    return new BundleServer(server, executor);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void answer(
      HttpExchange exchange, Path root, Set<String> served, Consumer<String> log)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      URI uri = exchange.getRequestURI();
      String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/+", "");
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        log.accept(method + " /" + path + " 405");
        return;
      }
      if (!served.contains(path)) {
        exchange.sendResponseHeaders(404, -1);
        log.accept(method + " /" + path + " 404 (not in the stack lock)");
        return;
      }
      Path file = root.resolve(path);
      long size = Files.size(file);
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      if (method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Content-Length", Long.toString(size));
        exchange.sendResponseHeaders(200, -1);
      } else {
        exchange.sendResponseHeaders(200, size);
        try (InputStream in = Files.newInputStream(file);
            OutputStream out = exchange.getResponseBody()) {
          in.transferTo(out);
        }
      }
      log.accept(method + " /" + path + " 200 " + size + " bytes");
    }
  }
}
