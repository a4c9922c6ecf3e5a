package dev.kldload.net;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.Cidr;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders our nftables ruleset. It lives in {@code table inet kldload} only and is one {@code nft
 * -f} transaction: add the table (so the delete works on a first run), delete it, add it with its
 * chains. Other tables (libvirt's, Docker's, the operator's) are never named. The table's comment
 * carries a digest of the content, so a re-run can see that nothing would change.
 */
public final class NftRuleset {
  public static final String FAMILY = "inet";
  public static final String TABLE = "kldload";

  private static final Pattern TOP_LEVEL =
      Pattern.compile("(?:(?:add|delete|destroy|flush) )?table inet kldload(?: \\{)?");
  private static final Pattern COMMENT = Pattern.compile("comment \"([^\"]*)\"");

  /** Node: default drop with what a Kubernetes node needs (spec §7.1). Host: accepts only. */
  public enum Mode {
    NODE,
    HOST
  }

  private NftRuleset() {}

  /**
   * @param lanInterface the device of the default route (masquerade goes out of it)
   * @param nodeCidr the LAN interface's network, trusted in node mode; empty when it has none
   */
  public static String render(
      NetworkPlan plan, Mode mode, String lanInterface, Optional<Cidr> nodeCidr) {
    if (!lanInterface.matches("[A-Za-z0-9_.-]{1,15}")) {
      throw KldloadException.invalid(
          "LAN interface '" + lanInterface + "' is not a valid interface name",
          "name the interface of the default route, e.g. eth0");
    }
    String body = mode == Mode.NODE ? node(plan, lanInterface, nodeCidr) : host(plan);
    String comment = "kldload " + mode.name().toLowerCase(Locale.ROOT) + " " + digest(body);
    return "#!/usr/sbin/nft -f\n"
        + "# written by kube-network nft: only table inet kldload, replaced in one transaction\n"
        + "table inet kldload\n"
        + "delete table inet kldload\n"
        + "table inet kldload {\n"
        + "\tcomment \""
        + comment
        + "\"\n"
        + body
        + "}\n";
  }

  private static String node(NetworkPlan plan, String lan, Optional<Cidr> nodeCidr) {
    String wgIfs = interfaces(plan);
    StringBuilder sb = new StringBuilder();
    sb.append("\tchain input {\n");
    sb.append("\t\ttype filter hook input priority filter; policy drop;\n");
    sb.append("\t\tct state established,related accept\n");
    sb.append("\t\tiif \"lo\" accept\n");
    // IPv6 needs ICMPv6 for neighbour discovery once the inet table drops by default. Protocol
    // numbers, not names: nft resolves names through /etc/protocols, which minimal nodes lack
    sb.append("\t\tmeta l4proto { 1, 58 } accept comment \"icmp, ipv6-icmp\"\n");
    sb.append("\t\ttcp dport 22 accept\n");
    sb.append("\t\tudp dport { ")
        .append(plan.mgmt().port())
        .append(", ")
        .append(plan.k8s().port())
        .append(" } accept\n");
    sb.append("\t\tiifname ").append(wgIfs).append(" accept\n");
    // kubelet 10250, hubble 4244, cilium health 4240 and metrics come from the node network
    nodeCidr.ifPresent(c -> sb.append("\t\t").append(saddr(c)).append(" accept\n"));
    sb.append("\t\t").append(saddr(plan.podCidr())).append(" accept\n");
    sb.append("\t\ttcp dport 6443 accept\n");
    sb.append("\t\ttcp dport 30000-32767 accept\n");
    sb.append("\t\tudp dport 30000-32767 accept\n");
    sb.append("\t}\n");
    sb.append("\tchain forward {\n");
    sb.append("\t\ttype filter hook forward priority filter; policy drop;\n");
    sb.append("\t\tct state established,related accept\n");
    sb.append("\t\tiifname ").append(wgIfs).append(" accept\n");
    sb.append("\t\toifname ").append(wgIfs).append(" accept\n");
    sb.append("\t\tiifname \"cilium_*\" accept\n");
    sb.append("\t\toifname \"cilium_*\" accept\n");
    sb.append("\t\tiifname \"lxc*\" accept\n");
    sb.append("\t\toifname \"lxc*\" accept\n");
    sb.append("\t\t").append(saddr(plan.podCidr())).append(" accept\n");
    sb.append("\t\t").append(family(plan.podCidr())).append(" daddr ").append(plan.podCidr());
    sb.append(" accept\n");
    sb.append("\t}\n");
    sb.append("\tchain output {\n");
    sb.append("\t\ttype filter hook output priority filter; policy accept;\n");
    sb.append("\t}\n");
    sb.append("\tchain postrouting {\n");
    sb.append("\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
    sb.append("\t\toifname \"").append(lan).append("\" masquerade\n");
    sb.append("\t}\n");
    return sb.toString();
  }

  /** Accept rules only: libvirt's NAT and filter tables decide everything else. */
  private static String host(NetworkPlan plan) {
    String wgIfs = interfaces(plan);
    String bridge = "\"" + plan.libvirtBridge() + "\"";
    StringBuilder sb = new StringBuilder();
    sb.append("\tchain input {\n");
    sb.append("\t\ttype filter hook input priority filter; policy accept;\n");
    sb.append("\t\tudp dport { ")
        .append(plan.mgmt().port())
        .append(", ")
        .append(plan.k8s().port())
        .append(" } accept\n");
    sb.append("\t\tiifname ").append(wgIfs).append(" accept\n");
    sb.append("\t}\n");
    sb.append("\tchain forward {\n");
    sb.append("\t\ttype filter hook forward priority filter; policy accept;\n");
    sb.append("\t\tiifname ").append(wgIfs).append(" oifname ").append(bridge).append(" accept\n");
    sb.append("\t\tiifname ").append(bridge).append(" oifname ").append(wgIfs).append(" accept\n");
    sb.append("\t}\n");
    return sb.toString();
  }

  private static String interfaces(NetworkPlan plan) {
    return "{ \"" + plan.mgmt().interfaceName() + "\", \"" + plan.k8s().interfaceName() + "\" }";
  }

  private static String family(Cidr cidr) {
    return cidr.isIpv4() ? "ip" : "ip6";
  }

  private static String saddr(Cidr cidr) {
    return family(cidr) + " saddr " + cidr;
  }

  private static String digest(String body) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The comment a rendered ruleset gives our table. */
  public static String comment(String ruleset) {
    Matcher m = COMMENT.matcher(ruleset);
    if (!m.find()) {
      throw new IllegalArgumentException("ruleset has no table comment");
    }
    return m.group(1);
  }

  /**
   * Refuses a ruleset that would touch anything but {@code table inet kldload}: every top-level
   * statement must name our table, so {@code flush ruleset} or another table never reaches nft.
   */
  public static void requireOwnTableOnly(String ruleset) {
    int depth = 0;
    int lineNo = 0;
    for (String raw : ruleset.split("\n", -1)) {
      lineNo++;
      String line = raw.strip();
      int hash = line.indexOf('#');
      if (hash >= 0 && !line.substring(0, hash).contains("\"")) {
        line = line.substring(0, hash).strip();
      }
      if (line.isEmpty()) {
        continue;
      }
      if (depth == 0 && !TOP_LEVEL.matcher(line).matches()) {
        throw KldloadException.invalid(
            "ruleset line " + lineNo + " ('" + line + "') touches more than table inet kldload",
            "our rules live in table inet kldload only");
      }
      for (char c : line.toCharArray()) {
        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
      }
      if (depth < 0) {
        throw KldloadException.invalid(
            "ruleset line " + lineNo + " closes a block it did not open", "check the braces");
      }
    }
  }
}
