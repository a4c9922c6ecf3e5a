package dev.kldload.kvm.libvirt;

import dev.kldload.kvm.libvirt.jna.Libvirt;

/**
 * What every libvirt command does first, for a thread to do while the command line is parsed: load
 * libvirt.so with JNA (~14 ms: JNA's set-up, java.util.logging's, and the loader's for libvirt's
 * ~50 libraries). It changes nothing and connects to nothing.
 */
public final class LibvirtWarmUp {
  private LibvirtWarmUp() {}

  /**
   * Throws what loading libvirt throws; the command's own first call then fails as it would have
   * (see {@link LibvirtHypervisor}).
   */
  public static void run() {
    Libvirt.load();
  }
}
