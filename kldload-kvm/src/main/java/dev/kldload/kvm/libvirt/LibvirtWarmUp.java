package dev.kldload.kvm.libvirt;

import dev.kldload.kvm.libvirt.jna.Libvirt;
import dev.kldload.kvm.xml.DomainDefinition;

/**
 * What every libvirt command does first, for a thread to do while the command line is parsed: load
 * libvirt.so with JNA (~14 ms: JNA's set-up and the loader's for libvirt's ~50 libraries) and
 * initialise the XML reader that domain definitions are read with (~7 ms). It changes nothing and
 * connects to nothing.
 */
public final class LibvirtWarmUp {
  private LibvirtWarmUp() {}

  /**
   * Throws what loading libvirt throws; the command's own first call then fails as it would have
   * (see {@link LibvirtHypervisor}).
   */
  public static void run() {
    Libvirt.load();
    DomainDefinition.prepareReader();
  }
}
