package dev.kldload.kvm.libvirt.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding to libvirt's network functions, in JNA's direct mapping like {@link Libvirt} (whose
 * conventions hold: a handle {@code null} or an {@code int} -1 on failure, the reason in the
 * thread's last error; handles are the caller's, freed with {@link #virNetworkFree}; XML returned
 * as {@link Pointer} is the caller's, read and freed with {@link Libvirt#string}; names returned as
 * {@link String} are libvirt's). Registered on first use: a listing of domains does not pay for it.
 * Not API.
 */
public final class LibvirtNetworks {
  static {
    Native.register(LibvirtNetworks.class, Libvirt.library());
  }

  private LibvirtNetworks() {}

  /** {@code virNetworkUpdateCommand}. */
  public static final int UPDATE_COMMAND_DELETE = 2;

  public static final int UPDATE_COMMAND_ADD_LAST = 3;

  /** {@code virNetworkUpdateSection}: {@code <ip><dhcp><host>}. */
  public static final int SECTION_IP_DHCP_HOST = 4;

  /** {@code virNetworkUpdateFlags} bits. */
  public static final int UPDATE_AFFECT_LIVE = 1;

  public static final int UPDATE_AFFECT_CONFIG = 2;

  public static native int virConnectListAllNetworks(
      Pointer conn, PointerByReference networks, int flags);

  public static native Pointer virNetworkLookupByName(Pointer conn, String name);

  public static native Pointer virNetworkDefineXML(Pointer conn, String xml);

  public static native int virNetworkFree(Pointer network);

  public static native String virNetworkGetName(Pointer network);

  public static native Pointer virNetworkGetXMLDesc(Pointer network, int flags);

  public static native int virNetworkIsActive(Pointer network);

  public static native int virNetworkIsPersistent(Pointer network);

  public static native int virNetworkGetAutostart(Pointer network, int[] autostart);

  public static native int virNetworkSetAutostart(Pointer network, int autostart);

  public static native int virNetworkCreate(Pointer network);

  /**
   * The public C function takes command before section; the wire protocol once had the two swapped,
   * and the client library (not its callers) copes with either daemon.
   *
   * @param parentIndex which {@code <ip>} element; -1 lets libvirt pick the one whose family
   *     matches the host's address
   */
  public static native int virNetworkUpdate(
      Pointer network, int command, int section, int parentIndex, String xml, int flags);
}
