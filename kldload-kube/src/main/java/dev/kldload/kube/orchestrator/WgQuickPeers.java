package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.net.WgKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code [Peer]} sections of a wg-quick file, as {@code InterfaceConfig} writes them (a blank
 * line, {@code [Peer]}, its fields): found and removed by public key, the rest of the file kept
 * byte for byte, so that the file equals what {@code kube-network} writes for the peers left.
 */
final class WgQuickPeers {
  private WgQuickPeers() {}

  static boolean hasAny(Path file, Set<WgKey> keys) {
    return PrivateFiles.read(file).map(t -> !sections(lines(t), keys).isEmpty()).orElse(false);
  }

  static void remove(Path file, Set<WgKey> keys) {
    Optional<String> text = PrivateFiles.read(file);
    if (text.isEmpty()) {
      return;
    }
    List<String> lines = lines(text.get());
    List<int[]> drop = sections(lines, keys);
    if (drop.isEmpty()) {
      return;
    }
    List<String> out = new ArrayList<>();
    int at = 0;
    for (int[] range : drop) {
      out.addAll(lines.subList(at, range[0]));
      at = range[1];
    }
    out.addAll(lines.subList(at, lines.size()));
    PrivateFiles.write(file, out.isEmpty() ? "" : String.join("\n", out) + "\n");
  }

  private static List<String> lines(String text) {
    return text.lines().toList();
  }

  /** [from, to) of each peer section with one of {@code keys}, its leading blank line included. */
  private static List<int[]> sections(List<String> lines, Set<WgKey> keys) {
    List<Integer> starts = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("[Peer]")) {
        starts.add(i > 0 && lines.get(i - 1).isBlank() ? i - 1 : i);
      }
    }
    List<int[]> out = new ArrayList<>();
    for (int s = 0; s < starts.size(); s++) {
      int from = starts.get(s);
      int to = end(lines, from);
      if (s + 1 < starts.size()) {
        to = Math.min(to, starts.get(s + 1));
      }
      boolean match =
          lines.subList(from, to).stream()
              .map(WgQuickPeers::publicKey)
              .flatMap(Optional::stream)
              .anyMatch(keys::contains);
      if (match) {
        out.add(new int[] {from, to});
      }
    }
    return out;
  }

  /** Where the section at {@code from} ends at the latest: the next other header, or the end. */
  private static int end(List<String> lines, int from) {
    for (int i = from + 1; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (l.startsWith("[") && !l.equals("[Peer]")) {
        return i;
      }
    }
    return lines.size();
  }

  private static Optional<WgKey> publicKey(String line) {
    int eq = line.indexOf('=');
    if (eq < 0 || !line.substring(0, eq).strip().equals("PublicKey")) {
      return Optional.empty();
    }
    try {
      return Optional.of(WgKey.parse(line.substring(eq + 1).strip()));
    } catch (KldloadException e) {
      return Optional.empty();
    }
  }
}
