package dev.kldload.cli.kube;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.plan.Plan;
import dev.kldload.kube.bundle.BundleBuilder;
import dev.kldload.kube.bundle.BundleServer;
import dev.kldload.kube.bundle.BundleSources;
import dev.kldload.kube.bundle.BundleVerifier;
import dev.kldload.kube.bundle.HttpFetcher;
import dev.kldload.kube.bundle.StackDefinition;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kube-bundle}: make, check and serve the offline bundle the node tools install from. */
@Command(
    name = "kube-bundle",
    header = "Make, verify and serve the offline bundle (darksite) Kubernetes installs from.",
    description = {
      "The bundle holds the Kubernetes packages (debs/), CLI tools (bin/), charts (helm-charts/),",
      "manifests (k8s-manifests/) and image archives (k8s-images/), each pinned by SHA-256 in",
      "k8s-stack.lock.yaml. Upstream locations come from the sources file (config",
      "kube.bundle-sources), so a site mirror can stand in for any of them."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      KubeBundleCommand.Build.class,
      KubeBundleCommand.Verify.class,
      KubeBundleCommand.Serve.class
    },
    footer = {
      "",
      "Example:",
      "  kube-bundle build --kubernetes v1.37.1",
      "  kube-bundle verify /root/darksite",
      "  kube-bundle serve --listen 127.0.0.1:18080"
    })
