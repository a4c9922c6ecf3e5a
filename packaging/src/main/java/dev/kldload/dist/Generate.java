package dev.kldload.dist;

import dev.kldload.core.config.ConfigKey;
import dev.kldload.net.node.FirewallService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build-time generator (run by Maven in the prepare-package phase): everything the package ships
 * that the code already knows, written from the code so it cannot drift from it. Under the output
 * directory: the man pages and tool list ({@link ManPages}), the command reference ({@link
 * CommandReference}, also committed as {@code docs/commands.md}), {@code kldload.yaml} (every
 * configuration key, commented out at its default) and {@code kldload-nftables.service} (the unit
 * {@code kube-network nft} writes, same text).
 */
public final class Generate {
  private Generate() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    ManPages.main(args);
    Files.writeString(
        out.resolve("commands.md"),
        CommandReference.render(ManPages.commandTree()),
        StandardCharsets.UTF_8);
    Files.writeString(out.resolve("kldload.yaml"), defaultConfig(), StandardCharsets.UTF_8);
    Files.writeString(
        out.resolve(FirewallService.FIREWALL_UNIT), firewallUnit(), StandardCharsets.UTF_8);
  }

  static String defaultConfig() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        """
        # /etc/kldload/kldload.yaml: configuration of the kldload tools (YAML).
        #
        # Later sources win: this file < ~/.config/kldload/kldload.yaml (or --config FILE instead of
        # both) < KLDLOAD_* environment variables < command-line flags. Keys may be written dotted
        # (as below) or nested. An unknown key is an error naming the key and this file.
        #
        # Every key the suite knows is listed, commented out at its default value.
        """);
    for (ConfigKey key : ConfigKey.values()) {
      sb.append('\n')
          .append("# ")
          .append(key.description())
          .append(" (")
          .append(key.environmentName())
          .append(")\n")
          .append('#')
          .append(key.key())
          .append(": ")
          .append(key.defaultValue().map(Generate::yamlScalar).orElse(""))
          .append('\n');
    }
    return sb.toString();
  }

  private static String yamlScalar(String value) {
    return value.matches("[A-Za-z0-9_./:-]+") && !value.contains(": ")
        ? value
        : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The unit as {@code kube-network nft} writes it to /etc/systemd/system, for /lib. */
  static String firewallUnit() {
    String unit =
        FirewallService.firewallUnit(Path.of(ConfigKey.NET_NFT_FILE.defaultValue().orElseThrow()));
    return unit.replaceFirst(
        "# written by kube-network nft\n",
        "# shipped by the kldload package; kube-network nft writes the same unit to"
            + " /etc/systemd/system\n");
  }
}
