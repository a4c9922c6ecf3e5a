package dev.kldload.net.node;

import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.value.Cidr;
import dev.kldload.net.Firewall;
import dev.kldload.net.HostNetwork;
import dev.kldload.net.IfAddress;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.NftRuleset;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;

/**
 * This machine's firewall ({@code kube-network nft}): our own table, replaced in one transaction,
 * kept in a file and loaded at boot by our unit.
 */
public final class FirewallService {
  private final NetworkPlan plan;
  private final HostNetwork host;
  private final Firewall firewall;
  private final Systemd systemd;
  private final NodeSettings settings;

  public FirewallService(
      NetworkPlan plan,
      HostNetwork host,
      Firewall firewall,
      ProcessRunner runner,
      NodeSettings settings) {
    this.plan = plan;
    this.host = host;
    this.firewall = firewall;
    this.systemd = new Systemd(runner);
    this.settings = settings;
  }

  /** The ruleset for this machine and the plan that applies it. */
  public record FirewallPlan(String ruleset, Plan plan) {}

  /**
   * Our table for a node (default drop, spec §7.1) or for the hypervisor ({@code host}: accepts
   * only). The LAN interface is the default route's unless given.
   */
  public FirewallPlan firewall(NftRuleset.Mode mode, Optional<String> lanInterface) {
    String lan =
        lanInterface
            .or(host::defaultInterface)
            .orElseThrow(
                () ->
                    KldloadException.precondition(
                        "this machine has no IPv4 default route to take the LAN interface from",
                        "give it with --lan-interface IF"));
    Optional<Cidr> nodeCidr =
        host.addresses(lan).stream()
            .filter(a -> a.address() instanceof Inet4Address)
            .findFirst()
            .map(IfAddress::network);
    String ruleset = NftRuleset.render(plan, mode, lan, nodeCidr);
    String comment = NftRuleset.comment(ruleset);
    Path file = settings.nftFile();
    Plan.Builder steps =
        Plan.builder("kube-network-nft")
            .add(
                Step.named("check-ruleset")
                    .description("check the ruleset with nft -c")
                    .doneWhen(c -> firewall.tableComment().equals(Optional.of(comment)))
                    .apply(c -> firewall.validate(ruleset)))
            .add(
                Step.named("replace-table")
                    .description(
                        "replace table inet kldload ("
                            + mode.name().toLowerCase(Locale.ROOT)
                            + " mode, LAN "
                            + lan
                            + ") in one transaction")
                    .after("check-ruleset")
                    .creates("nft table inet kldload")
                    .doneWhen(c -> firewall.tableComment().equals(Optional.of(comment)))
                    .apply(c -> firewall.replace(ruleset)))
            .add(
                Step.named("persist-ruleset")
                    .description("write " + file + " (0600), the ruleset loaded at boot")
                    .after("replace-table")
                    .creates(file.toString())
                    .doneWhen(c -> PrivateFiles.read(file).equals(Optional.of(ruleset)))
                    .apply(c -> PrivateFiles.write(file, ruleset)));
    if (Systemd.bootUnits(settings)) {
      Path unitFile = settings.unitDir().resolve(FIREWALL_UNIT);
      String unit = firewallUnit(file);
      steps.add(
          Step.named("boot-firewall")
              .description("enable " + FIREWALL_UNIT + " (" + unitFile + ") for boot")
              .after("persist-ruleset")
              .creates(unitFile.toString())
              .nonCritical()
              .doneWhen(
                  c ->
                      PrivateFiles.read(unitFile).equals(Optional.of(unit))
                          && systemd.enabled(FIREWALL_UNIT))
              .apply(
                  c -> {
                    PrivateFiles.write(unitFile, unit);
                    Files.setPosixFilePermissions(
                        unitFile, PosixFilePermissions.fromString("rw-r--r--"));
                    systemd.run("daemon-reload");
                    systemd.run("enable", FIREWALL_UNIT);
                  }));
    }
    return new FirewallPlan(ruleset, steps.build());
  }

  /** The boot unit that loads our table from {@link NodeSettings#nftFile()}. */
  public static final String FIREWALL_UNIT = "kldload-nftables.service";

  /**
   * Loads the table before any network is up, and after Debian's nftables.service, whose {@code
   * flush ruleset} would drop it. No ExecStop: stopping the unit must not open the firewall.
   * Without the ruleset file (kube-reset removes it) the unit does nothing.
   */
  public static String firewallUnit(Path nftFile) {
    return """
        # written by kube-network nft
        [Unit]
        Description=kldload firewall (nftables table inet kldload)
        Documentation=man:nft(8)
        DefaultDependencies=no
        Wants=network-pre.target
        Before=network-pre.target shutdown.target
        After=nftables.service
        Conflicts=shutdown.target
        RequiresMountsFor=%1$s
        ConditionPathExists=%1$s

        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=nft -f %1$s
        ExecReload=nft -f %1$s

        [Install]
        WantedBy=sysinit.target
        """
        .formatted(nftFile);
  }
}
