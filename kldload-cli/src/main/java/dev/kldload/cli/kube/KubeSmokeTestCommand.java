package dev.kldload.cli.kube;

import dev.kldload.cli.kube.cluster.ClusterSmokeRun;
import dev.kldload.cli.support.Cli;
import dev.kldload.core.KldloadException;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.output.Renderer;
import dev.kldload.core.output.Table;
import dev.kldload.core.value.ClusterName;
import dev.kldload.kube.smoke.Check;
import dev.kldload.kube.smoke.CheckResult;
import dev.kldload.kube.smoke.ReportFormat;
import dev.kldload.kube.smoke.ReportWriter;
import dev.kldload.kube.smoke.SmokeCatalogue;
import dev.kldload.kube.smoke.SmokeContext;
import dev.kldload.kube.smoke.SmokeLog;
import dev.kldload.kube.smoke.SmokeReport;
import dev.kldload.kube.smoke.SmokeRunner;
import dev.kldload.net.NetworkPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code kube-smoke-test}: the layered node and cluster audit (spec §8), read-only by default. */
@Command(
    name = "kube-smoke-test",
    header = "Audit this node and its cluster with named, time-boxed checks.",
    description = {
      "Node checks (kernel, swap, containerd, binaries, CNI, ZFS, WireGuard planes, kubelet"
          + " node-ip, firewall, offline images) read /proc, /sys, files and read-only commands;"
          + " cluster checks use /etc/kubernetes/admin.conf, ~/.kube/config or --kubeconfig."
          + " Nothing is changed unless --fix is given.",
      "Each check has a stable id and a section; --only and --skip take either, or the start"
          + " of ids such as kernel.module. A check that does not answer within --timeout fails.",
      "With --cluster NAME, from the hypervisor: the node checks run on every node of the"
          + " cluster over SSH (as root, the admin key, the cluster's pinned host keys), the nodes"
          + " in parallel, and the cluster checks once through the cluster's kubeconfig (beside"
          + " its manifest; they SKIP without one). Each node check names its node; a node that"
          + " does not answer fails its node checks. The result is kept for 'kube-cluster status'.",
      "Each run appends 'time pass fail warn skip' to the log (config kube.smoke-test-log).",
      "Exit 0 when no critical check failed; 1 when one did; 3 with warnings under --strict;"
          + " 7 when the only failures are things that did not answer (with --cluster: when"
          + " nothing answered at all); 8 when one of those hung past --timeout."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Example:",
      "  kube-smoke-test",
      "  kube-smoke-test --only kernel --only swap --fix",
      "  kube-smoke-test --skip cluster.dns -o tap | prove -e cat /dev/stdin",
      "  kube-smoke-test --strict --report /var/tmp/smoke.xml",
      "  kube-smoke-test --cluster lab -o junit > smoke.xml"
    })
