package dev.kldload.kvm.xml;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A typed description of a domain we create, written to libvirt XML by {@link DomainXmlWriter}.
 * Values are validated here once; the writer trusts them.
 *
 * @param name the domain name
 * @param virtType {@code kvm} with hardware acceleration, {@code qemu} for software emulation
 * @param memory guest memory
 * @param vcpus virtual CPUs
 * @param firmware UEFI (with a per-domain vars file) or BIOS
 * @param disks data disks in order (vda, vdb, …); the first boots
 * @param seed the cloud-init NoCloud ISO, attached read-only on SATA
 * @param installer an installer ISO to boot from first, when the disk is blank
 * @param nics network interfaces, virtio
 * @param vncListen the address VNC binds to (127.0.0.1 unless the operator says otherwise)
 * @param metadata our ownership mark
 * @param directBoot a host kernel to boot instead of the disk's boot loader
 * @param os the guest OS, recorded as libosinfo metadata
 */
public record DomainSpec(
    VmName name,
    String virtType,
    ByteSize memory,
    int vcpus,
    Firmware firmware,
    List<Disk> disks,
    Optional<Path> seed,
    Optional<Path> installer,
    List<Nic> nics,
    String vncListen,
    DomainMetadata metadata,
    Optional<DirectBoot> directBoot,
    OsVariant os) {

  public DomainSpec {
    Objects.requireNonNull(name, "name");
    if (!virtType.equals("kvm") && !virtType.equals("qemu")) {
      throw KldloadException.invalid(
          "virtualisation type '" + virtType + "' is not supported", "use kvm or qemu");
    }
    if (memory.bytes() < (64L << 20)) {
      throw KldloadException.invalid(
          "VM " + name + ": memory " + memory + " is below 64M", "give --ram 64 or more (MB)");
    }
    if (vcpus < 1 || vcpus > 512) {
      throw KldloadException.invalid(
          "VM " + name + ": " + vcpus + " vCPUs is out of range", "give --cpus between 1 and 512");
    }
    if (disks.isEmpty() && installer.isEmpty()) {
      throw KldloadException.invalid("VM " + name + " has no disk", "give a disk or an ISO");
    }
    disks = List.copyOf(disks);
    nics = List.copyOf(nics);
    Objects.requireNonNull(seed, "seed");
    Objects.requireNonNull(installer, "installer");
    Objects.requireNonNull(vncListen, "vncListen");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(firmware, "firmware");
    Objects.requireNonNull(directBoot, "directBoot");
    Objects.requireNonNull(os, "os");
  }

  /** Boot firmware. */
  public sealed interface Firmware permits Bios, Uefi {}

  /** SeaBIOS. */
  public record Bios() implements Firmware {}

  /**
   * OVMF: read-only code, and a per-domain vars file created by libvirt from the template on first
   * start.
   */
  public record Uefi(Path code, Path varsTemplate, Path vars) implements Firmware {}

  /** A disk: a block device (a zvol) or a qcow2 file. */
  public record Disk(DiskKind kind, Path path) {
    public Disk {
      Objects.requireNonNull(kind, "kind");
      if (!path.isAbsolute()) {
        throw KldloadException.invalid("disk path " + path + " is not absolute", null);
      }
    }
  }

  /** How libvirt opens a disk. */
  public enum DiskKind {
    BLOCK,
    QCOW2
  }

  /**
   * A virtio NIC on a libvirt network or a host bridge, with the MAC address we chose (empty:
   * libvirt picks one).
   */
  public record Nic(NicKind kind, String source, Optional<MacAddress> mac) {
    public Nic {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(mac, "mac");
      if (source == null || !source.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
        throw KldloadException.invalid(
            (kind == NicKind.BRIDGE ? "bridge" : "network") + " name '" + source + "' is not valid",
            "use letters, digits, '.', '_' or '-'");
      }
    }

    public Nic(NicKind kind, String source) {
      this(kind, source, Optional.empty());
    }

    public Nic withMac(MacAddress address) {
      return new Nic(kind, source, Optional.of(address));
    }
  }

  /** Where a NIC attaches. */
  public enum NicKind {
    NETWORK,
    BRIDGE
  }
}
