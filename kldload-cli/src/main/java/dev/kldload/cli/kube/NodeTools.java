package dev.kldload.cli.kube;

import dev.kldload.cli.support.Cli;
import dev.kldload.core.KldloadException;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.lock.HostLock;
import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.plan.Plan;
import dev.kldload.kube.node.NodeSystem;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

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

  /**
   * Runs {@code plan} for real holding every lock in {@code scopes}, taken in order (a held one
   * fails at once with exit 5 naming its holder) and released in reverse.
   */
  static int runLocked(Cli cli, Plan plan, List<String> scopes, String holder) {
    Deque<HostLock> held = new ArrayDeque<>();
    try {
      for (String scope : scopes) {
        held.push(cli.lock(scope, holder));
      }
      return cli.runPlan(plan, false, OutputFormat.TABLE).code();
    } finally {
      while (!held.isEmpty()) {
        held.pop().close();
      }
    }
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
