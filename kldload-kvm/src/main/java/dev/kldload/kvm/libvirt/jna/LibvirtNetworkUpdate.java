package dev.kldload.kvm.libvirt.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.libvirt.jna.NetworkPointer;

/**
 * Raw binding to {@code virNetworkUpdate} of {@code libvirt.so.0}, which libvirt-java 0.5.4 does
 * not wrap. Not API: {@code LibvirtHypervisor} calls it with the network handle it looked up.
 *
 * <p>Return convention: 0 on success, -1 on failure with the reason in the calling thread's last
 * libvirt error ({@code virCopyLastError}). The public C function takes command before section; the
 * wire protocol once had the two swapped, and the client library (not its callers) copes with
 * either daemon, so callers of this function always pass them in this order.
 *
 * <p>Memory: {@code xml} is copied to native memory by JNA for the call; the network handle is
 * borrowed. Thread safety: as libvirt's, any thread; the last error is per thread.
 */
public interface LibvirtNetworkUpdate extends Library {
  /** {@code virNetworkUpdateCommand}. */
  int VIR_NETWORK_UPDATE_COMMAND_DELETE = 2;

  int VIR_NETWORK_UPDATE_COMMAND_ADD_LAST = 3;

  /** {@code virNetworkUpdateSection}: {@code <ip><dhcp><host>}. */
  int VIR_NETWORK_SECTION_IP_DHCP_HOST = 4;

  /** {@code virNetworkUpdateFlags} bits. */
  int VIR_NETWORK_UPDATE_AFFECT_LIVE = 1;

  int VIR_NETWORK_UPDATE_AFFECT_CONFIG = 2;

  static LibvirtNetworkUpdate load() {
    return Native.load("virt", LibvirtNetworkUpdate.class);
  }

  /**
   * @param parentIndex which {@code <ip>} element; -1 lets libvirt pick the one whose family
   *     matches the host's address
   */
  int virNetworkUpdate(
      NetworkPointer network, int command, int section, int parentIndex, String xml, int flags);
}
