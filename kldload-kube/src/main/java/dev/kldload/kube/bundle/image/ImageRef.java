package dev.kldload.kube.bundle.image;

import dev.kldload.core.KldloadException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image as the stack lock names it: {@code host[:port]/path/name:tag}, optionally
 * pinned with {@code @sha256:<64 hex>}. The registry host is always written out (no implied default
 * registry) and the tag is required and never {@code latest}, so a name means the same image on
 * every host that reads the lock.
 *
 * @param registry host, with {@code :port} when one was given
 * @param repository the path under the registry, lower case, {@code /}-separated
 * @param tag the tag (never {@code latest})
 * @param digest {@code sha256:<64 lowercase hex>}, or {@code null} when not pinned
 */
public record ImageRef(String registry, String repository, String tag, String digest) {
  private static final String HINT =
      "write host[:port]/path/name:tag[@sha256:<64 hex>], e.g. registry.example:5000/pause:3.10";
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
              + "|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  public static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern WHOLE = Pattern.compile("([^/]+)/([^@]+):([^:/@]+)(?:@(.*))?");

  public ImageRef {
    // as docker reads names: a first component without '.' or ':' is a path, not a host
    check(
        registry != null
            && HOST.matcher(registry).matches()
            && (registry.contains(".") || registry.contains(":") || registry.equals("localhost")),
        "registry host",
        registry);
    check(
        repository != null
            && repository.length() <= 255
            && Pattern.compile("/")
                .splitAsStream(repository)
                .allMatch(c -> COMPONENT.matcher(c).matches())
            && !repository.endsWith("/"),
        "repository",
        repository);
    check(tag != null && TAG.matcher(tag).matches(), "tag", tag);
    if (tag.equals("latest")) {
      throw KldloadException.invalid(
          "image " + registry + "/" + repository + ":latest: 'latest' is not a version",
          "pin the image to a release tag; the stack lock never names 'latest'");
    }
    check(digest == null || DIGEST.matcher(digest).matches(), "digest", digest);
  }

  /** Parses {@code host[:port]/path/name:tag[@sha256:<64 hex>]}; INVALID_INPUT otherwise. */
  public static ImageRef parse(String text) {
    if (text == null || text.isBlank()) {
      throw KldloadException.invalid("image reference is empty", HINT);
    }
    Matcher m = WHOLE.matcher(text.strip());
    if (!m.matches()) {
      throw KldloadException.invalid(
          "image "
              + text
              + ": not host[:port]/path/name:tag (the registry host and a tag are required)",
          HINT);
    }
    return new ImageRef(m.group(1), m.group(2), m.group(3), m.group(4));
  }

  /** The pin, if the reference carries one. */
  public Optional<String> pinned() {
    return Optional.ofNullable(digest);
  }

  /** The same image pinned to {@code sha256Digest}. */
  public ImageRef withDigest(String sha256Digest) {
    return new ImageRef(registry, repository, tag, sha256Digest);
  }

  /** {@code registry/repository:tag}: the name the image gets in containerd. */
  public String name() {
    return registry + "/" + repository + ":" + tag;
  }

  /** {@code registry/repository:tag[@digest]}: what {@link #parse} reads back to an equal value. */
  public String canonical() {
    return digest == null ? name() : name() + "@" + digest;
  }

  @Override
  public String toString() {
    return canonical();
  }

  private static void check(boolean ok, String what, String value) {
    if (!ok) {
      throw KldloadException.invalid("image reference: invalid " + what + " '" + value + "'", HINT);
    }
  }
}
