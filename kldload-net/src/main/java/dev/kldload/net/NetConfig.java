package dev.kldload.net;

import dev.kldload.core.KldloadException;
import dev.kldload.core.config.Config;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Reads the {@code net.*} keys with the value types the flags use (interface names, CIDRs, ports,
 * node ids, paths), so a bad value in a config file or the environment is refused like a bad flag:
 * exit 2 naming the key and where the value came from, before anything runs.
 */
public final class NetConfig {
  private NetConfig() {}

  /** {@code key} parsed by {@code parse}; its INVALID_INPUT failure names the key and source. */
  public static <T> T read(Config config, ConfigKey key, Function<String, T> parse) {
    String text = config.require(key);
    try {
      return parse.apply(text);
    } catch (KldloadException e) {
      String origin = origin(config, key);
      throw KldloadException.invalid(
          key.key() + " '" + printable(text) + "' from " + origin + ": " + e.getMessage(),
          "set " + key.key() + " in " + origin + " to a valid value; " + e.hint().orElse(""));
    }
  }

  public static String interfaceName(Config config, ConfigKey key) {
    return read(config, key, InterfaceName::require);
  }

  public static Cidr cidr(Config config, ConfigKey key) {
    return read(config, key, Cidr::parse);
  }

  public static NodeId nodeId(Config config, ConfigKey key) {
    return read(config, key, NodeId::parse);
  }

  public static int port(Config config, ConfigKey key) {
    return number(config, key, 1, 65535);
  }

  /** A whole number from {@code min} to {@code max}. */
  public static int number(Config config, ConfigKey key, int min, int max) {
    return read(
        config,
        key,
        text -> {
          int value;
          try {
            value = Integer.parseInt(text.strip());
          } catch (NumberFormatException e) {
            throw KldloadException.invalid(
                "not a whole number", "use a number from " + min + " to " + max);
          }
          if (value < min || value > max) {
            throw KldloadException.invalid(
                "out of range", "use a number from " + min + " to " + max);
          }
          return value;
        });
  }

  public static boolean bool(Config config, ConfigKey key) {
    return read(
        config,
        key,
        text ->
            switch (text.strip()) {
              case "true" -> true;
              case "false" -> false;
              default -> throw KldloadException.invalid("not true or false", "use true or false");
            });
  }

  /** An absolute path without control characters (a NUL cannot reach a file name). */
  public static Path path(Config config, ConfigKey key) {
    return read(config, key, NetConfig::absolutePath);
  }

  public static Path absolutePath(String text) {
    if (text.isEmpty() || text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw KldloadException.invalid(
          "not a path (empty, or with control characters)", "give an absolute path");
    }
    Path path = Path.of(text);
    if (!path.isAbsolute()) {
      throw KldloadException.invalid("not an absolute path", "give a path starting with /");
    }
    return path;
  }

  /** "config file F", "environment KLDLOAD_X", "flag" or "the default". */
  private static String origin(Config config, ConfigKey key) {
    String source = config.source(key).orElse("default");
    if (source.equals("default")) {
      return "the default";
    }
    return source.equals("flag") || source.startsWith("environment ")
        ? source
        : "config file " + source;
  }

  /** User input inside an error message: control characters escaped, long input cut. */
  static String printable(String value) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length() && sb.length() < 80; i++) {
      char c = value.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }
}
