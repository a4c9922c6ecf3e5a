package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.output.Table;
import dev.kldload.core.value.ByteSize;
import dev.kldload.net.node.PeerView;
import dev.kldload.net.node.PlaneStatus;
import dev.kldload.net.node.StatusView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kube-network status}. */
@Command(
    name = "status",
    header = "Show both planes: interface, address, peers with handshake age and transfer.",
    description = {
      "A peer whose last handshake is older than 180 s (or that never completed one) is STALE.",
      "Peers someone else added are shown with MANAGED no."
    },
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kube-network status", "  kube-network status -o json"})
public final class NetStatusCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin OutputOption output;

  NetStatusCommand(Cli cli) {
    this.cli = cli;
  }

  /** A peer row of the table form. */
  record Row(String plane, PeerView peer) {}

  @Override
  public Integer call() {
    StatusView status = NetworkContext.status(cli).status();
    output.renderer().single(cli.out(), status, NetStatusCommand::table);
    return ExitCode.OK.code();
  }

  private static String table(StatusView status) {
    StringBuilder sb = new StringBuilder();
    sb.append("node ").append(status.nodeId() == null ? "(not initialised)" : status.nodeId());
    sb.append('\n');
    List<Row> rows = new ArrayList<>();
    for (PlaneStatus plane : status.planes()) {
      sb.append(plane.interfaceName())
          .append(": ")
          .append(
              !plane.present()
                  ? "not running"
                  : (plane.up() ? "up" : "down")
                      + "  "
                      + (plane.address() == null ? "no address" : plane.address())
                      + "  port "
                      + plane.listenPort()
                      + "  mtu "
                      + plane.mtu()
                      + "  "
                      + plane.peers().size()
                      + " peers")
          .append('\n');
      plane.peers().forEach(p -> rows.add(new Row(plane.interfaceName(), p)));
    }
    if (!rows.isEmpty()) {
      sb.append('\n');
      sb.append(
          Table.of(Row.class)
              .column("INTERFACE", Row::plane)
              .right("NODE", r -> r.peer().nodeId())
              .column("ENDPOINT", r -> r.peer().endpoint())
              .right(
                  "HANDSHAKE",
                  r ->
                      r.peer().handshakeAgeSeconds() == null
                          ? "never"
                          : r.peer().handshakeAgeSeconds() + "s ago")
              .right("RX", r -> ByteSize.human(r.peer().rxBytes()))
              .right("TX", r -> ByteSize.human(r.peer().txBytes()))
              .column("STALE", r -> r.peer().stale() ? "STALE" : "-")
              .column("MANAGED", r -> r.peer().managed() ? "yes" : "no")
              .column("PUBLIC KEY", r -> r.peer().publicKey())
              .render(rows));
    }
    return sb.toString();
  }
}
