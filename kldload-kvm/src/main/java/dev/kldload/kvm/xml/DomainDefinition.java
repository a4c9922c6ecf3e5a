package dev.kldload.kvm.xml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * What the tools read from a domain's XML: disks with their sources, the UEFI vars file and our
 * metadata. Parsed with the DOM, never with text matching.
 */
public record DomainDefinition(
    String name,
    Optional<String> uuid,
    List<DiskEntry> disks,
    Optional<Path> nvram,
    Optional<DomainMetadata> metadata,
    int nics) {

  /** A {@code <disk>}: device ({@code disk} or {@code cdrom}), its source path and target. */
  public record DiskEntry(String device, String type, Optional<Path> source, String target) {
    public boolean isCdrom() {
      return device.equals("cdrom");
    }
  }

  public static DomainDefinition parse(String xml) {
    Element domain = Xml.parse(xml).getDocumentElement();
    List<DiskEntry> disks = new ArrayList<>();
    Xml.first(domain, "devices")
        .ifPresent(
            devices -> {
              for (Element disk : Xml.children(devices, "disk")) {
                disks.add(
                    new DiskEntry(
                        Xml.attr(disk, "device").orElse("disk"),
                        Xml.attr(disk, "type").orElse("file"),
                        source(disk),
                        Xml.first(disk, "target").flatMap(t -> Xml.attr(t, "dev")).orElse("")));
              }
            });
    return new DomainDefinition(
        Xml.text(domain, "name").orElse(""),
        Xml.text(domain, "uuid"),
        List.copyOf(disks),
        Xml.text(domain, "os/nvram").filter(s -> !s.isEmpty()).map(Path::of),
        MetadataXml.read(domain),
        Xml.first(domain, "devices").map(d -> Xml.children(d, "interface").size()).orElse(0));
  }

  static Optional<Path> source(Element disk) {
    return Xml.first(disk, "source")
        .flatMap(
            s ->
                Xml.attr(s, "file")
                    .or(() -> Xml.attr(s, "dev"))
                    .or(() -> Xml.attr(s, "volume"))
                    .map(Path::of));
  }

  /** The data disks (not cdroms), in definition order. */
  public List<DiskEntry> dataDisks() {
    return disks.stream().filter(d -> !d.isCdrom()).toList();
  }

  public boolean ours() {
    return metadata.isPresent();
  }
}
