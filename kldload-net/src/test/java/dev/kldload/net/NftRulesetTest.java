package dev.kldload.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.KldloadException;
import dev.kldload.core.testing.GoldenFiles;
import dev.kldload.core.value.Cidr;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NftRulesetTest {
  private final NetworkPlan plan = NetworkPlan.defaults();

  static String node(NetworkPlan plan) {
    return NftRuleset.render(
        plan, NftRuleset.Mode.NODE, "enp1s0", Optional.of(Cidr.parse("192.168.122.0/24")));
  }

  static String host(NetworkPlan plan) {
    return NftRuleset.render(plan, NftRuleset.Mode.HOST, "eno1", Optional.empty());
  }

  @Test
  @DisplayName("node and host rulesets match their golden files")
  void golden() {
    GoldenFiles.assertMatches("nft-node.nft", node(plan));
    GoldenFiles.assertMatches("nft-host.nft", host(plan));
  }

  @Test
  @DisplayName("the ruleset names only table inet kldload and never flushes the ruleset")
  void ownTableOnly() {
    for (String ruleset : new String[] {node(plan), host(plan)}) {
      assertThat(ruleset).doesNotContain("flush ruleset").doesNotContain("table ip ");
      assertThatCode(() -> NftRuleset.requireOwnTableOnly(ruleset)).doesNotThrowAnyException();
    }
    assertThatThrownBy(() -> NftRuleset.requireOwnTableOnly("flush ruleset\n"))
        .isInstanceOf(KldloadException.class);
    assertThatThrownBy(
            () -> NftRuleset.requireOwnTableOnly("table inet kldload {\n}\ntable ip nat {\n}\n"))
        .isInstanceOf(KldloadException.class);
    assertThatThrownBy(() -> NftRuleset.requireOwnTableOnly("delete table inet libvirt\n"))
        .isInstanceOf(KldloadException.class);
  }

  @Test
  @DisplayName("the table comment changes with the content, so a re-run can tell nothing changed")
  void digest() {
    String a = node(plan);
    String b =
        NftRuleset.render(
            plan, NftRuleset.Mode.NODE, "enp2s0", Optional.of(Cidr.parse("192.168.122.0/24")));
    assertThat(NftRuleset.comment(a)).startsWith("kldload node sha256:");
    assertThat(NftRuleset.comment(a)).isEqualTo(NftRuleset.comment(node(plan)));
    assertThat(NftRuleset.comment(a)).isNotEqualTo(NftRuleset.comment(b));
  }

  @Test
  @DisplayName("a LAN interface name that could inject nft syntax is invalid")
  void lanName() {
    assertThatThrownBy(
            () -> NftRuleset.render(plan, NftRuleset.Mode.NODE, "eth0\" accept", Optional.empty()))
        .isInstanceOf(KldloadException.class);
  }
}
