package dev.kldload.kvm.libvirt.jna;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding to libvirt's network functions, bound like {@link Libvirt} (whose conventions hold: a
 * handle {@code null} or an {@code int} -1 on failure, the reason in the thread's last error;
 * handles are the caller's, freed with {@link #virNetworkFree}; XML returned as {@link Pointer} is
 * the caller's, read and freed with {@link Libvirt#string}; names returned as {@link String} are
 * libvirt's). Not API.
 */
public final class LibvirtNetworks {
  private LibvirtNetworks() {}

  /** {@code virNetworkUpdateCommand}. */
  public static final int UPDATE_COMMAND_DELETE = 2;

  public static final int UPDATE_COMMAND_ADD_LAST = 3;

  /** {@code virNetworkUpdateSection}: {@code <ip><dhcp><host>}. */
  public static final int SECTION_IP_DHCP_HOST = 4;

  /** {@code virNetworkUpdateFlags} bits. */
  public static final int UPDATE_AFFECT_LIVE = 1;

  public static final int UPDATE_AFFECT_CONFIG = 2;

  private static final LibvirtFunction CONNECT_LIST_ALL_NETWORKS =
      new LibvirtFunction("virConnectListAllNetworks");

  /**
   * {@code int virConnectListAllNetworks(virConnectPtr conn, virNetworkPtr **nets, unsigned int
   * flags)}
   */
  public static int virConnectListAllNetworks(
      Pointer conn, PointerByReference networks, int flags) {
    return CONNECT_LIST_ALL_NETWORKS.integer(conn, networks.getPointer(), flags);
  }

  private static final LibvirtFunction LOOKUP_BY_NAME =
      new LibvirtFunction("virNetworkLookupByName");

  /** {@code virNetworkPtr virNetworkLookupByName(virConnectPtr conn, const char *name)} */
  public static Pointer virNetworkLookupByName(Pointer conn, String name) {
    return LOOKUP_BY_NAME.pointer(conn, name);
  }

  private static final LibvirtFunction DEFINE_XML = new LibvirtFunction("virNetworkDefineXML");

  /** {@code virNetworkPtr virNetworkDefineXML(virConnectPtr conn, const char *xml)} */
  public static Pointer virNetworkDefineXML(Pointer conn, String xml) {
    return DEFINE_XML.pointer(conn, xml);
  }

  private static final LibvirtFunction FREE = new LibvirtFunction("virNetworkFree");

  /** {@code int virNetworkFree(virNetworkPtr network)} */
  public static int virNetworkFree(Pointer network) {
    return FREE.integer(network);
  }

  private static final LibvirtFunction GET_NAME = new LibvirtFunction("virNetworkGetName");

  /** {@code const char *virNetworkGetName(virNetworkPtr network)} */
  public static String virNetworkGetName(Pointer network) {
    return GET_NAME.string(network);
  }

  private static final LibvirtFunction GET_XML_DESC = new LibvirtFunction("virNetworkGetXMLDesc");

  /** {@code char *virNetworkGetXMLDesc(virNetworkPtr network, unsigned int flags)} */
  public static Pointer virNetworkGetXMLDesc(Pointer network, int flags) {
    return GET_XML_DESC.pointer(network, flags);
  }

  private static final LibvirtFunction IS_ACTIVE = new LibvirtFunction("virNetworkIsActive");

  /** {@code int virNetworkIsActive(virNetworkPtr net)} */
  public static int virNetworkIsActive(Pointer network) {
    return IS_ACTIVE.integer(network);
  }

  private static final LibvirtFunction IS_PERSISTENT =
      new LibvirtFunction("virNetworkIsPersistent");

  /** {@code int virNetworkIsPersistent(virNetworkPtr net)} */
  public static int virNetworkIsPersistent(Pointer network) {
    return IS_PERSISTENT.integer(network);
  }

  private static final LibvirtFunction GET_AUTOSTART =
      new LibvirtFunction("virNetworkGetAutostart");

  /** {@code int virNetworkGetAutostart(virNetworkPtr network, int *autostart)} */
  public static int virNetworkGetAutostart(Pointer network, int[] autostart) {
    return GET_AUTOSTART.integer(network, autostart);
  }

  private static final LibvirtFunction SET_AUTOSTART =
      new LibvirtFunction("virNetworkSetAutostart");

  /** {@code int virNetworkSetAutostart(virNetworkPtr network, int autostart)} */
  public static int virNetworkSetAutostart(Pointer network, int autostart) {
    return SET_AUTOSTART.integer(network, autostart);
  }

  private static final LibvirtFunction CREATE = new LibvirtFunction("virNetworkCreate");

  /** {@code int virNetworkCreate(virNetworkPtr network)} */
  public static int virNetworkCreate(Pointer network) {
    return CREATE.integer(network);
  }

  private static final LibvirtFunction UPDATE = new LibvirtFunction("virNetworkUpdate");

  /**
   * {@code int virNetworkUpdate(virNetworkPtr network, unsigned int command, unsigned int section,
   * int parentIndex, const char *xml, unsigned int flags)}. The public C function takes command
   * before section; the wire protocol once had the two swapped, and the client library (not its
   * callers) copes with either daemon.
   *
   * @param parentIndex which {@code <ip>} element; -1 lets libvirt pick the one whose family
   *     matches the host's address
   */
  public static int virNetworkUpdate(
      Pointer network, int command, int section, int parentIndex, String xml, int flags) {
    return UPDATE.integer(network, command, section, parentIndex, xml, flags);
  }
}
