package dev.kldload.net;

class InMemoryHostNetworkTest extends HostNetworkContract {
  @Override
  protected HostNetwork subject() {
    return new InMemoryHostNetwork()
        .address("lan0", "10.77.0.5/24")
        .route("0.0.0.0/0", "lan0", "10.77.0.1");
  }

  @Override
  protected String device() {
    return "lan0";
  }
}
