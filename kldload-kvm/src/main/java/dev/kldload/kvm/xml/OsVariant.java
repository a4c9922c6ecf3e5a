package dev.kldload.kvm.xml;

import dev.kldload.core.KldloadException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The guest operating system, as {@code virt-install --os-variant} names it. It is recorded in the
 * domain's libosinfo metadata, which virt-manager, {@code virt-xml} and inventory tools read; the
 * devices we write (virtio everywhere, q35) suit every variant listed, so no device choice depends
 * on it.
 */
public enum OsVariant {
  GENERIC("generic", "http://libosinfo.org/linux/2022"),
  DEBIAN12("debian12", "http://debian.org/debian/12"),
  DEBIAN13("debian13", "http://debian.org/debian/13"),
  UBUNTU2204("ubuntu22.04", "http://ubuntu.com/ubuntu/22.04"),
  UBUNTU2404("ubuntu24.04", "http://ubuntu.com/ubuntu/24.04"),
  CENTOS_STREAM9("centos-stream9", "http://centos.org/centos-stream/9"),
  ROCKY9("rocky9", "http://rockylinux.org/rocky/9"),
  ALMALINUX9("almalinux9", "http://almalinux.org/almalinux/9"),
  FEDORA41("fedora41", "http://fedoraproject.org/fedora/41");

  /** libosinfo's namespace in libvirt domain metadata. */
  public static final String NAMESPACE = "http://libosinfo.org/xmlns/libvirt/domain/1.0";

  private final String shortId;
  private final String osinfoId;

  OsVariant(String shortId, String osinfoId) {
    this.shortId = shortId;
    this.osinfoId = osinfoId;
  }

  /** The name operators type, e.g. {@code debian12}. */
  public String shortId() {
    return shortId;
  }

  /** libosinfo's id, e.g. {@code http://debian.org/debian/12}. */
  public String osinfoId() {
    return osinfoId;
  }

  public static OsVariant of(String value) {
    for (OsVariant v : values()) {
      if (v.shortId.equals(value)) {
        return v;
      }
    }
    throw KldloadException.invalid(
        "--os '" + value + "' is not a known OS variant",
        "use one of: "
            + Arrays.stream(values()).map(OsVariant::shortId).collect(Collectors.joining(", ")));
  }
}
