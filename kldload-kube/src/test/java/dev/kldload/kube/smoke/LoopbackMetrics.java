package dev.kldload.kube.smoke;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A real HTTP server on 127.0.0.1 answering {@code /metrics} with {@code up 1\n}, and a loopback
 * port nothing listens on: the contract's GET fixtures for readers that reach this machine.
 */
final class LoopbackMetrics implements AutoCloseable {
  private final HttpServer server;
  private final int refusedPort;

  LoopbackMetrics() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/metrics",
        exchange -> {
          byte[] body = "up 1\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      refusedPort = s.getLocalPort();
    }
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
  }

  URI refusedUrl() {
    return URI.create("http://127.0.0.1:" + refusedPort + "/metrics");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
