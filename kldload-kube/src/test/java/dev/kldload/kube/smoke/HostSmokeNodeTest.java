package dev.kldload.kube.smoke;

import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.kube.smoke.host.HostSmokeNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The real reader on this machine's /proc and PATH (the contract asserts shape, not values), and a
 * real HTTP server on 127.0.0.1 for the loopback GET.
 */
class HostSmokeNodeTest extends SmokeNodeContract {
  private final SmokeNode node = new HostSmokeNode(Path.of("/"), new SystemProcessRunner());
  private LoopbackMetrics metrics;

  @BeforeEach
  void serve() throws IOException {
    metrics = new LoopbackMetrics();
  }

  @AfterEach
  void stop() {
    metrics.close();
  }

  @Override
  SmokeNode node() {
    return node;
  }

  @Override
  URI metricsUrl() {
    return metrics.url();
  }

  @Override
  URI refusedUrl() {
    return metrics.refusedUrl();
  }
}
