package dev.kldload.cli.support;

import java.io.IOException;
import java.io.InputStream;
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

  private static String value(Properties props, String key, String fallback) {
    String value = props.getProperty(key);
    return value == null || value.isBlank() || value.startsWith("${") ? fallback : value;
  }
}
