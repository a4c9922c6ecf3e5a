package dev.kldload.net.linux;

import dev.kldload.net.HostNetwork;
import dev.kldload.net.HostNetworkContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The ip adapter passes the HostNetwork contract in a namespace with one LAN device. */
class IpHostNetworkIT extends HostNetworkContract {
  private static Netns netns;
  private static String ns;

  @BeforeAll
  static void setUp() {
    Netns.requireEngines();
    netns = new Netns();
    ns = netns.create("rt");
    netns.join(ns, "lan0", "10.77.0.5/24");
    netns.in(ns, "ip", "route", "add", "default", "via", "10.77.0.1", "dev", "lan0");
  }

  @AfterAll
  static void tearDown() {
    if (netns != null) {
      netns.close();
    }
  }

  @Override
  protected HostNetwork subject() {
    return new IpHostNetwork(netns.runner(ns));
  }

  @Override
  protected String device() {
    return "lan0";
  }
}
