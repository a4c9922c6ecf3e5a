package dev.kldload.net.linux;

import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Network namespaces for tests: a hub namespace holding a bridge, and node namespaces joined to it
 * by veth pairs. Names carry a random tag so parallel runs and leftovers never collide; {@link
 * #close} deletes every namespace (and so every interface) it made.
 */
public final class Netns implements AutoCloseable {
  public static final ProcessRunner HOST = new SystemProcessRunner();
  private final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
  private final List<String> namespaces = new ArrayList<>();
  private final Map<String, List<String>> wgInterfaces = new HashMap<>();
  private String hub;

  /** Skips (or fails under CI) unless root with ip, wg, wireguard-go and nft. */
  public static void requireEngines() {
    Requirements.require(Requirements.isRoot(), "network namespaces need root");
    for (String program : List.of("ip", "wg", "wireguard-go", "nft")) {
      Requirements.require(Requirements.onPath(program), program + " is not installed");
    }
  }

  public String tag() {
    return tag;
  }

  /** A fresh namespace with loopback up. */
  public String create(String suffix) {
    String name = "kl" + tag + "-" + suffix;
    host("ip", "netns", "add", name);
    namespaces.add(name);
    in(name, "ip", "link", "set", "lo", "up");
    return name;
  }

  /** Joins {@code ns} to the hub bridge with address {@code cidr} on device {@code device}. */
  public void join(String ns, String device, String cidr) {
    if (hub == null) {
      hub = create("hub");
      in(hub, "ip", "link", "add", "br0", "type", "bridge");
      in(hub, "ip", "link", "set", "br0", "up");
    }
    String peer = "p" + namespaces.size() + "-" + device;
    in(ns, "ip", "link", "add", device, "type", "veth", "peer", "name", peer, "netns", hub);
    in(hub, "ip", "link", "set", peer, "master", "br0", "up");
    in(ns, "ip", "addr", "add", cidr, "dev", device);
    in(ns, "ip", "link", "set", device, "up");
  }

  /** Interface names must be unique machine-wide: wireguard-go's sockets live in /run/wireguard. */
  public String wgName(String ns, String suffix) {
    String name = "w" + tag + suffix;
    wgInterfaces.computeIfAbsent(ns, n -> new ArrayList<>()).add(name);
    return name;
  }

  public ProcessRunner runner(String ns) {
    return new NetnsProcessRunner(ns, HOST);
  }

  public ProcessResult in(String ns, String... argv) {
    return check(runner(ns), argv);
  }

  public ProcessResult tryIn(String ns, String... argv) {
    return runner(ns).run(ProcessSpec.of(argv).timeout(Duration.ofSeconds(20)).build());
  }

  private static ProcessResult host(String... argv) {
    return check(HOST, argv);
  }

  private static ProcessResult check(ProcessRunner runner, String... argv) {
    return runner.check(ProcessSpec.of(argv).timeout(Duration.ofSeconds(20)).build());
  }

  @Override
  public void close() {
    // deleting a namespace deletes its interfaces; wireguard-go then exits and drops its socket
    for (String ns : namespaces) {
      for (String wg : wgInterfaces.getOrDefault(ns, List.of())) {
        HOST.run(ProcessSpec.of("ip", "netns", "exec", ns, "ip", "link", "del", wg).build());
      }
      HOST.run(ProcessSpec.of("ip", "netns", "del", ns).build());
    }
    namespaces.clear();
  }
}