public final class KubeSmokeTestCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(
      names = "--only",
      paramLabel = "ID|SECTION",
      description = "Run only these checks or sections (repeatable).")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--skip",
      paramLabel = "ID|SECTION",
      description = "Leave out these checks or sections (repeatable).")
  List<String> skip = new ArrayList<>();

  @Option(names = "--list", description = "List the selected checks and run nothing.")
  Boolean list = false;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Deadline of each check: 500ms, 30s, 2m (default: 30s).")
  Duration timeout = Duration.ofSeconds(30);

  @Option(names = "--strict", description = "Exit 3 when any check warns.")
  Boolean strict = false;

  @Option(
      names = "--fix",
      description =
          "Load missing kernel modules (modprobe) and set wrong sysctls (sysctl -w, not"
              + " persistent), saying so on stderr. Needs root.")
  Boolean fix = false;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      converter = FormatConverter.class,
      description = "table, json, junit or tap (default: table).")
  ReportFormat format = ReportFormat.TABLE;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description =
          "Also write the results to FILE: JUnit XML for .xml, TAP for .tap, JSON for .json.")
  Path report;

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig to use.")
  Path kubeconfig;

  @Option(
      names = "--cluster",
      paramLabel = "NAME",
      description = "From the hypervisor: check every node of this kube-cluster over SSH.")
  String cluster;

  KubeSmokeTestCommand(Cli cli) {
    this.cli = cli;
  }

  /** One catalogue entry, for {@code --list}. */
  public record CheckView(String id, String section, String severity, String title) {}

  @Override
  public Integer call() {
    NetworkPlan plan = NetworkPlan.fromConfig(cli.config());
    List<Check> selected = SmokeCatalogue.select(SmokeCatalogue.all(plan), only, skip);
    Optional<ReportFormat> reportFormat =
        Optional.ofNullable(report).map(ReportFormat::byExtension);
    if (list) {
      return list(selected);
    }
    if (fix) {
      NodeTools.requireRoot(cli, "kube-smoke-test --fix", false);
    }
    boolean progress = cli.terminal().stderrTty();
    AtomicInteger done = new AtomicInteger();
    // a cluster's count depends on its nodes: progress there counts without a total
    String total = cluster == null ? "/" + selected.size() : "";
    Consumer<CheckResult> said =
        r -> {
          if (progress) {
            cli.err()
                .printf("[%d%s] %s %s%n", done.incrementAndGet(), total, r.outcome(), r.label());
            cli.err().flush();
          }
        };
    SmokeReport result = cluster == null ? onThisNode(plan, selected, said) : onCluster(said);
    cli.out().print(ReportWriter.render(result, format, strict, cli.terminal().colorOnStdout()));
    cli.out().flush();
    if (reportFormat.isPresent()) {
      writeReport(result, reportFormat.get());
    }
    appendLog(result);
    return result.exitCode(strict).code();
  }

  private SmokeReport onThisNode(
      NetworkPlan plan, List<Check> selected, Consumer<CheckResult> progress) {
    try (SmokeContext context =
        new SmokeContext(
            cli.engines().smokeNode(NodeTools.root(cli)),
            plan,
            SmokeContext.Paths.fromConfig(cli.config()),
            timeout,
            fix,
            line -> {
              cli.err().println(line);
              cli.err().flush();
            },
            cli.clock(),
            kubeconfig(),
            file -> cli.engines().cluster(file, cli.cancellation()))) {
      return cli.cancellable(
          () -> new SmokeRunner(cli.cancellation(), cli.clock()).run(selected, context, progress));
    }
  }

  /** Every node of the cluster over SSH, the cluster once. */
  private SmokeReport onCluster(Consumer<CheckResult> progress) {
    ClusterSmokeRun.Request request =
        new ClusterSmokeRun.Request(
            ClusterName.of(cluster), only, skip, timeout, fix, strict, givenKubeconfig());
    return cli.cancellable(() -> ClusterSmokeRun.run(cli, request, progress));
  }

  private int list(List<Check> selected) {
    List<CheckView> rows =
        selected.stream()
            .map(c -> new CheckView(c.id(), c.section().id(), c.severity().label(), c.title()))
            .toList();
    OutputFormat out = format == ReportFormat.JSON ? OutputFormat.JSON : OutputFormat.TABLE;
    new Renderer(out)
        .list(
            cli.out(),
            rows,
            Table.of(CheckView.class)
                .column("ID", CheckView::id)
                .column("SECTION", CheckView::section)
                .column("SEVERITY", CheckView::severity)
                .column("CHECK", CheckView::title));
    cli.out().flush();
    return 0;
  }

  /** The first kubeconfig that exists: --kubeconfig (which must), admin.conf, root's, $HOME's. */
  private Optional<Path> kubeconfig() {
    if (kubeconfig != null) {
      return givenKubeconfig();
    }
    Path root = NodeTools.root(cli);
    List<Path> candidates =
        List.of(
            root.resolve("etc/kubernetes/admin.conf"),
            root.resolve("root/.kube/config"),
            Path.of(
                cli.env().getOrDefault("HOME", System.getProperty("user.home")),
                ".kube",
                "config"));
    return candidates.stream().filter(Files::isReadable).findFirst();
  }

  /** --kubeconfig, which must be readable; empty when not given. */
  private Optional<Path> givenKubeconfig() {
    if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
      throw KldloadException.invalid(
          "kubeconfig " + kubeconfig + " cannot be read", "give an existing kubeconfig file");
    }
    return Optional.ofNullable(kubeconfig);
  }

  private void writeReport(SmokeReport result, ReportFormat reportFormat) {
    try {
      Files.writeString(
          report, ReportWriter.render(result, reportFormat, strict, false), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw KldloadException.precondition(
          "cannot write the report " + report + ": " + e.getMessage(),
          "give --report a writable path");
    }
  }

  /** The run log is a record, not the result: failing to write it warns and changes no exit. */
  private void appendLog(SmokeReport result) {
    Path log = Path.of(cli.config().require(ConfigKey.KUBE_SMOKE_TEST_LOG));
    try {
      SmokeLog.append(log, result.started(), result.counts());
    } catch (IOException e) {
      cli.err()
          .println(
              "warning: run log "
                  + log
                  + " not written: "
                  + e.getMessage()
                  + " (set kube.smoke-test-log)");
      cli.err().flush();
    }
  }

  /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT30S}); above zero. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
      Duration d;
      Matcher m = SIMPLE.matcher(value.strip());
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        d =
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              default -> Duration.ofHours(n);
            };
      } else {
        try {
          d = Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
          throw new TypeConversionException(
              "'" + value + "' is not a duration: use 500ms, 30s, 2m or 1h");
        }
      }
      if (d.isZero() || d.isNegative()) {
        throw new TypeConversionException("'" + value + "' must be longer than zero");
      }
      return d;
    }
  }

  /** Our formats, with a one-line message instead of picocli's enum listing. */
  static final class FormatConverter implements ITypeConverter<ReportFormat> {
    @Override
    public ReportFormat convert(String value) {
      try {
        return ReportFormat.parse(value);
      } catch (KldloadException e) {
        throw new TypeConversionException(e.getMessage() + ": use table, json, junit or tap");
      }
    }
  }
}
