package dev.kldload.kvm.libvirt.jna;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding to the library, connection and domain functions of {@code libvirt.so.0} the adapter
 * calls, in JNA's direct mapping: {@code static native} methods registered once when the class
 * initialises. Snapshots ({@link LibvirtSnapshots}) and networks ({@link LibvirtNetworks}) are
 * bound apart, each when first used, so that a listing registers only what it calls. No interface
 * proxy is generated (JDK 17 cannot archive one in the CDS archive) and a call costs no reflection.
 * Not API: {@code LibvirtHypervisor} and {@code KvmProbes} call it. Initialising the class loads
 * the library; an {@link UnsatisfiedLinkError} (or {@link NoClassDefFoundError} on a later use)
 * means libvirt0 is not installed.
 *
 * <p>Return conventions are libvirt's: a handle or string {@code null}, or an {@code int} -1, on
 * failure, with the reason in the calling thread's last error ({@link #virGetLastError}, read with
 * {@link LibvirtError#last}). Memory: handles returned here belong to the caller and are released
 * with the matching {@code *Free}; {@code char *} results declared as {@link Pointer} are the
 * caller's and freed with {@link #string}, those declared as {@link String} are libvirt's own (not
 * freed). Thread safety: libvirt's: any thread; the last error is per thread.
 */
public final class Libvirt {
  /**
   * The library by its soname, which the dynamic loader finds in its cache at once; by the short
   * name {@code virt} JNA first tries {@code libvirt.so} (only in libvirt-dev) and then lists the
   * library directories for a versioned file (2.5 ms more per run).
   */
  public static final String SONAME = "libvirt.so.0";

  private static final NativeLibrary LIBRARY = NativeLibrary.getInstance(SONAME);

  static {
    Native.register(Libvirt.class, LIBRARY);
    // libvirt's one-time set-up (thread-local error slots): idempotent, and needed before threads
    // other than the first make calls
    virInitialize();
  }

  private Libvirt() {}

  /** The loaded library, for the other bindings; calling it initialises this class first. */
  static NativeLibrary library() {
    return LIBRARY;
  }

  /** {@code VIR_UUID_STRING_BUFLEN}. */
  public static final int UUID_STRING_BUFLEN = 37;

  /** {@code VIR_CONNECT_RO}. */
  public static final int CONNECT_RO = 1;

  /** {@code VIR_DOMAIN_XML_INACTIVE}. */
  public static final int DOMAIN_XML_INACTIVE = 2;

  /** {@code VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE}. */
  public static final int LIST_DOMAINS_MANAGEDSAVE = 1 << 8;

  /** {@code virDomainUndefineFlagsValues}. */
  public static final int UNDEFINE_MANAGED_SAVE = 1;

  public static final int UNDEFINE_SNAPSHOTS_METADATA = 2;
  public static final int UNDEFINE_NVRAM = 4;

  /** {@code virErrorFunc}: called with every error raised, before the call returns. */
  public interface ErrorFunc extends Callback {
    void invoke(Pointer userData, Pointer error);
  }

  /**
   * The string libvirt returned, decoded in JNA's default encoding (as string arguments are
   * encoded); the native copy is then freed with {@code free}. {@code null} stays {@code null}.
   */
  public static String string(Pointer owned) {
    if (owned == null) {
      return null;
    }
    try {
      return owned.getString(0);
    } finally {
      Native.free(Pointer.nativeValue(owned));
    }
  }

  /**
   * The {@code count} handles of an array libvirt allocated ({@code virConnectListAll*}); the array
   * itself is freed, the handles become the caller's.
   */
  public static Pointer[] handles(PointerByReference array, int count) {
    Pointer base = array.getValue();
    if (base == null) {
      return new Pointer[0];
    }
    try {
      return count == 0 ? new Pointer[0] : base.getPointerArray(0, count);
    } finally {
      Native.free(Pointer.nativeValue(base));
    }
  }

  // --- library and connection ------------------------------------------------------------------

  public static native int virInitialize();

  /**
   * @param auth {@code virConnectAuthPtr}; {@code null}: no credential callbacks
   */
  public static native Pointer virConnectOpenAuth(String name, Pointer auth, int flags);

  public static native int virConnectClose(Pointer conn);

  public static native String virConnectGetType(Pointer conn);

  public static native int virConnectGetLibVersion(Pointer conn, NativeLongByReference libVer);

  /** {@code handler} must stay reachable while libvirt may call it; {@code null}: the default. */
  public static native void virSetErrorFunc(Pointer userData, ErrorFunc handler);

  /** The calling thread's last error ({@code virErrorPtr}, libvirt's: not freed), or null. */
  public static native Pointer virGetLastError();

  // --- domains ---------------------------------------------------------------------------------

  public static native int virConnectListAllDomains(
      Pointer conn, PointerByReference domains, int flags);

  public static native Pointer virDomainLookupByName(Pointer conn, String name);

  public static native Pointer virDomainDefineXML(Pointer conn, String xml);

  public static native int virDomainFree(Pointer domain);

  public static native String virDomainGetName(Pointer domain);

  /**
   * @param buf at least {@link #UUID_STRING_BUFLEN} bytes
   */
  public static native int virDomainGetUUIDString(Pointer domain, byte[] buf);

  /**
   * @param info a {@code virDomainInfo} ({@link DomainInfo#SIZE} bytes)
   */
  public static native int virDomainGetInfo(Pointer domain, Pointer info);

  public static native Pointer virDomainGetXMLDesc(Pointer domain, int flags);

  public static native int virDomainHasManagedSaveImage(Pointer domain, int flags);

  public static native int virDomainIsActive(Pointer domain);

  public static native int virDomainCreate(Pointer domain);

  public static native int virDomainSuspend(Pointer domain);

  public static native int virDomainResume(Pointer domain);

  public static native int virDomainDestroy(Pointer domain);

  public static native int virDomainShutdown(Pointer domain);

  public static native int virDomainManagedSave(Pointer domain, int flags);

  public static native int virDomainManagedSaveRemove(Pointer domain, int flags);

  public static native int virDomainUndefineFlags(Pointer domain, int flags);

  /**
   * @param ifaces receives an array of {@code virDomainInterfacePtr} (see {@link
   *     DomainInterfaces}), each freed with {@link #virDomainInterfaceFree}, the array with {@code
   *     free}
   */
  public static native int virDomainInterfaceAddresses(
      Pointer domain, PointerByReference ifaces, int source, int flags);

  public static native void virDomainInterfaceFree(Pointer iface);

  /** {@code virDomainInfo}'s fields the adapter reads, at their offsets for this platform. */
  public static final class DomainInfo {
    /** Large enough for the struct on any platform: 5 eight-byte words. */
    public static final int SIZE = 40;

    private DomainInfo() {}

    /** {@code virDomainState}. */
    public static int state(Pointer info) {
      return info.getByte(0) & 0xff;
    }

    /** {@code maxMem}, KiB. */
    public static long maxMemKib(Pointer info) {
      return info.getNativeLong(NativeLong.SIZE).longValue();
    }

    /** {@code nrVirtCpu}. */
    public static int vcpus(Pointer info) {
      return info.getShort(3L * NativeLong.SIZE) & 0xffff;
    }
  }

  /**
   * {@code virDomainInterface} ({@code name}, {@code hwaddr}, {@code naddrs}, {@code addrs}) and
   * its {@code virDomainIPAddress} entries ({@code type}, {@code addr}, {@code prefix}).
   */
  public static final class DomainInterfaces {
    private static final int P = Native.POINTER_SIZE;

    private DomainInterfaces() {}

    public static String name(Pointer iface) {
      return iface.getPointer(0).getString(0);
    }

    /** May be null (no MAC address, e.g. loopback from the agent). */
    public static String hwaddr(Pointer iface) {
      Pointer p = iface.getPointer(P);
      return p == null ? null : p.getString(0);
    }

    public static int naddrs(Pointer iface) {
      return iface.getInt(2L * P);
    }

    /** The {@code i}-th address's struct. */
    public static Pointer addr(Pointer iface, int i) {
      // virDomainIPAddress: int type; char *addr; unsigned int prefix: padded to 3 pointer words
      return iface.getPointer(3L * P).share((long) i * 3 * P);
    }

    public static String address(Pointer addr) {
      return addr.getPointer(P).getString(0);
    }

    public static int prefix(Pointer addr) {
      return addr.getInt(2L * P);
    }
  }
}
