package dev.kldload.cli.kube;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.core.KldloadException;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.kube.node.NodeSystem;
import java.nio.file.Path;

/**
 * What the node-side kube commands share: the node's root, root privilege, dry-run file listing.
 */
final class NodeTools {
  private NodeTools() {}

  static NodeSystem system(Cli cli, boolean dryRun) {
    return new NodeSystem(root(cli), cli.processRunner(dryRun));
  }

  static Path root(Cli cli) {
    return Path.of(cli.config().require(ConfigKey.NODE_ROOT));
  }

  /** Changing a real node needs root; a dry-run or a scratch root (tests, chroots) does not. */
  static void requireRoot(Cli cli, String tool, boolean dryRun) {
    boolean realRoot = root(cli).toAbsolutePath().normalize().toString().equals("/");
    if (!dryRun && realRoot && !"root".equals(System.getProperty("user.name"))) {
      throw KldloadException.precondition(
          tool + " changes the node and must run as root", "run it with sudo, or try --dry-run");
    }
  }

  /** A change of this node under the host's kube-node lock. */
  static Mutation mutation(Cli cli, String tool) {
    return Mutation.of(cli, "kube-node", tool);
  }

  /** After a dry-run plan: every file the plan would write, with its mode, for review. */
  static void printRendered(Cli cli, NodeSystem sys) {
    for (NodeSystem.RenderedFile f : sys.renderedFiles()) {
      cli.out().println();
      cli.out().printf("# %s (%04o)%n", f.path(), f.mode());
      cli.out().print(f.content());
    }
    cli.out().flush();
  }
}
