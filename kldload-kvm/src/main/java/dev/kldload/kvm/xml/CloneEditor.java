package dev.kldload.kvm.xml;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.VmName;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * Makes a clone's definition by editing the source's parsed definition: new name, disks and vars
 * file; uuid removed (libvirt assigns one) and the MAC addresses replaced; every cdrom of the
 * source dropped (the source's seed must not give the clone its identity) and the clone's own seed
 * attached; metadata set. Never text substitution.
 */
public final class CloneEditor {
  private CloneEditor() {}

  /**
   * @param sourceXml the source's inactive definition
   * @param name the clone's name
   * @param disks each source disk path mapped to the clone's disk path; every data disk must be
   *     mapped
   * @param nvram the clone's UEFI vars file (used when the source has one)
   * @param macs the clone's MAC addresses, one per interface in order (the seed names them)
   * @param seed the clone's cloud-init seed
   * @param metadata the clone's mark
   */
  public static String edit(
      String sourceXml,
      VmName name,
      Map<Path, Path> disks,
      Optional<Path> nvram,
      List<MacAddress> macs,
      Optional<Path> seed,
      DomainMetadata metadata) {
    var doc = Xml.parse(sourceXml);
    Element domain = doc.getDocumentElement();
    String sourceName = Xml.text(domain, "name").orElse("?");
    Xml.first(domain, "name").orElseThrow().setTextContent(name.value());
    Xml.first(domain, "uuid").ifPresent(domain::removeChild);
    domain.removeAttribute("id");
    Xml.path(domain, "os/nvram")
        .ifPresent(
            element ->
                nvram.ifPresentOrElse(
                    path -> element.setTextContent(path.toString()),
                    () -> element.getParentNode().removeChild(element)));
    Element devices = Xml.first(domain, "devices").orElseThrow();
    for (Element disk : Xml.children(devices, "disk")) {
      if ("cdrom".equals(disk.getAttribute("device"))) {
        devices.removeChild(disk);
        continue;
      }
      Optional<Path> source = source(disk);
      Path mapped = source.map(disks::get).orElse(null);
      if (mapped == null) {
        throw KldloadException.precondition(
            "domain "
                + sourceName
                + ": disk "
                + source.map(Path::toString).orElse("(no source)")
                + " has no clone",
            "only disks made by kvm-create or kvm-clone can be cloned");
      }
      Element src = Xml.first(disk, "source").orElseThrow();
      if (src.hasAttribute("dev")) {
        src.setAttribute("dev", mapped.toString());
      } else {
        src.setAttribute("file", mapped.toString());
      }
      // a qcow2 source may carry a <backingStore> chain; libvirt re-reads it from the new image
      Xml.children(disk, "backingStore").forEach(disk::removeChild);
    }
    List<Element> interfaces = Xml.children(devices, "interface");
    if (macs.size() != interfaces.size()) {
      throw new IllegalArgumentException(
          macs.size() + " MAC addresses for " + interfaces.size() + " interfaces");
    }
    for (int i = 0; i < interfaces.size(); i++) {
      Element iface = interfaces.get(i);
      Xml.children(iface, "mac").forEach(iface::removeChild);
      Element mac = doc.createElement("mac");
      mac.setAttribute("address", macs.get(i).value());
      iface.insertBefore(mac, iface.getFirstChild());
      Xml.children(iface, "target").forEach(iface::removeChild);
    }
    // log files and sockets named after the source would clash with the source's
    for (String tag : List.of("serial", "console", "channel")) {
      for (Element device : Xml.children(devices, tag)) {
        Xml.children(device, "log").forEach(device::removeChild);
        Xml.children(device, "source").stream()
            .filter(s -> s.hasAttribute("path"))
            .forEach(device::removeChild);
      }
    }
    seed.ifPresent(path -> DomainXmlWriter.cdrom(devices, path.toString(), "sda", 0));
    MetadataXml.set(domain, metadata);
    return Xml.write(doc);
  }

  /** The disk's source path, as {@link DomainDefinition} reads it. */
  private static Optional<Path> source(Element disk) {
    return Xml.first(disk, "source")
        .flatMap(
            s ->
                Xml.attr(s, "file")
                    .or(() -> Xml.attr(s, "dev"))
                    .or(() -> Xml.attr(s, "volume"))
                    .map(Path::of));
  }
}
