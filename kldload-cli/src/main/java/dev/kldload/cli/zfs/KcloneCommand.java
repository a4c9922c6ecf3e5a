package dev.kldload.cli.zfs;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.zfs.CloneService;
import dev.kldload.zfs.CloneService.CloneRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code kclone SOURCE DEST}: an instant copy-on-write copy of a filesystem or volume. */
@Command(
    name = "kclone",
    header = "Make a copy-on-write clone of a dataset or volume.",
    description = {
      "SOURCE is a dataset name or the mountpoint of a filesystem. DEST is a dataset name, or an",
      "absolute path: the clone is then <pool><path>, mounted at the path. Snapshots the source as",
      "@clone-YYYYMMDD-HHMMSS and records it in com.kldload:clone-origin. Refuses an existing",
      "destination, a missing parent dataset and a non-empty destination directory."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Example:",
      "  kclone /srv/www /srv/www-test",
      "  kclone rpool/vms/web rpool/vms/web-copy --dry-run"
    })
public final class KcloneCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "Dataset or mountpoint.")
  String source;

  @Parameters(index = "1", paramLabel = "DEST", description = "Dataset name or absolute path.")
  String destination;

  KcloneCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    KsnapCommand.validateTarget(source);
    KsnapCommand.validateTarget(destination);
    CloneService service = new CloneService(cli.engines().zfs(false), cli.clock());
    CloneRequest request = service.resolve(source, destination);
    return Mutation.of(cli, "zfs", "kclone " + destination)
        .options(mutation)
        .output(output)
        .run(() -> service.plan(request, "kclone"));
  }
}
