package dev.kldload.net.linux;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.Programs;
import dev.kldload.core.value.Cidr;
import dev.kldload.net.IfAddress;
import dev.kldload.net.PeerSpec;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPeerState;
import dev.kldload.net.WgPrivateKey;
import dev.kldload.net.WireGuard;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * WireGuard through {@code ip} and {@code wg}: kernel interfaces when {@code ip link add … type
 * wireguard} works, else {@code wireguard-go}. Private keys reach {@code wg} on stdin only, never
 * on a command line.
 */
public final class WgToolsWireGuard implements WireGuard {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private final ProcessRunner runner;

  public WgToolsWireGuard(ProcessRunner runner) {
    this.runner = runner;
  }

  @Override
  public Optional<WgDevice> device(String name) {
    ProcessResult link = read("ip", "-j", "addr", "show", "dev", name);
    if (!link.ok()) {
      return Optional.empty();
    }
    JsonNode entry = IpJson.tree(link.stdout(), "ip addr").path(0);
    boolean up = false;
    for (JsonNode flag : entry.path("flags")) {
      up |= flag.asText().equals("UP");
    }
    int mtu = entry.path("mtu").asInt();
    List<IfAddress> addresses = IpJson.addresses(link.stdout());
    ProcessResult dump = read("wg", "show", name, "dump");
    if (!dump.ok()) {
      throw KldloadException.conflict(
          "interface "
              + name
              + " exists but is not a WireGuard interface we can read: "
              + dump.errorTail(),
          "pick other interface names (net.mgmt.interface, net.k8s.interface) or remove it");
    }
    String[] lines = dump.stdout().strip().split("\n");
    String[] head = lines[0].split("\t");
    Optional<WgKey> publicKey =
        head.length > 1 && !head[1].equals("(none)")
            ? Optional.of(WgKey.parse(head[1]))
            : Optional.empty();
    int port = head.length > 2 ? Integer.parseInt(head[2]) : 0;
    List<WgPeerState> peers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      peers.add(peer(lines[i].split("\t")));
    }
    return Optional.of(new WgDevice(name, up, mtu, addresses, publicKey, port, peers));
  }

  private static WgPeerState peer(String[] f) {
    List<Cidr> allowed = new ArrayList<>();
    if (!f[3].equals("(none)")) {
      for (String cidr : f[3].split(",")) {
        allowed.add(Cidr.parse(cidr.strip()));
      }
    }
    long handshake = Long.parseLong(f[4]);
    return new WgPeerState(
        WgKey.parse(f[0]),
        f[2].equals("(none)") ? Optional.empty() : Optional.of(f[2]),
        allowed,
        f[7].equals("off") ? 0 : Integer.parseInt(f[7]),
        handshake == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(handshake)),
        Long.parseLong(f[5]),
        Long.parseLong(f[6]));
  }

  @Override
  public void create(String name) {
    if (read("ip", "-j", "link", "show", "dev", name).ok()) {
      return;
    }
    ProcessResult kernel =
        runner.run(ProcessSpec.of("ip", "link", "add", "dev", name, "type", "wireguard").build());
    if (kernel.ok()) {
      return;
    }
    if (runner.mutates() && Programs.which("wireguard-go").isEmpty()) {
      throw KldloadException.precondition(
          "cannot create "
              + name
              + ": no WireGuard kernel module ("
              + kernel.errorTail()
              + ") and no wireguard-go",
          "install the kernel module or: apt-get install wireguard-go");
    }
    // the kernel said no: the user-space implementation is the fallback, not a preference
    runner.check(
        ProcessSpec.of("wireguard-go", name)
            .env("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD", "1")
            .timeout(TIMEOUT)
            .build());
  }

  @Override
  public void configure(String name, WgPrivateKey key, int listenPort) {
    runner.check(
        ProcessSpec.of(
                "wg",
                "set",
                name,
                "private-key",
                "/dev/stdin",
                "listen-port",
                Integer.toString(listenPort))
            .stdin((key.base64() + "\n").getBytes(StandardCharsets.UTF_8))
            .timeout(TIMEOUT)
            .build());
  }

  @Override
  public void setAddress(String name, IfAddress address, int mtu) {
    List<IfAddress> current =
        IpJson.addresses(read("ip", "-j", "addr", "show", "dev", name).stdout());
    for (IfAddress other : current) {
      if (!other.equals(address) && other.address().getAddress().length == 4) {
        mutate("ip", "addr", "del", other.toString(), "dev", name);
      }
    }
    if (!current.contains(address)) {
      mutate("ip", "addr", "add", address.toString(), "dev", name);
    }
    mutate("ip", "link", "set", "dev", name, "mtu", Integer.toString(mtu), "up");
  }

  @Override
  public void updatePeers(String name, List<PeerSpec> upsert, Collection<WgKey> remove) {
    if (upsert.isEmpty() && remove.isEmpty()) {
      return;
    }
    List<String> argv = new ArrayList<>(List.of("wg", "set", name));
    for (PeerSpec peer : upsert) {
      argv.add("peer");
      argv.add(peer.publicKey().base64());
      peer.endpoint()
          .ifPresent(
              e -> {
                argv.add("endpoint");
                argv.add(e);
              });
      argv.add("allowed-ips");
      argv.add(peer.allowedIps().stream().map(Cidr::toString).collect(Collectors.joining(",")));
      argv.add("persistent-keepalive");
      argv.add(peer.keepalive() > 0 ? Integer.toString(peer.keepalive()) : "off");
    }
    for (WgKey key : remove) {
      argv.add("peer");
      argv.add(key.base64());
      argv.add("remove");
    }
    runner.check(ProcessSpec.of(argv).timeout(TIMEOUT).build());
  }

  @Override
  public void delete(String name) {
    if (read("ip", "-j", "link", "show", "dev", name).ok()) {
      mutate("ip", "link", "del", "dev", name);
    }
  }

  private ProcessResult read(String... argv) {
    return runner.run(ProcessSpec.of(argv).timeout(TIMEOUT).readOnly().build());
  }

  private void mutate(String... argv) {
    ProcessResult result = runner.run(ProcessSpec.of(argv).timeout(TIMEOUT).build());
    if (!result.ok()) {
      throw new KldloadException(
          ErrorKind.FAILED,
          String.join(" ", argv) + " failed: " + result.errorTail(),
          "check that you are root and that the interface is ours");
    }
  }
}
