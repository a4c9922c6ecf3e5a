package dev.kldload.net.linux;

import dev.kldload.net.Firewall;
import dev.kldload.net.FirewallContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The nft adapter passes the Firewall contract inside a network namespace. */
class NftFirewallIT extends FirewallContract {
  private static Netns netns;
  private static String ns;

  @BeforeAll
  static void setUp() {
    Netns.requireEngines();
    netns = new Netns();
    ns = netns.create("fw");
  }

  @AfterAll
  static void tearDown() {
    if (netns != null) {
      netns.close();
    }
  }

  @Override
  protected Firewall subject() {
    return new NftFirewall(netns.runner(ns));
  }
}
