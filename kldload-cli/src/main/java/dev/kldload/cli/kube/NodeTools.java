package dev.kldload.cli.kube;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.core.KldloadException;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.kube.node.NodeSystem;
import java.nio.file.Path;
import java.util.List;

/**
 * What the node-side kube commands share: the node's root, root privilege, dry-run file listing.
 */
final class NodeTools {
  private NodeTools() {}

  static NodeSystem system(Cli cli, boolean dryRun) {
    return new NodeSystem(root(cli), cli.engines().processRunner(dryRun));
  }

  static Path root(Cli cli) {
    return Path.of(cli.config().require(ConfigKey.NODE_ROOT));
  }

  /**
   * Changing a real node needs root; a dry-run or a scratch root (tests, chroots) does not. A
   * dry-run without root works, and says that the real run would be refused.
   */
  static void requireRoot(Cli cli, String tool, boolean dryRun) {
    boolean realRoot = root(cli).toAbsolutePath().normalize().toString().equals("/");
    if (!realRoot || "root".equals(System.getProperty("user.name"))) {
      return;
    }
    if (dryRun) {
      cli.err().println(tool + ": note: the real run changes the node and must run as root (sudo)");
      cli.err().flush();
      return;
    }
    throw KldloadException.precondition(
        tool + " changes the node and must run as root", "run it with sudo, or try --dry-run");
  }

  /** A change of this node under the locks of what it changes (a dry-run takes none). */
  static Mutation mutation(Cli cli, List<String> lockScopes, String tool) {
    return Mutation.of(cli, lockScopes, tool);
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
