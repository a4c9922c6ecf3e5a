package dev.kldload.kube.smoke;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract for readers that reach this machine's loopback: a real HTTP server on 127.0.0.1
 * answers {@code /metrics}, and a port nothing listens on refuses.
 */
abstract class LoopbackSmokeNodeContract extends SmokeNodeContract {
  private HttpServer server;
  private int refusedPort;

  @BeforeEach
  void serve() throws IOException {
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

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Override
  URI metricsUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
  }

  @Override
  URI refusedUrl() {
    return URI.create("http://127.0.0.1:" + refusedPort + "/metrics");
  }
}
