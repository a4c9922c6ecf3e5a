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
 * calls: one typed method per C function (its signature in the Javadoc), each calling a {@link
 * LibvirtFunction} looked up on first use. Snapshots ({@link LibvirtSnapshots}) and networks
 * ({@link LibvirtNetworks}) are bound alike in classes of their own. Neither JNA's direct mapping
 * ({@code Native.register}) nor its interface mapping is used: the first sets up a libffi type per
 * declared method when the class initialises (JNA's {@code Structure.FFIType}, whose annotations
 * make the JDK generate proxy classes), the second generates a proxy for the interface; JDK 17
 * cannot archive either kind in the CDS archive. Not API: {@code LibvirtHypervisor} and {@code
 * KvmProbes} call it. Initialising the class loads the library; an {@link UnsatisfiedLinkError} (or
 * {@link NoClassDefFoundError} on a later use) means libvirt0 is not installed.
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
    // libvirt's one-time set-up (thread-local error slots): idempotent, and needed before threads
    // other than the first make calls. int virInitialize(void)
    LIBRARY.getFunction("virInitialize").invokeInt(new Object[0]);
  }

  private Libvirt() {}

  /**
   * Initialises this class, which loads libvirt.so: for {@link
   * dev.kldload.kvm.libvirt.LibvirtWarmUp}. Throws what loading throws.
   */
  public static void load() {
    // the static initialiser has done the work
  }

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

  private static final LibvirtFunction CONNECT_OPEN_AUTH =
      new LibvirtFunction("virConnectOpenAuth");

  /**
   * {@code virConnectPtr virConnectOpenAuth(const char *name, virConnectAuthPtr auth, unsigned int
   * flags)}
   *
   * @param auth {@code null}: no credential callbacks
   */
  public static Pointer virConnectOpenAuth(String name, Pointer auth, int flags) {
    return CONNECT_OPEN_AUTH.pointer(name, auth, flags);
  }

  private static final LibvirtFunction CONNECT_CLOSE = new LibvirtFunction("virConnectClose");

  /** {@code int virConnectClose(virConnectPtr conn)} */
  public static int virConnectClose(Pointer conn) {
    return CONNECT_CLOSE.integer(conn);
  }

  private static final LibvirtFunction CONNECT_GET_TYPE = new LibvirtFunction("virConnectGetType");

  /** {@code const char *virConnectGetType(virConnectPtr conn)} */
  public static String virConnectGetType(Pointer conn) {
    return CONNECT_GET_TYPE.string(conn);
  }

  private static final LibvirtFunction CONNECT_GET_LIB_VERSION =
      new LibvirtFunction("virConnectGetLibVersion");

  /** {@code int virConnectGetLibVersion(virConnectPtr conn, unsigned long *libVer)} */
  public static int virConnectGetLibVersion(Pointer conn, NativeLongByReference libVer) {
    return CONNECT_GET_LIB_VERSION.integer(conn, libVer.getPointer());
  }

  private static final LibvirtFunction SET_ERROR_FUNC = new LibvirtFunction("virSetErrorFunc");

  /**
   * {@code void virSetErrorFunc(void *userData, virErrorFunc handler)}
   *
   * @param handler must stay reachable while libvirt may call it; {@code null}: the default
   */
  public static void virSetErrorFunc(Pointer userData, ErrorFunc handler) {
    SET_ERROR_FUNC.call(userData, handler);
  }

  private static final LibvirtFunction GET_LAST_ERROR = new LibvirtFunction("virGetLastError");

  /**
   * {@code virErrorPtr virGetLastError(void)}: the calling thread's last error (libvirt's: not
   * freed), or null.
   */
  public static Pointer virGetLastError() {
    return GET_LAST_ERROR.pointer();
  }

  // --- domains ---------------------------------------------------------------------------------

  private static final LibvirtFunction CONNECT_LIST_ALL_DOMAINS =
      new LibvirtFunction("virConnectListAllDomains");

  /**
   * {@code int virConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int
   * flags)}
   */
  public static int virConnectListAllDomains(Pointer conn, PointerByReference domains, int flags) {
    return CONNECT_LIST_ALL_DOMAINS.integer(conn, domains.getPointer(), flags);
  }

  private static final LibvirtFunction DOMAIN_LOOKUP_BY_NAME =
      new LibvirtFunction("virDomainLookupByName");

  /** {@code virDomainPtr virDomainLookupByName(virConnectPtr conn, const char *name)} */
  public static Pointer virDomainLookupByName(Pointer conn, String name) {
    return DOMAIN_LOOKUP_BY_NAME.pointer(conn, name);
  }

  private static final LibvirtFunction DOMAIN_DEFINE_XML =
      new LibvirtFunction("virDomainDefineXML");

  /** {@code virDomainPtr virDomainDefineXML(virConnectPtr conn, const char *xml)} */
  public static Pointer virDomainDefineXML(Pointer conn, String xml) {
    return DOMAIN_DEFINE_XML.pointer(conn, xml);
  }

  private static final LibvirtFunction DOMAIN_FREE = new LibvirtFunction("virDomainFree");

  /** {@code int virDomainFree(virDomainPtr domain)} */
  public static int virDomainFree(Pointer domain) {
    return DOMAIN_FREE.integer(domain);
  }

  private static final LibvirtFunction DOMAIN_GET_NAME = new LibvirtFunction("virDomainGetName");

  /** {@code const char *virDomainGetName(virDomainPtr domain)} */
  public static String virDomainGetName(Pointer domain) {
    return DOMAIN_GET_NAME.string(domain);
  }

  private static final LibvirtFunction DOMAIN_GET_UUID_STRING =
      new LibvirtFunction("virDomainGetUUIDString");

  /**
   * {@code int virDomainGetUUIDString(virDomainPtr domain, char *buf)}
   *
   * @param buf at least {@link #UUID_STRING_BUFLEN} bytes
   */
  public static int virDomainGetUUIDString(Pointer domain, byte[] buf) {
    return DOMAIN_GET_UUID_STRING.integer(domain, buf);
  }

  private static final LibvirtFunction DOMAIN_GET_INFO = new LibvirtFunction("virDomainGetInfo");

  /**
   * {@code int virDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info)}
   *
   * @param info {@link DomainInfo#SIZE} bytes
   */
  public static int virDomainGetInfo(Pointer domain, Pointer info) {
    return DOMAIN_GET_INFO.integer(domain, info);
  }

  private static final LibvirtFunction DOMAIN_GET_XML_DESC =
      new LibvirtFunction("virDomainGetXMLDesc");

  /** {@code char *virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags)} */
  public static Pointer virDomainGetXMLDesc(Pointer domain, int flags) {
    return DOMAIN_GET_XML_DESC.pointer(domain, flags);
  }

  private static final LibvirtFunction DOMAIN_HAS_MANAGED_SAVE_IMAGE =
      new LibvirtFunction("virDomainHasManagedSaveImage");

  /** {@code int virDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags)} */
  public static int virDomainHasManagedSaveImage(Pointer domain, int flags) {
    return DOMAIN_HAS_MANAGED_SAVE_IMAGE.integer(domain, flags);
  }

  private static final LibvirtFunction DOMAIN_IS_ACTIVE = new LibvirtFunction("virDomainIsActive");

  /** {@code int virDomainIsActive(virDomainPtr dom)} */
  public static int virDomainIsActive(Pointer domain) {
    return DOMAIN_IS_ACTIVE.integer(domain);
  }

  private static final LibvirtFunction DOMAIN_CREATE = new LibvirtFunction("virDomainCreate");

  /** {@code int virDomainCreate(virDomainPtr domain)} */
  public static int virDomainCreate(Pointer domain) {
    return DOMAIN_CREATE.integer(domain);
  }

  private static final LibvirtFunction DOMAIN_SUSPEND = new LibvirtFunction("virDomainSuspend");

  /** {@code int virDomainSuspend(virDomainPtr domain)} */
  public static int virDomainSuspend(Pointer domain) {
    return DOMAIN_SUSPEND.integer(domain);
  }

  private static final LibvirtFunction DOMAIN_RESUME = new LibvirtFunction("virDomainResume");

  /** {@code int virDomainResume(virDomainPtr domain)} */
  public static int virDomainResume(Pointer domain) {
    return DOMAIN_RESUME.integer(domain);
  }

  private static final LibvirtFunction DOMAIN_DESTROY = new LibvirtFunction("virDomainDestroy");

  /** {@code int virDomainDestroy(virDomainPtr domain)} */
  public static int virDomainDestroy(Pointer domain) {
    return DOMAIN_DESTROY.integer(domain);
  }

  private static final LibvirtFunction DOMAIN_SHUTDOWN = new LibvirtFunction("virDomainShutdown");

  /** {@code int virDomainShutdown(virDomainPtr domain)} */
  public static int virDomainShutdown(Pointer domain) {
    return DOMAIN_SHUTDOWN.integer(domain);
  }

  private static final LibvirtFunction DOMAIN_MANAGED_SAVE =
      new LibvirtFunction("virDomainManagedSave");

  /** {@code int virDomainManagedSave(virDomainPtr dom, unsigned int flags)} */
  public static int virDomainManagedSave(Pointer domain, int flags) {
    return DOMAIN_MANAGED_SAVE.integer(domain, flags);
  }

  private static final LibvirtFunction DOMAIN_MANAGED_SAVE_REMOVE =
      new LibvirtFunction("virDomainManagedSaveRemove");

  /** {@code int virDomainManagedSaveRemove(virDomainPtr dom, unsigned int flags)} */
  public static int virDomainManagedSaveRemove(Pointer domain, int flags) {
    return DOMAIN_MANAGED_SAVE_REMOVE.integer(domain, flags);
  }

  private static final LibvirtFunction DOMAIN_UNDEFINE_FLAGS =
      new LibvirtFunction("virDomainUndefineFlags");

  /** {@code int virDomainUndefineFlags(virDomainPtr domain, unsigned int flags)} */
  public static int virDomainUndefineFlags(Pointer domain, int flags) {
    return DOMAIN_UNDEFINE_FLAGS.integer(domain, flags);
  }

  private static final LibvirtFunction DOMAIN_INTERFACE_ADDRESSES =
      new LibvirtFunction("virDomainInterfaceAddresses");

  /**
   * {@code int virDomainInterfaceAddresses(virDomainPtr dom, virDomainInterfacePtr **ifaces,
   * unsigned int source, unsigned int flags)}
   *
   * @param ifaces receives an array of {@code virDomainInterfacePtr} (see {@link
   *     DomainInterfaces}), each freed with {@link #virDomainInterfaceFree}, the array with {@code
   *     free}
   */
  public static int virDomainInterfaceAddresses(
      Pointer domain, PointerByReference ifaces, int source, int flags) {
    return DOMAIN_INTERFACE_ADDRESSES.integer(domain, ifaces.getPointer(), source, flags);
  }

  private static final LibvirtFunction DOMAIN_INTERFACE_FREE =
      new LibvirtFunction("virDomainInterfaceFree");

  /** {@code void virDomainInterfaceFree(virDomainInterfacePtr iface)} */
  public static void virDomainInterfaceFree(Pointer iface) {
    DOMAIN_INTERFACE_FREE.call(iface);
  }

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
