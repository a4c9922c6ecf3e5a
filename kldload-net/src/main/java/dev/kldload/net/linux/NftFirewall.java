package dev.kldload.net.linux;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.net.Firewall;
import dev.kldload.net.NftRuleset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Our table through the {@code nft} program; rulesets go in on stdin, one transaction each. */
public final class NftFirewall implements Firewall {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern COMMENT = Pattern.compile("comment \"([^\"]*)\"");
  private final ProcessRunner runner;

  public NftFirewall(ProcessRunner runner) {
    this.runner = runner;
  }

  /**
   * Read from the text listing: nft 1.0.6's JSON output leaves table comments out. The table's own
   * comment is the first line inside its block.
   */
  @Override
  public Optional<String> tableComment() {
    ProcessResult result =
        runner.run(
            ProcessSpec.of("nft", "-t", "list", "table", NftRuleset.FAMILY, NftRuleset.TABLE)
                .timeout(TIMEOUT)
                .readOnly()
                .build());
    if (!result.ok()) {
      if (result.stderr().contains("No such file or directory")) {
        return Optional.empty();
      }
      throw new KldloadException(
          ErrorKind.FAILED,
          "nft cannot list table inet kldload: " + result.errorTail(),
          "check that nftables is installed and that you are root");
    }
    List<String> lines = result.stdout().lines().map(String::strip).toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).equals("table inet kldload {")) {
        Matcher m = COMMENT.matcher(lines.get(i + 1));
        return Optional.of(m.matches() ? m.group(1) : "");
      }
    }
    return Optional.empty();
  }

  @Override
  public void replace(String ruleset) {
    NftRuleset.requireOwnTableOnly(ruleset);
    runner.check(
        ProcessSpec.of("nft", "-f", "-")
            .stdin(ruleset.getBytes(StandardCharsets.UTF_8))
            .timeout(TIMEOUT)
            .build());
  }

  @Override
  public void validate(String ruleset) {
    NftRuleset.requireOwnTableOnly(ruleset);
    ProcessResult result =
        runner.run(
            ProcessSpec.of("nft", "-c", "-f", "-")
                .stdin(ruleset.getBytes(StandardCharsets.UTF_8))
                .timeout(TIMEOUT)
                .readOnly()
                .build());
    if (!result.ok()) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "nft rejects the ruleset: " + result.errorTail(),
          "this is a bug in the rendered ruleset; run 'kube-network nft --dry-run' to see it");
    }
  }

  @Override
  public void remove() {
    if (tableComment().isPresent()) {
      runner.check(
          ProcessSpec.of("nft", "delete", "table", NftRuleset.FAMILY, NftRuleset.TABLE)
              .timeout(TIMEOUT)
              .build());
    }
  }
}
