package dev.kldload.kube.golden;

import dev.kldload.core.KldloadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Debian archive the host's own apt uses, read from {@code etc/apt/sources.list}, {@code
 * etc/apt/sources.list.d/*.list} (one-line form) and {@code *.sources} (deb822) under a root
 * directory. We never name a mirror ourselves: a golden is built from where the host already gets
 * its packages (a local mirror, a proxy, a snapshot).
 *
 * <p>The archive is the first {@code deb} entry, in apt's file order, whose suite is the host's
 * codename or {@value #SUITE} and whose components include {@code main}. Security, updates and
 * backports suites never match; {@code deb-src}, commented lines, deb822 stanzas with {@code
 * Enabled: no} and one-line {@code [options]} are skipped. {@code mirror+file:} (a list of mirrors,
 * not one) and {@code cdrom:} cannot be handed to debootstrap and are refused.
 */
public final class AptSources {
  /** The suite goldens are built from. */
  public static final String SUITE = "bookworm";

  /** Where an operator names the archive when the host's apt configuration cannot be used. */
  public static final String OVERRIDE_KEY = "kube.golden-mirror";

  public static final String OVERRIDE_ENV = "KLDLOAD_KUBE_GOLDEN_MIRROR";

  /** One {@code deb} line or deb822 stanza, one entry per URI and suite. */
  public record Entry(Path file, String uri, String suite, List<String> components) {
    public Entry {
      components = List.copyOf(components);
    }
  }

  private final Path root;

  /**
   * @param root the file system root whose {@code etc/apt} and {@code etc/os-release} are read
   */
  public AptSources(Path root) {
    this.root = root;
  }

  public static AptSources ofHost() {
    return new AptSources(Path.of("/"));
  }

  /** {@code VERSION_CODENAME} from {@code etc/os-release}, if the host says. */
  public Optional<String> codename() {
    Path osRelease = root.resolve("etc/os-release");
    if (!Files.isRegularFile(osRelease)) {
      return Optional.empty();
    }
    for (String line : readLines(osRelease)) {
      if (line.startsWith("VERSION_CODENAME=")) {
        String value = line.substring("VERSION_CODENAME=".length()).replace("\"", "").trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
      }
    }
    return Optional.empty();
  }

  /** Every enabled binary ({@code deb}) entry, in the order apt reads the files. */
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (Path file : files()) {
      if (file.getFileName().toString().endsWith(".sources")) {
        out.addAll(deb822(file));
      } else {
        out.addAll(oneLine(file));
      }
    }
    return out;
  }

  /**
   * The archive URI to debootstrap {@value #SUITE} from, as written in the host's configuration.
   * PRECONDITION when no entry fits, or when the fitting entry's URI is one debootstrap cannot use.
   */
  public String archive() {
    List<String> suites = new ArrayList<>();
    codename().filter(c -> !c.equals(SUITE)).ifPresent(suites::add);
    suites.add(SUITE);
    Optional<Entry> refused = Optional.empty();
    for (Entry e : entries()) {
      if (!suites.contains(e.suite()) || !e.components().contains("main")) {
        continue;
      }
      if (usable(e.uri())) {
        return e.uri();
      }
      refused = refused.isPresent() ? refused : Optional.of(e);
    }
    String hint =
        "set "
            + OVERRIDE_KEY
            + " in the kldload config (or "
            + OVERRIDE_ENV
            + ") to a Debian archive URI (http, https or file)";
    if (refused.isPresent()) {
      Entry e = refused.get();
      throw KldloadException.precondition(
          "the Debian archive in "
              + e.file()
              + " is '"
              + e.uri()
              + "', which debootstrap cannot use (mirror+file: and cdrom: are apt-only)",
          hint);
    }
    throw KldloadException.precondition(
        "no enabled 'deb' entry for suite "
            + String.join(" or ", suites)
            + " with component main in "
            + root.resolve("etc/apt"),
        hint);
  }

  private static boolean usable(String uri) {
    String scheme = uri.contains(":") ? uri.substring(0, uri.indexOf(':')) : "";
    return switch (scheme.toLowerCase(Locale.ROOT)) {
      case "http", "https", "file" -> true;
      default -> false;
    };
  }

  /** {@code sources.list}, then the directory's {@code .list} and {@code .sources} files sorted. */
  private List<Path> files() {
    List<Path> out = new ArrayList<>();
    Path main = root.resolve("etc/apt/sources.list");
    if (Files.isRegularFile(main)) {
      out.add(main);
    }
    Path dir = root.resolve("etc/apt/sources.list.d");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> list = Files.list(dir)) {
        list.filter(Files::isRegularFile)
            .filter(
                p -> {
                  String n = p.getFileName().toString();
                  return n.endsWith(".list") || n.endsWith(".sources");
                })
            .sorted()
            .forEach(out::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** {@code deb [options] uri suite component...}; comments and {@code deb-src} skipped. */
  static List<Entry> oneLine(Path file) {
    List<Entry> out = new ArrayList<>();
    for (String raw : readLines(file)) {
      String line = raw.contains("#") ? raw.substring(0, raw.indexOf('#')) : raw;
      line = line.trim();
      if (!line.startsWith("deb ") && !line.startsWith("deb\t")) {
        continue;
      }
      String rest = line.substring(3).trim();
      if (rest.startsWith("[")) {
        int close = rest.indexOf(']');
        if (close < 0) {
          continue;
        }
        rest = rest.substring(close + 1).trim();
      }
      List<String> words = new ArrayList<>(Arrays.asList(rest.split("\\s+")));
      // cdrom:[Debian GNU/Linux 12]/ has blanks inside its brackets
      while (words.size() > 1 && words.get(0).contains("[") && !words.get(0).contains("]")) {
        words.set(0, words.get(0) + " " + words.remove(1));
      }
      if (words.size() < 2) {
        continue;
      }
      out.add(new Entry(file, words.get(0), words.get(1), words.subList(2, words.size())));
    }
    return out;
  }

  /** Stanzas separated by blank lines; {@code Types} must include {@code deb}. */
  static List<Entry> deb822(Path file) {
    List<Entry> out = new ArrayList<>();
    List<Map<String, String>> stanzas = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    String lastKey = null;
    for (String line : readLines(file)) {
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          stanzas.add(current);
          current = new LinkedHashMap<>();
        }
        lastKey = null;
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0)) && lastKey != null) {
        // a continuation line: part of the field above
        current.merge(lastKey, " " + line.trim(), String::concat);
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      lastKey = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      current.put(lastKey, line.substring(colon + 1).trim());
    }
    if (!current.isEmpty()) {
      stanzas.add(current);
    }
    for (Map<String, String> s : stanzas) {
      if (!words(s.get("types")).contains("deb")
          || s.getOrDefault("enabled", "yes").trim().equalsIgnoreCase("no")) {
        continue;
      }
      List<String> components = words(s.get("components"));
      for (String uri : words(s.get("uris"))) {
        for (String suite : words(s.get("suites"))) {
          out.add(new Entry(file, uri, suite, components));
        }
      }
    }
    return out;
  }

  private static List<String> words(String value) {
    return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
