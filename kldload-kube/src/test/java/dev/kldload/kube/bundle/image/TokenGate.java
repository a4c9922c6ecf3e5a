package dev.kldload.kube.bundle.image;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A registry front over HTTPS with a throwaway self-signed certificate that, like the public ones,
 * answers 401 with a {@code Bearer} challenge until the client brings the token its {@code /token}
 * realm hands out anonymously, then passes reads through to a real registry. Records the scopes
 * asked for and any unauthorised request.
 */
final class TokenGate implements AutoCloseable {
  private static final String TOKEN = "anonymous-pull-token";

  final List<String> scopes = new CopyOnWriteArrayList<>();
  final List<String> refused = new CopyOnWriteArrayList<>();
  private static final char[] PASSWORD = "throwaway".toCharArray();

  private final HttpsServer server;
  private final String upstream;
  private final HttpClient http = HttpClient.newHttpClient();

  private TokenGate(HttpsServer server, String upstream) {
    this.server = server;
    this.upstream = upstream;
  }

  /**
   * Fronts the registry at {@code upstream} (host:port, plain HTTP) on a free loopback port, with a
   * certificate made by the JDK's keytool in {@code dir}.
   */
  static TokenGate start(String upstream, Path dir) throws Exception {
    Path store = dir.resolve("gate.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                new String(PASSWORD),
                "-alias",
                "gate",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2")
            .redirectErrorStream(true)
            .start();
    String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + out);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory managers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    managers.init(keys, PASSWORD);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(managers.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    TokenGate gate = new TokenGate(server, upstream);
    server.createContext("/token", gate::token);
    server.createContext("/", gate::pass);
    server.start();
    return gate;
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private void token(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getQuery();
    scopes.add(query == null ? "" : query);
    send(
        exchange,
        200,
        "application/json",
        ("{\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private void pass(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      refused.add(exchange.getRequestMethod() + " " + path);
      exchange
          .getResponseHeaders()
          .add(
              "WWW-Authenticate", "Bearer realm=\"https://" + host() + "/token\",service=\"gate\"");
      send(
          exchange,
          401,
          "application/json",
          "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + upstream + path))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    if (accept != null) {
      request.header("Accept", accept);
    }
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      response
          .headers()
          .firstValue("Docker-Content-Digest")
          .ifPresent(d -> exchange.getResponseHeaders().add("Docker-Content-Digest", d));
      send(
          exchange,
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse("application/octet-stream"),
          exchange.getRequestMethod().equals("HEAD") ? null : response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, body == null ? -1 : body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (body != null) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
