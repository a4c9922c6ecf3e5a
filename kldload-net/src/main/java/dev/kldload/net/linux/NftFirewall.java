package dev.kldload.net.linux;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.net.Firewall;
import dev.kldload.net.NftRuleset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Our table through the {@code nft} program; rulesets go in on stdin, one transaction each. */
public final class NftFirewall implements Firewall {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final ProcessRunner runner;

  public NftFirewall(ProcessRunner runner) {
    this.runner = runner;
  }

  @Override
  public Optional<String> tableComment() {
    ProcessResult result =
        runner.run(
            ProcessSpec.of("nft", "-j", "list", "table", NftRuleset.FAMILY, NftRuleset.TABLE)
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
    for (JsonNode item : IpJson.tree(result.stdout(), "nft").path("nftables")) {
      JsonNode table = item.get("table");
      if (table != null && NftRuleset.TABLE.equals(table.path("name").asText())) {
        return Optional.of(table.path("comment").asText(""));
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
