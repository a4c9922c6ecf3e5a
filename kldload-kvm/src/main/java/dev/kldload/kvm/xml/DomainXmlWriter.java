package dev.kldload.kvm.xml;

import static dev.kldload.kvm.xml.Xml.attrs;
import static dev.kldload.kvm.xml.Xml.child;

import java.util.List;
import java.util.stream.IntStream;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Writes a {@link DomainSpec} as libvirt domain XML through the DOM. Machine q35; disks on virtio
 * with {@code cache=none} and {@code discard=unmap}; the seed read-only on SATA; a serial console
 * (pty) so the guest's boot log is readable with {@code virsh console}; VNC on the given address;
 * the qemu-guest-agent channel; our metadata. No uuid: libvirt assigns one.
 */
public final class DomainXmlWriter {
  private DomainXmlWriter() {}

  public static String write(DomainSpec spec) {
    Document doc = Xml.newDocument();
    Element domain = doc.createElement("domain");
    doc.appendChild(domain);
    domain.setAttribute("type", spec.virtType());
    child(domain, "name", spec.name().value());
    MetadataXml.set(domain, spec.metadata());
    MetadataXml.setOs(domain, spec.os());
    attrs(child(domain, "memory", Long.toString(spec.memory().kibibytes())), "unit", "KiB");
    attrs(child(domain, "currentMemory", Long.toString(spec.memory().kibibytes())), "unit", "KiB");
    child(domain, "vcpu", Integer.toString(spec.vcpus()));

    Element os = child(domain, "os");
    attrs(child(os, "type", "hvm"), "arch", "x86_64", "machine", "q35");
    if (spec.firmware() instanceof DomainSpec.Uefi uefi) {
      attrs(child(os, "loader", uefi.code().toString()), "readonly", "yes", "type", "pflash");
      attrs(child(os, "nvram", uefi.vars().toString()), "template", uefi.varsTemplate().toString());
    }
    spec.directBoot()
        .ifPresent(
            boot -> {
              child(os, "kernel", boot.kernel().toString());
              boot.initrd().ifPresent(initrd -> child(os, "initrd", initrd.toString()));
              if (!boot.cmdline().isEmpty()) {
                child(os, "cmdline", boot.cmdline());
              }
            });

    Element features = child(domain, "features");
    child(features, "acpi");
    child(features, "apic");
    // Emulation defaults to qemu64, which lacks x86-64-v2 (RHEL 9 kernels refuse to boot on it).
    attrs(
        child(domain, "cpu"),
        "mode",
        spec.virtType().equals("kvm") ? "host-passthrough" : "maximum");
    attrs(child(domain, "clock"), "offset", "utc");
    child(domain, "on_poweroff", "destroy");
    child(domain, "on_reboot", "restart");
    child(domain, "on_crash", "destroy");

    Element devices = child(domain, "devices");
    int bootOrder = 1;
    if (spec.installer().isPresent()) {
      cdrom(devices, spec.installer().get().toString(), "sdb", bootOrder++);
    }
    char letter = 'a';
    for (DomainSpec.Disk disk : spec.disks()) {
      disk(devices, disk, "vd" + letter++, bootOrder++);
    }
    spec.seed().ifPresent(seed -> cdrom(devices, seed.toString(), "sda", 0));
    for (DomainSpec.Nic nic : spec.nics()) {
      nic(devices, nic);
    }
    consoleAndChannels(devices);
    attrs(
        child(devices, "graphics"),
        "type",
        "vnc",
        "port",
        "-1",
        "autoport",
        "yes",
        "listen",
        spec.vncListen());
    attrs(child(child(devices, "video"), "model"), "type", "virtio");
    attrs(child(devices, "memballoon"), "model", "virtio");
    Element rng = attrs(child(devices, "rng"), "model", "virtio");
    attrs(child(rng, "backend", "/dev/urandom"), "model", "random");
    return Xml.write(doc);
  }

  static void disk(Element devices, DomainSpec.Disk disk, String target, int bootOrder) {
    boolean block = disk.kind() == DomainSpec.DiskKind.BLOCK;
    Element element =
        attrs(child(devices, "disk"), "type", block ? "block" : "file", "device", "disk");
    attrs(
        child(element, "driver"),
        "name",
        "qemu",
        "type",
        block ? "raw" : "qcow2",
        "cache",
        "none",
        "discard",
        "unmap");
    attrs(child(element, "source"), block ? "dev" : "file", disk.path().toString());
    attrs(child(element, "target"), "dev", target, "bus", "virtio");
    if (bootOrder > 0) {
      attrs(child(element, "boot"), "order", Integer.toString(bootOrder));
    }
  }

  static void cdrom(Element devices, String path, String target, int bootOrder) {
    Element element = attrs(child(devices, "disk"), "type", "file", "device", "cdrom");
    attrs(child(element, "driver"), "name", "qemu", "type", "raw");
    attrs(child(element, "source"), "file", path);
    attrs(child(element, "target"), "dev", target, "bus", "sata");
    child(element, "readonly");
    if (bootOrder > 0) {
      attrs(child(element, "boot"), "order", Integer.toString(bootOrder));
    }
  }

  private static void nic(Element devices, DomainSpec.Nic nic) {
    boolean bridge = nic.kind() == DomainSpec.NicKind.BRIDGE;
    Element element = attrs(child(devices, "interface"), "type", bridge ? "bridge" : "network");
    nic.mac().ifPresent(mac -> attrs(child(element, "mac"), "address", mac.value()));
    attrs(child(element, "source"), bridge ? "bridge" : "network", nic.source());
    attrs(child(element, "model"), "type", "virtio");
  }

  private static void consoleAndChannels(Element devices) {
    Element serial = attrs(child(devices, "serial"), "type", "pty");
    attrs(child(serial, "target"), "port", "0");
    Element console = attrs(child(devices, "console"), "type", "pty");
    attrs(child(console, "target"), "type", "serial", "port", "0");
    Element channel = attrs(child(devices, "channel"), "type", "unix");
    attrs(child(channel, "target"), "type", "virtio", "name", "org.qemu.guest_agent.0");
  }

  /** The disk targets a spec uses, for tests and messages. */
  static List<String> targets(DomainSpec spec) {
    return IntStream.range(0, spec.disks().size()).mapToObj(i -> "vd" + (char) ('a' + i)).toList();
  }
}
