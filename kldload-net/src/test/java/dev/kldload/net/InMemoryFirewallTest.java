package dev.kldload.net;

class InMemoryFirewallTest extends FirewallContract {
  private final InMemoryFirewall fw = new InMemoryFirewall();

  @Override
  protected Firewall subject() {
    return fw;
  }
}
