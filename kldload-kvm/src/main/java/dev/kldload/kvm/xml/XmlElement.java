package dev.kldload.kvm.xml;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read-only element tree of a definition that is only read ({@link DomainDefinition}), built by
 * {@link XmlReader}. Answers as {@link Xml}'s DOM helpers do (children by local name without a
 * namespace, unprefixed attributes, text of all descendants), with the same limits: no DTD, no
 * external entities.
 */
final class XmlElement {
  private final String namespace;
  private final String name;
  private final Map<String, String> attributes;
  private final List<XmlElement> children = new ArrayList<>();
  private final StringBuilder text = new StringBuilder();

  XmlElement(String namespace, String name, Map<String, String> attributes) {
    this.namespace = namespace;
    this.name = name;
    this.attributes = attributes;
  }

  /** The document element of {@code xml}. */
  static XmlElement parse(String xml) {
    try {
      return XmlReader.parse(xml);
    } catch (XmlReader.MalformedXmlException e) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "domain definition is not well-formed XML: " + e.getMessage(),
          "check the definition with 'virsh dumpxml'",
          e);
    }
  }

  void add(XmlElement child) {
    children.add(child);
  }

  void append(String more) {
    text.append(more);
  }

  /** The namespace URI, or null for none. */
  String namespace() {
    return namespace;
  }

  String name() {
    return name;
  }

  Map<String, String> attributes() {
    return attributes;
  }

  List<XmlElement> children() {
    return children;
  }

  /** The text of this element and its descendants, as read. */
  String rawText() {
    return text.toString();
  }

  /** Direct children with the given local name and no namespace. */
  List<XmlElement> children(String local) {
    List<XmlElement> out = new ArrayList<>();
    for (XmlElement child : children) {
      if (child.namespace == null && child.name.equals(local)) {
        out.add(child);
      }
    }
    return out;
  }

  Optional<XmlElement> first(String local) {
    return first(null, local);
  }

  /** The first direct child in {@code uri} (null: none) with the given local name. */
  Optional<XmlElement> first(String uri, String local) {
    for (XmlElement child : children) {
      if ((uri == null ? child.namespace == null : uri.equals(child.namespace))
          && child.name.equals(local)) {
        return Optional.of(child);
      }
    }
    return Optional.empty();
  }

  /** The element at a slash-separated path of child names, e.g. {@code os/nvram}. */
  Optional<XmlElement> path(String path) {
    Optional<XmlElement> current = Optional.of(this);
    for (String part : path.split("/")) {
      current = current.flatMap(e -> e.first(part));
    }
    return current;
  }

  /** The text at {@code path}, stripped. */
  Optional<String> text(String path) {
    return path(path).map(e -> e.text.toString().strip());
  }

  /** The text of this element and its descendants, stripped. */
  String text() {
    return text.toString().strip();
  }

  Optional<String> attr(String local) {
    return Optional.ofNullable(attributes.get(local));
  }
}
