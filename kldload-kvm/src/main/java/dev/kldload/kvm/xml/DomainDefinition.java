package dev.kldload.kvm.xml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the tools read from a domain's XML: disks with their sources, the UEFI vars file and our
 * metadata. Parsed by {@link XmlReader} into a small element tree ({@link XmlElement}), never with
 * text matching: definitions are only read here, and a listing reads one per domain.
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
    XmlElement domain = XmlElement.parse(xml);
    Optional<XmlElement> devices = domain.first("devices");
    List<DiskEntry> disks = new ArrayList<>();
    devices.ifPresent(
        d -> {
          for (XmlElement disk : d.children("disk")) {
            disks.add(
                new DiskEntry(
                    disk.attr("device").orElse("disk"),
                    disk.attr("type").orElse("file"),
                    source(disk),
                    disk.first("target").flatMap(t -> t.attr("dev")).orElse("")));
          }
        });
    return new DomainDefinition(
        domain.text("name").orElse(""),
        domain.text("uuid"),
        List.copyOf(disks),
        domain.text("os/nvram").filter(s -> !s.isEmpty()).map(Path::of),
        MetadataXml.read(domain),
        devices.map(d -> d.children("interface").size()).orElse(0));
  }

  private static Optional<Path> source(XmlElement disk) {
    return disk.first("source")
        .flatMap(s -> s.attr("file").or(() -> s.attr("dev")).or(() -> s.attr("volume")))
        .map(Path::of);
  }

  /** The data disks (not cdroms), in definition order. */
  public List<DiskEntry> dataDisks() {
    return disks.stream().filter(d -> !d.isCdrom()).toList();
  }

  public boolean ours() {
    return metadata.isPresent();
  }
}
