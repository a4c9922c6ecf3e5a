package dev.kldload.kvm;

/** Where a guest's addresses come from (libvirt's {@code VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_*}). */
public enum AddressSource {
  LEASE(0),
  AGENT(1);

  private final int code;

  AddressSource(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
