package dev.kldload.kvm.libvirt.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding to libvirt's domain snapshot functions, in JNA's direct mapping like {@link Libvirt}
 * (whose conventions hold: a handle {@code null} or an {@code int} -1 on failure, the reason in the
 * thread's last error; handles are the caller's, freed with {@link #virDomainSnapshotFree}; XML
 * returned as {@link Pointer} is the caller's, read and freed with {@link Libvirt#string}).
 * Registered on first use: a listing of domains does not pay for it. Not API.
 */
public final class LibvirtSnapshots {
  static {
    Native.register(LibvirtSnapshots.class, Libvirt.library());
  }

  private LibvirtSnapshots() {}

  public static native int virDomainListAllSnapshots(
      Pointer domain, PointerByReference snapshots, int flags);

  public static native Pointer virDomainSnapshotLookupByName(
      Pointer domain, String name, int flags);

  public static native Pointer virDomainSnapshotCreateXML(Pointer domain, String xml, int flags);

  public static native Pointer virDomainSnapshotGetXMLDesc(Pointer snapshot, int flags);

  public static native int virDomainRevertToSnapshot(Pointer snapshot, int flags);

  public static native int virDomainSnapshotDelete(Pointer snapshot, int flags);

  public static native int virDomainSnapshotFree(Pointer snapshot);
}
