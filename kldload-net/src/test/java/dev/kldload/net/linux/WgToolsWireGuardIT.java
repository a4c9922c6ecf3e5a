package dev.kldload.net.linux;

import dev.kldload.net.WireGuard;
import dev.kldload.net.WireGuardContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The wg/ip adapter passes the WireGuard contract inside a network namespace (wireguard-go). */
class WgToolsWireGuardIT extends WireGuardContract {
  private static Netns netns;
  private static String ns;
  private static int count;

  @BeforeAll
  static void setUp() {
    Netns.requireEngines();
    netns = new Netns();
    ns = netns.create("wg");
  }

  @AfterAll
  static void tearDown() {
    if (netns != null) {
      netns.close();
    }
  }

  @Override
  protected WireGuard subject() {
    return new WgToolsWireGuard(netns.runner(ns));
  }

  @Override
  protected String interfaceName() {
    return netns.wgName(ns, "c" + count++);
  }
}
