package dev.kldload.net.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.process.DryRunProcessRunner;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.net.InMemoryFirewall;
import dev.kldload.net.InMemoryHostNetwork;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.NftRuleset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirewallServiceTest {
  @TempDir Path dir;
  private final InMemoryFirewall fw = new InMemoryFirewall();
  private final InMemoryHostNetwork host =
      new InMemoryHostNetwork()
          .address("enp1s0", "192.168.122.11/24")
          .route("0.0.0.0/0", "enp1s0", "192.168.122.1");
  private FirewallService service;

  @BeforeEach
  void setUp() {
    service =
        new FirewallService(
            NetworkPlan.defaults(),
            host,
            fw,
            new DryRunProcessRunner(new SystemProcessRunner()),
            settings());
  }

  private NodeSettings settings() {
    return new NodeSettings(
        dir.resolve("wireguard"),
        false,
        dir.resolve("kubelet"),
        dir.resolve("nftables.nft"),
        dir.resolve("units"));
  }

  private static PlanResult run(Plan plan) {
    PlanResult result = PlanEngine.quiet(1).run(plan, false);
    result.throwIfFailed();
    return result;
  }

  private static void assertNothingChanged(PlanResult result) {
    assertThat(result.outcomes())
        .allSatisfy(o -> assertThat(o.status()).as(o.stepId()).isEqualTo(StepStatus.ALREADY_DONE));
  }

  @Test
  @DisplayName(
      "nft replaces our table once and keeps it for boot; the same input again changes nothing")
  void firewallIdempotent() throws Exception {
    FirewallService.FirewallPlan first = service.firewall(NftRuleset.Mode.NODE, Optional.empty());
    assertThat(first.ruleset()).contains("oifname \"enp1s0\" masquerade", "192.168.122.0/24");
    run(first.plan());
    Path kept = dir.resolve("nftables.nft");
    assertThat(kept).hasContent(first.ruleset());
    assertThat(Files.getPosixFilePermissions(kept))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertNothingChanged(run(service.firewall(NftRuleset.Mode.NODE, Optional.empty()).plan()));
    assertThat(fw.replacements()).isEqualTo(1);
  }

  @Test
  @DisplayName("the boot unit loads the kept ruleset, before the network and after nftables")
  void firewallUnit() {
    assertThat(FirewallService.firewallUnit(Path.of("/etc/kldload/nftables.nft")))
        .contains(
            "ExecStart=nft -f /etc/kldload/nftables.nft",
            "ConditionPathExists=/etc/kldload/nftables.nft",
            "Before=network-pre.target",
            "After=nftables.service",
            "WantedBy=sysinit.target")
        .doesNotContain("ExecStop");
  }

  @Test
  @DisplayName("net.nft-file must be an absolute path without characters systemd would expand")
  void nftFileValidated() {
    for (String bad : List.of("relative.nft", "/etc/kl load.nft", "/etc/%h.nft", "/etc/$X.nft")) {
      assertThatThrownBy(
              () ->
                  new NodeSettings(
                      dir, true, dir.resolve("kubelet"), Path.of(bad), dir.resolve("units")))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
    }
  }
}
