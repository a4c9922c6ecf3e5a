package dev.kldload.kube.smoke;

import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.kube.smoke.host.HostSmokeNode;
import java.nio.file.Path;

/** The real reader on this machine's /proc and PATH: the contract asserts shape, not values. */
class HostSmokeNodeTest extends SmokeNodeContract {
  private final SmokeNode node = new HostSmokeNode(Path.of("/"), new SystemProcessRunner());

  @Override
  SmokeNode node() {
    return node;
  }
}
