package dev.kldload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.value.ByteSize;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.zfs.InMemoryZfs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Whatever a user (or a script fed untrusted input) passes is echoed in error messages: a value
 * with ESC sequences, a bidi override or a newline must reach the terminal escaped, whichever of
 * the tree's options or parameters carried it.
 */
class HostileValuesTest {
  /** ESC colour sequence, right-to-left override, newline, BEL, a C1 CSI. */
  static final String HOSTILE = "\u001b[31mred\u202egnp.exe\nfake: line\u0007\u009b2J";

  @TempDir Path dir;

  /** Every command path with each option that takes a value, and one with a hostile parameter. */
  static Stream<List<String>> cases() {
    List<List<String>> out = new ArrayList<>();
    walk(Main.commandLine(CliHarness.harness().cli()), new ArrayList<>(), out);
    return out.stream();
  }

  private static void walk(CommandLine cmd, List<String> path, List<List<String>> out) {
    CommandSpec spec = cmd.getCommandSpec();
    if (!path.isEmpty()) {
      for (OptionSpec option : spec.options()) {
        if (option.arity().max() > 0 && !option.usageHelp() && !option.versionHelp()) {
          List<String> args = new ArrayList<>(path);
          args.add(option.longestName());
          args.add("VALUE");
          out.add(args);
        }
      }
      if (!spec.positionalParameters().isEmpty()) {
        List<String> args = new ArrayList<>(path);
        args.add("VALUE");
        out.add(args);
      }
    }
    cmd.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandName().equals(name)) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                walk(sub, next, out);
              }
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @DisplayName("a hostile value is escaped on stderr: no raw control or bidi characters")
  void escaped(List<String> template) {
    // under the temp dir, so a value taken as a path can only land there
    String value = dir.resolve(HOSTILE).toString();
    List<String> args = new ArrayList<>();
    template.forEach(a -> args.add(a.equals("VALUE") ? value : a));
    if (hasDryRun(template)) {
      args.add("--dry-run");
    }
    CliHarness.Result r =
        CliHarness.harness()
            .zfs(InMemoryZfs.withPool(Clock.systemUTC(), "tank", ByteSize.parse("1G")))
            .hypervisor(uri -> new InMemoryHypervisor())
            .runner(spec -> new ProcessResult(spec, 0, "", "", Duration.ZERO))
            .env("HOME", dir.toString())
            .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
            .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString())
            .env("KLDLOAD_NODE_ROOT", dir.resolve("node").toString())
            .env("KLDLOAD_KVM_IMAGES_DIR", dir.resolve("images").toString())
            .env("KLDLOAD_NET_WIREGUARD_DIR", dir.resolve("wireguard").toString())
            .env("KLDLOAD_NET_KUBELET_DEFAULTS", dir.resolve("kubelet").toString())
            .env("KLDLOAD_NET_BOOT_UNITS", "false")
            .env("KLDLOAD_NET_NFT_FILE", dir.resolve("nftables.nft").toString())
            .exec(args.toArray(String[]::new));
    assertThat(r.err().chars().filter(HostileValuesTest::raw).boxed().toList())
        .as("raw control characters in stderr of %s", r)
        .isEmpty();
  }

  private static boolean hasDryRun(List<String> path) {
    CommandLine cmd = Main.commandLine(CliHarness.harness().cli());
    for (String name : path) {
      CommandLine sub = cmd.getSubcommands().get(name);
      if (sub == null) {
        break;
      }
      cmd = sub;
    }
    return cmd.getCommandSpec().findOption("--dry-run") != null;
  }

  /** What a terminal obeys rather than shows; the line ends of our own output aside. */
  private static boolean raw(int c) {
    return (c < 0x20 && c != '\n')
        || (c >= 0x7f && c <= 0x9f)
        || c == 0x061c
        || c == 0x200e
        || c == 0x200f
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }
}
