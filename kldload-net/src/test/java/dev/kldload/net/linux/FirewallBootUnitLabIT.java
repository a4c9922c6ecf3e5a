package dev.kldload.net.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.testing.Requirements;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.NftRuleset;
import dev.kldload.net.node.FirewallService;
import dev.kldload.net.node.NodeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In the lab VM, whose PID 1 is systemd: {@code kube-network nft} enables the boot unit, and the
 * unit puts our table back after it is gone, as at boot. Runs in the guest's own namespace in host
 * mode (accept rules only; the guest has no network device), and removes what it made.
 */
@Tag("lab")
class FirewallBootUnitLabIT {
  private static final Path UNIT = Path.of("/etc/systemd/system", FirewallService.FIREWALL_UNIT);

  @TempDir Path dir;

  @AfterEach
  void removeUnit() throws Exception {
    Netns.HOST.run(ProcessSpec.of("systemctl", "disable", FirewallService.FIREWALL_UNIT).build());
    Files.deleteIfExists(UNIT);
    Netns.HOST.run(ProcessSpec.of("systemctl", "daemon-reload").build());
    Netns.HOST.run(ProcessSpec.of("nft", "delete", "table", "inet", "kldload").build());
  }

  @Test
  @DisplayName("kube-network nft enables kldload-nftables.service, which loads the table again")
  void unitRestoresTable() {
    Requirements.require(Requirements.isRoot(), "the lab VM runs tests as root");
    Requirements.require(
        Files.isDirectory(Path.of("/run/systemd/system")), "systemd is this machine's init");
    Path ruleset = dir.resolve("nftables.nft");
    FirewallService service =
        new FirewallService(
            NetworkPlan.defaults(),
            new IpHostNetwork(Netns.HOST),
            new NftFirewall(Netns.HOST),
            Netns.HOST,
            new NodeSettings(
                dir.resolve("wireguard"), true, dir.resolve("kubelet"), ruleset, UNIT.getParent()));
    FirewallService.FirewallPlan plan = service.firewall(NftRuleset.Mode.HOST, Optional.of("lo"));
    PlanEngine.quiet(1).run(plan.plan(), false).throwIfFailed();
    assertThat(ruleset).hasContent(plan.ruleset());
    assertThat(systemctl("is-enabled", FirewallService.FIREWALL_UNIT)).isEqualTo("enabled");

    Netns.HOST.check(ProcessSpec.of("nft", "delete", "table", "inet", "kldload").build());
    systemctl("restart", FirewallService.FIREWALL_UNIT);
    assertThat(systemctl("is-active", FirewallService.FIREWALL_UNIT)).isEqualTo("active");
    assertThat(new NftFirewall(Netns.HOST).tableComment())
        .as("the unit loaded the kept ruleset")
        .contains(NftRuleset.comment(plan.ruleset()));
  }

  private static String systemctl(String... args) {
    String[] argv = new String[args.length + 1];
    argv[0] = "systemctl";
    System.arraycopy(args, 0, argv, 1, args.length);
    return Netns.HOST.run(ProcessSpec.of(argv).build()).stdout().strip();
  }
}
