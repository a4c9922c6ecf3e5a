package dev.kldload.kvm.xml;

import java.util.Optional;
import java.util.function.Function;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Reads and writes our {@code <metadata>} element, leaving other tools' metadata untouched. */
public final class MetadataXml {
  private MetadataXml() {}

  /** Replaces our element (and only ours) under {@code <metadata>}, creating it if needed. */
  public static void set(Element domain, DomainMetadata metadata) {
    Document doc = domain.getOwnerDocument();
    Element meta =
        Xml.first(domain, "metadata")
            .orElseGet(
                () -> {
                  Element created = doc.createElement("metadata");
                  Node after = Xml.first(domain, "uuid").or(() -> Xml.first(domain, "name")).get();
                  domain.insertBefore(created, after.getNextSibling());
                  return created;
                });
    ours(meta).ifPresent(meta::removeChild);
    Element root =
        doc.createElementNS(
            DomainMetadata.NAMESPACE, DomainMetadata.PREFIX + ":" + DomainMetadata.ELEMENT);
    add(root, "owner", Optional.of(metadata.owner()));
    add(root, "role", Optional.of(metadata.role()));
    add(root, "cluster", metadata.cluster());
    add(root, "clone-origin", metadata.cloneOrigin());
    meta.appendChild(root);
  }

  /**
   * Records the guest OS the way virt-install does ({@code <libosinfo:libosinfo><libosinfo:os
   * id=…/>}), replacing an earlier record; call after {@link #set}, which creates {@code
   * <metadata>}.
   */
  public static void setOs(Element domain, OsVariant os) {
    Element meta = Xml.first(domain, "metadata").orElseThrow();
    for (Node n = meta.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e
          && OsVariant.NAMESPACE.equals(e.getNamespaceURI())
          && "libosinfo".equals(e.getLocalName())) {
        meta.removeChild(e);
        break;
      }
    }
    Document doc = domain.getOwnerDocument();
    Element root = doc.createElementNS(OsVariant.NAMESPACE, "libosinfo:libosinfo");
    Element element = doc.createElementNS(OsVariant.NAMESPACE, "libosinfo:os");
    element.setAttribute("id", os.osinfoId());
    root.appendChild(element);
    meta.appendChild(root);
  }

  /** Our mark on a parsed definition, if it has one. */
  public static Optional<DomainMetadata> read(Element domain) {
    return Xml.first(domain, "metadata")
        .flatMap(MetadataXml::ours)
        .map(root -> of(name -> value(root, name)));
  }

  /** The same, from a definition read by {@link XmlReader} ({@link DomainDefinition}). */
  static Optional<DomainMetadata> read(XmlElement domain) {
    return domain
        .first("metadata")
        .flatMap(meta -> meta.first(DomainMetadata.NAMESPACE, DomainMetadata.ELEMENT))
        .map(root -> of(name -> root.first(DomainMetadata.NAMESPACE, name).map(XmlElement::text)));
  }

  /** Our mark from its elements' values by name. */
  private static DomainMetadata of(Function<String, Optional<String>> value) {
    return new DomainMetadata(
        value.apply("owner").orElse(""),
        value.apply("role").orElse(""),
        value.apply("cluster"),
        value.apply("clone-origin"));
  }

  private static Optional<Element> ours(Element meta) {
    for (Node n = meta.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e
          && DomainMetadata.NAMESPACE.equals(e.getNamespaceURI())
          && DomainMetadata.ELEMENT.equals(e.getLocalName())) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  private static void add(Element root, String name, Optional<String> value) {
    value.ifPresent(
        v -> {
          Element e =
              root.getOwnerDocument()
                  .createElementNS(DomainMetadata.NAMESPACE, DomainMetadata.PREFIX + ":" + name);
          e.setTextContent(v);
          root.appendChild(e);
        });
  }

  private static Optional<String> value(Element root, String name) {
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e
          && DomainMetadata.NAMESPACE.equals(e.getNamespaceURI())
          && name.equals(e.getLocalName())) {
        return Optional.of(e.getTextContent().strip());
      }
    }
    return Optional.empty();
  }
}
