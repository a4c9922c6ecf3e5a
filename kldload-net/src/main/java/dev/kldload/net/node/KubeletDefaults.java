package dev.kldload.net.node;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Edits {@code /etc/default/kubelet}: sets {@code --node-ip} inside {@code KUBELET_EXTRA_ARGS} and
 * keeps every other line and argument (the original overwrote the file).
 */
final class KubeletDefaults {
  private static final String KEY = "KUBELET_EXTRA_ARGS=";

  private KubeletDefaults() {}

  static String withNodeIp(String content, String ip) {
    List<String> lines = new ArrayList<>(content.isEmpty() ? List.of() : content.lines().toList());
    boolean found = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.startsWith(KEY)) {
        continue;
      }
      String value = line.substring(KEY.length()).strip();
      boolean quoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"");
      if (quoted) {
        value = value.substring(1, value.length() - 1);
      }
      List<String> args = new ArrayList<>();
      for (String arg : value.split("\\s+")) {
        if (!arg.isEmpty() && !arg.startsWith("--node-ip=")) {
          args.add(arg);
        }
      }
      args.add("--node-ip=" + ip);
      String joined = String.join(" ", args);
      lines.set(i, KEY + (quoted || args.size() > 1 ? "\"" + joined + "\"" : joined));
      found = true;
    }
    if (!found) {
      lines.add(KEY + "--node-ip=" + ip);
    }
    return String.join("\n", lines) + "\n";
  }

  static void write(Path file, String content) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.PERMISSION, "cannot write " + file + ": " + e.getMessage(), "run as root", e);
    }
  }
}
