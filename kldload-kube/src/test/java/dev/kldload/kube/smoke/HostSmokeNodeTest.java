package dev.kldload.kube.smoke;

import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.kube.smoke.host.HostSmokeNode;
import java.nio.file.Path;

/**
 * The real reader on this machine's /proc and PATH (the contract asserts shape, not values), and a
 * real HTTP server on 127.0.0.1 for the loopback GET.
 */
class HostSmokeNodeTest extends LoopbackSmokeNodeContract {
  private final SmokeNode node = new HostSmokeNode(Path.of("/"), new SystemProcessRunner());

  @Override
  SmokeNode node() {
    return node;
  }
}
