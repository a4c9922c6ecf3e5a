package dev.kldload.net;

class InMemoryWireGuardTest extends WireGuardContract {
  private final InMemoryWireGuard wg = new InMemoryWireGuard();

  @Override
  protected WireGuard subject() {
    return wg;
  }

  @Override
  protected String interfaceName() {
    return "wg-test";
  }
}
