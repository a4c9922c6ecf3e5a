package dev.kldload.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.KldloadException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every {@link Firewall} does; the fake and the nft adapter both pass it. */
public abstract class FirewallContract {
  protected abstract Firewall subject();

  @Test
  @DisplayName("our table is created, replaced in place, and removed; its comment is the digest")
  void replaceAndRemove() {
    Firewall fw = subject();
    NetworkPlan plan = NetworkPlan.defaults();
    String node = NftRulesetTest.node(plan);
    String host = NftRulesetTest.host(plan);
    try {
      assertThat(fw.tableComment()).isEmpty();
      fw.validate(node);
      fw.replace(node);
      assertThat(fw.tableComment()).contains(NftRuleset.comment(node));
      fw.replace(host);
      fw.replace(host);
      assertThat(fw.tableComment()).contains(NftRuleset.comment(host));
    } finally {
      fw.remove();
      fw.remove();
    }
    assertThat(fw.tableComment()).isEmpty();
  }

  @Test
  @DisplayName("a ruleset that touches another table or flushes everything is refused")
  void refusesForeignTables() {
    Firewall fw = subject();
    assertThatThrownBy(() -> fw.replace("flush ruleset\n")).isInstanceOf(KldloadException.class);
    assertThatThrownBy(() -> fw.validate("table inet other {\n}\n"))
        .isInstanceOf(KldloadException.class);
    assertThat(fw.tableComment()).isEmpty();
  }
}
