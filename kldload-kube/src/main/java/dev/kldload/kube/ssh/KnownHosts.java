package dev.kldload.kube.ssh;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.value.HostName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * A cluster's own {@code known_hosts} (OpenSSH format), keyed by node name: the host keys we
 * generate for each node's seed are pinned here before the node first boots, so the first
 * connection is already verified. Use {@code ssh -o HostKeyAlias=<node> -o
 * UserKnownHostsFile=<file>} to reach a node by hand with the same pins.
 */
public final class KnownHosts {
  static final Set<String> KEY_TYPES =
      Set.of(
          "ssh-ed25519",
          "ecdsa-sha2-nistp256",
          "ecdsa-sha2-nistp384",
          "ecdsa-sha2-nistp521",
          "ssh-rsa");

  private final Path file;

  private KnownHosts(Path file) {
    this.file = file;
  }

  public static KnownHosts at(Path file) {
    return new KnownHosts(file);
  }

  public Path path() {
    return file;
  }

  /**
   * Pins {@code publicKey} ("ssh-ed25519 AAAA… [comment]", as in a {@code .pub} file) for {@code
   * node}, replacing any earlier pin of the same key type for that node. Written atomically, 0600.
   */
  public synchronized void pin(HostName node, String publicKey) {
    String[] parts = publicKey.strip().split("\\s+");
    if (parts.length < 2 || !KEY_TYPES.contains(parts[0]) || !isBase64(parts[1])) {
      throw KldloadException.invalid(
          "host key for " + node + " is not an OpenSSH public key",
          "pass the content of a .pub file, e.g. 'ssh-ed25519 AAAA…'");
    }
    List<String> kept = new ArrayList<>();
    for (String line : lines()) {
      String[] f = line.strip().split("\\s+");
      boolean same = f.length >= 2 && f[0].equals(node.value()) && f[1].equals(parts[0]);
      if (!same && !line.isBlank()) {
        kept.add(line);
      }
    }
    kept.add(node.value() + " " + parts[0] + " " + parts[1]);
    write(String.join("\n", kept) + "\n");
  }

  /** The key types pinned for {@code node} ("ssh-ed25519", …), in file order. */
  public List<String> types(HostName node) {
    List<String> out = new ArrayList<>();
    for (String line : lines()) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 3 && f[0].equals(node.value()) && !out.contains(f[1])) {
        out.add(f[1]);
      }
    }
    return out;
  }

  private List<String> lines() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED, "cannot read " + file + ": " + e.getMessage(), null, e);
    }
  }

  private void write(String content) {
    PrivateFiles.write(file, content);
  }

  private static boolean isBase64(String text) {
    try {
      return Base64.getDecoder().decode(text).length > 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
