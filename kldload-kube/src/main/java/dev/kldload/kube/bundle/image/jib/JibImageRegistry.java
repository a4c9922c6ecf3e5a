package dev.kldload.kube.bundle.image.jib;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.Authorization;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.http.Request;
import com.google.cloud.tools.jib.http.Response;
import com.google.cloud.tools.jib.http.ResponseException;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.ManifestListTemplate;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.registry.ManifestAndDigest;
import com.google.cloud.tools.jib.registry.RegistryClient;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.kube.bundle.image.ImageRef;
import dev.kldload.kube.bundle.image.ImageRegistry;
import dev.kldload.kube.bundle.image.OciArchive;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link ImageRegistry} over jib-core's registry client (Docker Registry HTTP API v2, anonymous
 * bearer tokens, TLS). Manifests and blobs are copied byte for byte, so every digest in the archive
 * is the registry's. Plain HTTP (and TLS with an unverified certificate) is allowed only to
 * loopback registries (a test registry, a local mirror); anything else must speak verified HTTPS.
 *
 * <p>jib's client parses manifests into its own templates and drops the bytes, so the manifest a
 * pull copies is fetched through jib's HTTP client here and checked against its digest; blobs go
 * through {@link RegistryClient#pullBlob}, which checks them too, and are checked again as written.
 */
public final class JibImageRegistry implements ImageRegistry {
  private static final String USER_AGENT = "kldload";
  private static final int TIMEOUT_MS = 60_000;
  private static final List<String> MANIFEST_TYPES =
      List.of(
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");
  private static final Pattern LOOPBACK =
      Pattern.compile("localhost|127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}|\\[::1\\]|::1");
  private static final Pattern CHALLENGE = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final Map<String, URI> mirrors;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * @param mirrors registry host[:port] as image names write it → the base URL ({@code
   *     https://host[:port]}, or {@code http://} for a loopback host) to fetch it from instead
   */
  public JibImageRegistry(Map<String, URI> mirrors) {
    mirrors.forEach(JibImageRegistry::checkMirror);
    this.mirrors = Map.copyOf(mirrors);
  }

  /** Where {@code ref} is fetched from: its mirror or its own registry, and whether HTTP may do. */
  private record Endpoint(String server, boolean plainHttpAllowed) {}

  private Endpoint endpoint(ImageRef ref) {
    URI mirror = mirrors.get(ref.registry());
    if (mirror != null) {
      return new Endpoint(mirror.getRawAuthority(), loopback(mirror.getHost()));
    }
    String host = ref.registry().replaceFirst(":[0-9]+$", "");
    return new Endpoint(ref.registry(), loopback(host));
  }

  @Override
  public String resolve(ImageRef ref, String arch) {
    Endpoint at = endpoint(ref);
    FailoverHttpClient http = http(at);
    try {
      RegistryClient client = client(at, ref, http);
      ManifestAndDigest<ManifestTemplate> top = client.pullManifest(ref.tag());
      if (top.getManifest() instanceof ManifestListTemplate list) {
        return list.getDigestsForPlatform(arch, "linux").stream()
            .findFirst()
            .orElseThrow(() -> noPlatform(ref, arch));
      }
      if (top.getManifest() instanceof BuildableManifestTemplate image) {
        JsonNode config =
            json.readTree(blob(client, image.getContainerConfiguration().getDigest()));
        if (!arch.equals(config.path("architecture").asText())
            || !"linux".equals(config.path("os").asText())) {
          throw noPlatform(ref, arch);
        }
        return top.getDigest().toString();
      }
      throw KldloadException.invalid(
          "image " + ref.name() + ": schema 1 manifests are not supported",
          "use an image published with a schema 2 or OCI manifest");
    } catch (IOException | RegistryException e) {
      throw translate(ref, e);
    } finally {
      close(http);
    }
  }

  @Override
  public String pull(
      ImageRef ref, String digest, String arch, Path target, LongConsumer bytesDone) {
    Endpoint at = endpoint(ref);
    FailoverHttpClient http = http(at);
    try (OciArchive.Scratch scratch = OciArchive.Scratch.beside(target)) {
      RegistryClient client = client(at, ref, http);
      Manifest manifest = manifest(ref, at, http, digest);
      if (manifest.index()) {
        String platform = manifest.platforms().get(arch);
        if (platform == null) {
          throw noPlatform(ref, arch);
        }
        manifest = manifest(ref, at, http, platform);
        if (manifest.index()) {
          throw KldloadException.invalid(
              "image " + ref.name() + ": the linux/" + arch + " entry is itself an index",
              "pin the image manifest's digest, not an index's");
        }
      }
      Map<String, Path> blobs = new LinkedHashMap<>();
      blobs.put(
          manifest.digest(), Files.write(scratch.file(manifest.digest()), manifest.content()));
      long[] done = {0};
      for (String blob : manifest.blobs()) {
        Path file = scratch.file(blob);
        MessageDigest sha = OciArchive.sha256();
        try (OutputStream out =
            new Counting(
                new DigestOutputStream(Files.newOutputStream(file), sha), done, bytesDone)) {
          client
              .pullBlob(DescriptorDigest.fromDigest(blob), size -> {}, written -> {})
              .writeTo(out);
        } catch (IOException e) {
          // jib checks the digest as well and fails first, with a registry error but no HTTP status
          if (digestRejected(e)) {
            throw mismatch(ref, blob);
          }
          throw e;
        }
        if (!("sha256:" + HexFormat.of().formatHex(sha.digest())).equals(blob)) {
          throw mismatch(ref, blob);
        }
        blobs.put(blob, file);
      }
      return OciArchive.write(
          ref,
          new OciArchive.Descriptor(
              manifest.mediaType(), manifest.digest(), manifest.content().length),
          blobs,
          target);
    } catch (IOException | RegistryException | DigestException e) {
      throw translate(ref, e);
    } finally {
      close(http);
    }
  }

  /**
   * A manifest's bytes as the registry serves them, and what it names: an image's blobs (config
   * first), or an index's linux manifests by architecture.
   */
  private record Manifest(
      String digest,
      String mediaType,
      byte[] content,
      boolean index,
      List<String> blobs,
      Map<String, String> platforms) {}

  /** Fetches manifest {@code digest} verbatim and checks it hashes to {@code digest}. */
  private Manifest manifest(ImageRef ref, Endpoint at, FailoverHttpClient http, String digest)
      throws IOException {
    URL url =
        new URL("https://" + at.server() + "/v2/" + ref.repository() + "/manifests/" + digest);
    byte[] content;
    try {
      content = get(http, url, null);
    } catch (ResponseException e) {
      if (e.getStatusCode() != 401) {
        throw e;
      }
      content = get(http, url, token(ref, http, e.getHeaders().getAuthenticate()));
    }
    String actual = "sha256:" + HexFormat.of().formatHex(OciArchive.sha256().digest(content));
    if (!actual.equals(digest)) {
      throw mismatch(ref, digest);
    }
    JsonNode node = json.readTree(content);
    String mediaType = node.path("mediaType").asText(MANIFEST_TYPES.get(0));
    boolean index = node.has("manifests");
    List<String> blobs =
        index
            ? List.of()
            : Stream.concat(Stream.of(node.path("config")), stream(node.path("layers")))
                .map(d -> d.path("digest").asText())
                .toList();
    for (String blob : blobs) {
      if (!ImageRef.DIGEST.matcher(blob).matches()) {
        throw new KldloadException(
            ErrorKind.FAILED,
            "image " + ref.name() + ": manifest " + digest + " names blob '" + blob + "'",
            "only sha256 content digests are supported");
      }
    }
    Map<String, String> platforms = new LinkedHashMap<>();
    stream(node.path("manifests"))
        .filter(m -> "linux".equals(m.at("/platform/os").asText()))
        .forEach(
            m ->
                platforms.putIfAbsent(
                    m.at("/platform/architecture").asText(), m.path("digest").asText()));
    return new Manifest(digest, mediaType, content, index, blobs, platforms);
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    Stream.Builder<JsonNode> items = Stream.builder();
    array.forEach(items::add);
    return items.build();
  }

  private static byte[] get(FailoverHttpClient http, URL url, Authorization auth)
      throws IOException {
    Request request =
        Request.builder()
            .setAccept(MANIFEST_TYPES)
            .setUserAgent(USER_AGENT)
            .setHttpTimeout(TIMEOUT_MS)
            .setAuthorization(auth)
            .build();
    try (Response response = http.get(url, request)) {
      return response.getBody().readAllBytes();
    }
  }

  /** An anonymous pull token from the realm a {@code Bearer} challenge names. */
  private Authorization token(ImageRef ref, FailoverHttpClient http, String challenge)
      throws IOException {
    Map<String, String> params = new LinkedHashMap<>();
    if (challenge == null || !challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw KldloadException.precondition(
          "image " + ref.name() + ": the registry asks for credentials",
          "serve the image from a mirror that allows anonymous pulls");
    }
    Matcher m = CHALLENGE.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1), m.group(2));
    }
    String query =
        "service="
            + URLEncoder.encode(params.getOrDefault("service", ""), StandardCharsets.UTF_8)
            + "&scope="
            + URLEncoder.encode("repository:" + ref.repository() + ":pull", StandardCharsets.UTF_8);
    URL realm = new URL(params.get("realm") + "?" + query);
    Request request = Request.builder().setUserAgent(USER_AGENT).setHttpTimeout(TIMEOUT_MS).build();
    try (Response response = http.get(realm, request)) {
      JsonNode body = json.readTree(response.getBody());
      String token = body.path("token").asText(body.path("access_token").asText(""));
      if (token.isEmpty()) {
        throw KldloadException.precondition(
            "image " + ref.name() + ": the registry's token service gave no token",
            "serve the image from a mirror that allows anonymous pulls");
      }
      return Authorization.fromBearerToken(token);
    }
  }

  private static byte[] blob(RegistryClient client, DescriptorDigest digest) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    client.pullBlob(digest, size -> {}, written -> {}).writeTo(out);
    return out.toByteArray();
  }

  private static RegistryClient client(Endpoint at, ImageRef ref, FailoverHttpClient http)
      throws IOException, RegistryException {
    RegistryClient client =
        RegistryClient.factory(EventHandlers.NONE, at.server(), ref.repository(), http)
            .setUserAgent(USER_AGENT)
            .newRegistryClient();
    client.doPullBearerAuth();
    return client;
  }

  private static FailoverHttpClient http(Endpoint at) {
    return new FailoverHttpClient(at.plainHttpAllowed(), false, event -> {});
  }

  private static KldloadException noPlatform(ImageRef ref, String arch) {
    return KldloadException.notFound(
        "image " + ref.name() + ": no linux/" + arch + " image",
        "pick a tag published for linux/" + arch);
  }

  private static KldloadException mismatch(ImageRef ref, String digest) {
    return new KldloadException(
        ErrorKind.FAILED,
        "image " + ref.name() + ": content of " + digest + " does not match its digest",
        "the registry or a proxy on the way served altered data; nothing was written");
  }

  /** The registry's failure in our terms, always naming the image. */
  private static KldloadException translate(ImageRef ref, Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KldloadException k) {
        return k;
      }
    }
    String what = "image " + ref.name() + ": ";
    if (unreachable(e)) {
      return new KldloadException(
          ErrorKind.UNAVAILABLE,
          what + "registry " + ref.registry() + " cannot be reached: " + e.getMessage(),
          "check the network, or set a registry mirror for " + ref.registry(),
          e);
    }
    if (e instanceof InsecureRegistryException) {
      return new KldloadException(
          ErrorKind.UNAVAILABLE,
          what + "registry " + ref.registry() + " does not speak HTTPS",
          "plain HTTP is allowed only to a loopback registry",
          e);
    }
    Optional<Integer> status = status(e);
    if (status.filter(s -> s == 404).isPresent()) {
      return KldloadException.notFound(
          what + "not in the registry (" + e.getMessage() + ")",
          "check the repository and tag, or push the image to the mirror");
    }
    if (e instanceof RegistryUnauthorizedException || status.filter(s -> s == 401).isPresent()) {
      return new KldloadException(
          ErrorKind.PRECONDITION,
          what + "the registry refused an anonymous pull",
          "serve the image from a mirror that allows anonymous pulls",
          e);
    }
    return new KldloadException(
        ErrorKind.FAILED, what + e.getMessage(), "run again with -vv for the registry's answer", e);
  }

  private static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketException
          || t instanceof UnknownHostException
          || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static boolean digestRejected(IOException e) {
    boolean registry = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      registry |= t instanceof RegistryException;
    }
    return registry && !unreachable(e) && status(e).isEmpty();
  }

  private static Optional<Integer> status(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ResponseException r) {
        return Optional.of(r.getStatusCode());
      }
      if (t instanceof RegistryUnauthorizedException u) {
        return Optional.of(u.getHttpResponseException().getStatusCode());
      }
    }
    return Optional.empty();
  }

  private static void checkMirror(String registry, URI mirror) {
    boolean ok =
        mirror.getHost() != null
            && (mirror.getPath() == null
                || mirror.getPath().isEmpty()
                || mirror.getPath().equals("/"))
            && mirror.getQuery() == null
            && ("https".equals(mirror.getScheme())
                || ("http".equals(mirror.getScheme()) && loopback(mirror.getHost())));
    if (!ok) {
      throw KldloadException.invalid(
          "registry mirror for " + registry + ": '" + mirror + "' is not https://host[:port]",
          "a mirror is https://host[:port] (http:// only for a loopback address), without a path");
    }
  }

  private static boolean loopback(String host) {
    return LOOPBACK.matcher(host).matches();
  }

  private static void close(FailoverHttpClient http) {
    try {
      http.shutDown();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reports the running total of bytes written to {@code bytesDone}. */
  private static final class Counting extends FilterOutputStream {
    private final long[] done;
    private final LongConsumer bytesDone;

    Counting(OutputStream out, long[] done, LongConsumer bytesDone) {
      super(out);
      this.done = done;
      this.bytesDone = bytesDone;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      done[0] += len;
      bytesDone.accept(done[0]);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      bytesDone.accept(++done[0]);
    }
  }
}
