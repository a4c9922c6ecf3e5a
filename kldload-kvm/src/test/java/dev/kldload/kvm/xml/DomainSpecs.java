package dev.kldload.kvm.xml;

import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Specs used by the XML tests. */
final class DomainSpecs {
  private DomainSpecs() {}

  static DomainSpec uefiZvol() {
    return new DomainSpec(
        VmName.of("web01"),
        "kvm",
        ByteSize.ofMegabytes(4096),
        4,
        new DomainSpec.Uefi(
            Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd"),
            Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd"),
            Path.of("/var/lib/libvirt/images/web01_VARS.fd")),
        List.of(
            new DomainSpec.Disk(DomainSpec.DiskKind.BLOCK, Path.of("/dev/zvol/rpool/vms/web01"))),
        Optional.of(Path.of("/var/lib/libvirt/images/web01-seed.iso")),
        Optional.empty(),
        List.of(
            new DomainSpec.Nic(
                DomainSpec.NicKind.NETWORK,
                "default",
                Optional.of(new MacAddress("52:54:00:12:34:56")))),
        "127.0.0.1",
        new DomainMetadata("k8s", "worker", Optional.of("k8s"), Optional.empty()),
        Optional.empty(),
        OsVariant.DEBIAN12);
  }

  static DomainSpec biosQcow2Installer() {
    return new DomainSpec(
        VmName.of("db-1"),
        "qemu",
        ByteSize.ofMegabytes(2048),
        2,
        new DomainSpec.Bios(),
        List.of(
            new DomainSpec.Disk(
                DomainSpec.DiskKind.QCOW2, Path.of("/var/lib/libvirt/images/db-1.qcow2"))),
        Optional.empty(),
        Optional.of(Path.of("/srv/iso/debian-12.iso")),
        List.of(new DomainSpec.Nic(DomainSpec.NicKind.BRIDGE, "br0")),
        "127.0.0.1",
        DomainMetadata.vm("kvm-create"),
        Optional.empty(),
        OsVariant.GENERIC);
  }

  static DomainSpec directBootQcow2() {
    return new DomainSpec(
        VmName.of("rescue"),
        "qemu",
        ByteSize.ofMegabytes(512),
        1,
        new DomainSpec.Bios(),
        List.of(
            new DomainSpec.Disk(
                DomainSpec.DiskKind.QCOW2, Path.of("/var/lib/libvirt/images/rescue.qcow2"))),
        Optional.of(Path.of("/var/lib/libvirt/images/rescue-seed.iso")),
        Optional.empty(),
        List.of(new DomainSpec.Nic(DomainSpec.NicKind.NETWORK, "default")),
        "127.0.0.1",
        DomainMetadata.vm("kvm-create"),
        Optional.of(
            new DirectBoot(
                Path.of("/srv/boot/vmlinuz"),
                Optional.of(Path.of("/srv/boot/initrd.img")),
                "root=/dev/vda rw console=ttyS0")),
        OsVariant.DEBIAN12);
  }
}
