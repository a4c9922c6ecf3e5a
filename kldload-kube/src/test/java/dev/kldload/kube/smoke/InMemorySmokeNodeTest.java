package dev.kldload.kube.smoke;

import java.net.URI;

/** The fake passes the same contract as the real reader. */
class InMemorySmokeNodeTest extends SmokeNodeContract {
  private final InMemorySmokeNode node =
      new InMemorySmokeNode()
          .file("/proc/sys/net/ipv4/ip_forward", "1\n")
          .file("/proc/sys/net/core/somaxconn", "4096\n")
          .file("/proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n")
          .file("/proc/modules", "overlay 163840 0 - Live 0x0000000000000000\n")
          .command(3, "out\n", "err\n", "sh", "-c", "echo out; echo err >&2; exit 3")
          .http("http://127.0.0.1:9962/metrics", 200, "up 1\n");

  @Override
  SmokeNode node() {
    return node;
  }

  @Override
  URI metricsUrl() {
    return URI.create("http://127.0.0.1:9962/metrics");
  }

  @Override
  URI refusedUrl() {
    return URI.create("http://127.0.0.1:9965/metrics");
  }
}
