package dev.kldload.kvm.libvirt.jna;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding to libvirt's domain snapshot functions, bound like {@link Libvirt} (whose conventions
 * hold: a handle {@code null} or an {@code int} -1 on failure, the reason in the thread's last
 * error; handles are the caller's, freed with {@link #virDomainSnapshotFree}; XML returned as
 * {@link Pointer} is the caller's, read and freed with {@link Libvirt#string}). Not API.
 */
public final class LibvirtSnapshots {
  private LibvirtSnapshots() {}

  private static final LibvirtFunction LIST_ALL_SNAPSHOTS =
      new LibvirtFunction("virDomainListAllSnapshots");

  /**
   * {@code int virDomainListAllSnapshots(virDomainPtr domain, virDomainSnapshotPtr **snaps,
   * unsigned int flags)}
   */
  public static int virDomainListAllSnapshots(
      Pointer domain, PointerByReference snapshots, int flags) {
    return LIST_ALL_SNAPSHOTS.integer(domain, snapshots.getPointer(), flags);
  }

  private static final LibvirtFunction LOOKUP_BY_NAME =
      new LibvirtFunction("virDomainSnapshotLookupByName");

  /**
   * {@code virDomainSnapshotPtr virDomainSnapshotLookupByName(virDomainPtr domain, const char
   * *name, unsigned int flags)}
   */
  public static Pointer virDomainSnapshotLookupByName(Pointer domain, String name, int flags) {
    return LOOKUP_BY_NAME.pointer(domain, name, flags);
  }

  private static final LibvirtFunction CREATE_XML =
      new LibvirtFunction("virDomainSnapshotCreateXML");

  /**
   * {@code virDomainSnapshotPtr virDomainSnapshotCreateXML(virDomainPtr domain, const char
   * *xmlDesc, unsigned int flags)}
   */
  public static Pointer virDomainSnapshotCreateXML(Pointer domain, String xml, int flags) {
    return CREATE_XML.pointer(domain, xml, flags);
  }

  private static final LibvirtFunction GET_XML_DESC =
      new LibvirtFunction("virDomainSnapshotGetXMLDesc");

  /**
   * {@code char *virDomainSnapshotGetXMLDesc(virDomainSnapshotPtr snapshot, unsigned int flags)}
   */
  public static Pointer virDomainSnapshotGetXMLDesc(Pointer snapshot, int flags) {
    return GET_XML_DESC.pointer(snapshot, flags);
  }

  private static final LibvirtFunction REVERT = new LibvirtFunction("virDomainRevertToSnapshot");

  /** {@code int virDomainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags)} */
  public static int virDomainRevertToSnapshot(Pointer snapshot, int flags) {
    return REVERT.integer(snapshot, flags);
  }

  private static final LibvirtFunction DELETE = new LibvirtFunction("virDomainSnapshotDelete");

  /** {@code int virDomainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags)} */
  public static int virDomainSnapshotDelete(Pointer snapshot, int flags) {
    return DELETE.integer(snapshot, flags);
  }

  private static final LibvirtFunction FREE = new LibvirtFunction("virDomainSnapshotFree");

  /** {@code int virDomainSnapshotFree(virDomainSnapshotPtr snapshot)} */
  public static int virDomainSnapshotFree(Pointer snapshot) {
    return FREE.integer(snapshot);
  }
}
