package dev.kldload.cli.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: version, git commit, build time and the Java runtime it runs on. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() throws IOException {
    Properties props = new Properties();
    try (InputStream in =
        VersionProvider.class.getResourceAsStream("/dev/kldload/cli/version.properties")) {
      if (in != null) {
        props.load(in);
      }
    }
    String commit = value(props, "commit", "unknown");
    if ("true".equals(props.getProperty("dirty"))) {
      commit += "-dirty";
    }
    return new String[] {
      "kldload " + value(props, "version", "unknown"),
      "commit: " + commit,
      "built: " + value(props, "built", "unknown"),
      "java: "
          + System.getProperty("java.runtime.version")
          + " ("
          + System.getProperty("java.vm.name")
          + ", "
          + System.getProperty("java.home")
          + ")"
    };
  }

  /** {@code kldload --version} or {@code -V} alone: answered without building picocli's model. */
  public static boolean isVersionRequest(String[] args) {
    return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
  }

  /** Prints what picocli's version help would print for the root command; exit code 0. */
  public static int print(PrintWriter out) {
    try {
      for (String line : new VersionProvider().getVersion()) {
        out.println(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
    return 0;
  }

  private static String value(Properties props, String key, String fallback) {
    String value = props.getProperty(key);
    return value == null || value.isBlank() || value.startsWith("${") ? fallback : value;
  }
}