public final class KubeBundleCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing verb");
  }

  static Path bundleDir(Cli cli, Path given) {
    return given != null ? given : Path.of(cli.config().require(ConfigKey.KUBE_BUNDLE));
  }

  /** The bundle directory operand of verify and serve. */
  static final class BundleDir {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "DIR",
        description = "Bundle directory (default: config kube.bundle).")
    Path dir;

    Path resolve(Cli cli) {
      return bundleDir(cli, dir);
    }
  }

  /** {@code kube-bundle build}. */
  @Command(
      name = "build",
      header = "Download and verify every artefact of the stack into the bundle, and lock it.",
      description = {
        "Packages come from the apt repository, trusted through its Release signed by a key in",
        "the configured keyring (gpgv), then Packages' SHA-256, then each .deb's. Tools are checked",
        "against their published checksum lists, charts against their repository's index digest;",
        "the Gateway API manifest has no published checksum and is pinned on first fetch. Images",
        "(kubeadm's own list, from the bundle's kubeadm, and the charts') are pulled by digest.",
        "Each file is downloaded once to NAME.partial and renamed after verification: a re-run",
        "keeps verified files and redoes partial ones. The lock is written last.",
        "--from LOCK fetches exactly the lock's sources and hashes again (same files, same bytes)."
      },
      mixinStandardHelpOptions = true,
      footer = {
        "",
        "Exit status: 0 built; 1 an artefact did not verify (named); 6 a source is not configured.",
        "",
        "Example:",
        "  kube-bundle build",
        "  kube-bundle build --kubernetes v1.37.1 --dir /srv/darksite",
        "  kube-bundle build --from /root/darksite/k8s-stack.lock.yaml --dir /srv/copy"
      })
  public static final class Build implements Callable<Integer> {
    private final Cli cli;

    @Mixin MutationOptions mutation;
    @Mixin OutputOption output;

    @Option(
        names = "--kubernetes",
        paramLabel = "VERSION",
        description = "Kubernetes version (default: the version kldload pins).")
    String kubernetes;

    @Option(
        names = "--from",
        paramLabel = "LOCK",
        description = "Reproduce the bundle this stack lock describes, from its recorded sources.")
    Path from;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "Bundle directory (default: config kube.bundle).")
    Path dir;

    @Option(
        names = "--arch",
        paramLabel = "ARCH",
        description = "Architecture of packages, tools and images (default amd64).")
    String arch = "amd64";

    @Option(
        names = "--sources",
        paramLabel = "FILE",
        description = "Sources file (default: config kube.bundle-sources).")
    Path sources;

    Build(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      if (from != null && kubernetes != null) {
        throw KldloadException.invalid(
            "--from and --kubernetes both choose the versions", "give one of them");
      }
      Path target = bundleDir(cli, dir);
      StackDefinition stack =
          kubernetes == null
              ? StackDefinition.standard()
              : StackDefinition.standard().withKubernetes(kubernetes);
      Optional<BundleSources> loaded =
          from != null
              ? Optional.empty()
              : Optional.of(
                  BundleSources.load(
                      sources != null
                          ? sources
                          : Path.of(cli.config().require(ConfigKey.KUBE_BUNDLE_SOURCES))));
      BundleBuilder builder =
          new BundleBuilder(
              new HttpFetcher(Duration.ofSeconds(30), Duration.ofMinutes(30)),
              cli.processRunner(mutation.dryRun()),
              cli.engines()::imageRegistry,
              line -> {
                cli.err().println("kube-bundle: " + line);
                cli.err().flush();
              });
      BundleBuilder.Request request =
          new BundleBuilder.Request(target, arch, stack, loaded, Optional.ofNullable(from));
      return Mutation.of(cli, "kube-bundle", "kube-bundle build " + target)
          .options(mutation)
          .output(output)
          .run(() -> plan(builder, request));
    }

    private Plan plan(BundleBuilder builder, BundleBuilder.Request request) {
      return cli.cancellable(
          () -> {
            try {
              return builder.plan(request);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new KldloadException(
                  ErrorKind.INTERRUPTED,
                  "kube-bundle build: interrupted while resolving the stack",
                  "re-run the same command; nothing was downloaded yet");
            }
          });
    }
  }

  /** {@code kube-bundle verify}. */
  @Command(
      name = "verify",
      header = "Check every bundle file against the stack lock: nothing extra, nothing missing.",
      description = {
        "Prints one line per artefact that is missing, has another SHA-256 than the lock pins,",
        "or is not in the lock at all (a .partial file of an interrupted build included).",
        "Changes nothing."
      },
      mixinStandardHelpOptions = true,
      footer = {
        "",
        "Exit status: 0 the bundle is exactly its lock; 1 a file does not match (each named);",
        "6 no stack lock in DIR.",
        "",
        "Example:",
        "  kube-bundle verify",
        "  kube-bundle verify /srv/darksite"
      })
  public static final class Verify implements Callable<Integer> {
    private final Cli cli;

    @Mixin BundleDir bundle;

    Verify(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      Path target = bundle.resolve(cli);
      List<String> problems = BundleVerifier.problems(target);
      if (problems.isEmpty()) {
        cli.out().println(target + ": every file matches the stack lock");
        cli.out().flush();
        return ExitCode.OK.code();
      }
      problems.forEach(p -> cli.out().println(p));
      cli.out().flush();
      cli.warn(
          "kube-bundle verify: "
              + problems.size()
              + " file(s) do not match the stack lock; 'kube-bundle build --dir "
              + target
              + "' repairs them");
      return ExitCode.FAILED.code();
    }
  }

  /** {@code kube-bundle serve}. */
  @Command(
      name = "serve",
      header = "Serve the bundle over read-only HTTP until Ctrl-C or SIGTERM.",
      description = {
        "Only the stack lock and the files it pins are served, by their path in the bundle; any",
        "other path answers 404. Each request is logged on stderr. The default address is",
        "127.0.0.1:" + BundleServer.DEFAULT_PORT + "; goldens and nodes reach it through the",
        "orchestrator's SSH port forward."
      },
      mixinStandardHelpOptions = true,
      footer = {
        "",
        "Exit status: 0 stopped by Ctrl-C or SIGTERM; 5 the address is in use; 6 no stack lock.",
        "",
        "Example:",
        "  kube-bundle serve",
        "  kube-bundle serve /srv/darksite --listen 10.250.0.100:18080"
      })
  public static final class Serve implements Callable<Integer> {
    private final Cli cli;

    @Mixin BundleDir bundle;

    @Option(
        names = "--listen",
        paramLabel = "ADDR:PORT",
        description = "Address and port to listen on (default 127.0.0.1:18080).")
    String listen = "127.0.0.1:" + BundleServer.DEFAULT_PORT;

    Serve(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      InetSocketAddress address = address(listen);
      Path target = bundle.resolve(cli);
      return cli.cancellable(
          () -> {
            CountDownLatch stopped = new CountDownLatch(1);
            try (BundleServer server =
                BundleServer.start(
                    target,
                    address,
                    line -> {
                      cli.err().println("kube-bundle serve: " + line);
                      cli.err().flush();
                    })) {
              cli.err()
                  .println(
                      "kube-bundle serve: serving "
                          + target
                          + " on http://"
                          + server.address().getHostString()
                          + ":"
                          + server.port()
                          + "/");
              cli.err().flush();
              cli.cancellation().onCancel(stopped::countDown);
              stopped.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return ExitCode.OK.code();
          });
    }

    static InetSocketAddress address(String value) {
      int colon = value.lastIndexOf(':');
      if (colon < 1) {
        throw KldloadException.invalid(
            "--listen " + value + " is not ADDR:PORT", "e.g. 127.0.0.1:18080");
      }
      String host = value.substring(0, colon).replaceAll("^\\[|\\]$", "");
      int port;
      try {
        port = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65535) {
        throw KldloadException.invalid(
            "--listen " + value + ": the port is not a number 0-65535", "e.g. 127.0.0.1:18080");
      }
      return new InetSocketAddress(host, port);
    }
  }
}
