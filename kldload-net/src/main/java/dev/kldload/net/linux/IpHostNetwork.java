package dev.kldload.net.linux;

import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.net.HostNetwork;
import dev.kldload.net.IfAddress;
import dev.kldload.net.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads routes and addresses with {@code ip -j}. */
public final class IpHostNetwork implements HostNetwork {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final ProcessRunner runner;

  public IpHostNetwork(ProcessRunner runner) {
    this.runner = runner;
  }

  @Override
  public List<Route> routes() {
    List<Route> out = new ArrayList<>();
    out.addAll(IpJson.routes(read("ip", "-j", "-4", "route", "show", "table", "main"), false));
    ProcessResult v6 =
        runner.run(
            ProcessSpec.of("ip", "-j", "-6", "route", "show", "table", "main")
                .timeout(TIMEOUT)
                .readOnly()
                .build());
    // a host with IPv6 disabled answers with an error: it simply has no IPv6 routes
    if (v6.ok()) {
      out.addAll(IpJson.routes(v6.stdout(), true));
    }
    return out;
  }

  @Override
  public List<IfAddress> addresses(String device) {
    ProcessResult result =
        runner.run(
            ProcessSpec.of("ip", "-j", "addr", "show", "dev", device)
                .timeout(TIMEOUT)
                .readOnly()
                .build());
    return result.ok() ? IpJson.addresses(result.stdout()) : List.of();
  }

  private String read(String... argv) {
    return runner.check(ProcessSpec.of(argv).timeout(TIMEOUT).readOnly().build()).stdout();
  }
}
