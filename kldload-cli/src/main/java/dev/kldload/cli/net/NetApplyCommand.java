package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.net.Mesh;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kube-network apply --mesh FILE}. */
@Command(
    name = "apply",
    header = "Reconcile this node with a whole mesh (YAML or JSON desired state).",
    description = {
      "The file lists every node: id, endpoint, mgmtKey, k8sKey and optionally nat: true.",
      "This node (by its id) must be in it with its own keys. Missing peers are added, changed",
      "ones updated, peers kube-network added that the mesh no longer lists are removed;",
      "peers added by anyone else stay. Also brings the interfaces up if they are down."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Example:",
      "  kube-network apply --mesh /var/lib/kldload/clusters/demo/mesh.yaml",
      "",
      "Mesh file:",
      "  nodes:",
      "    - {id: 1, endpoint: 192.168.122.11, mgmtKey: KEY, k8sKey: KEY}",
      "    - {id: 100, endpoint: 192.168.122.1, mgmtKey: KEY, nat: true}"
    })
public final class NetApplyCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Option(
      names = "--mesh",
      required = true,
      paramLabel = "FILE",
      description = "The desired mesh (YAML or JSON).")
  Path meshFile;

  NetApplyCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    Mesh mesh = Mesh.read(meshFile);
    var service = NetworkContext.mesh(cli, mutation.dryRun());
    return NetworkContext.mutation(cli, NetworkContext.Resource.WIREGUARD, "apply")
        .options(mutation)
        .output(output)
        .run(() -> service.applyMesh(mesh));
  }
}
