package dev.kldload.kvm.xml;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A read-only element tree built with the JDK's StAX reader, for definitions that are only read
 * ({@link DomainDefinition}): the DOM's parser configuration and node classes cost a listing more
 * start-up than the few fields it reads. Answers as {@link Xml}'s DOM helpers do (children by local
 * name without a namespace, unprefixed attributes, text of all descendants), with the same limits:
 * no DTD, no external entities.
 */
final class XmlElement {
  private final String namespace;
  private final String name;
  private final Map<String, String> attributes;
  private final List<XmlElement> children = new ArrayList<>();
  private final StringBuilder text = new StringBuilder();

  private XmlElement(String namespace, String name, Map<String, String> attributes) {
    this.namespace = namespace;
    this.name = name;
    this.attributes = attributes;
  }

  /** The document element of {@code xml}. */
  static XmlElement parse(String xml) {
    try {
      XMLStreamReader reader = factory().createXMLStreamReader(new StringReader(xml));
      try {
        return read(reader);
      } finally {
        reader.close();
      }
    } catch (XMLStreamException e) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "domain definition is not well-formed XML: " + e.getMessage().replace('\n', ' '),
          "check the definition with 'virsh dumpxml'",
          e);
    }
  }

  /**
   * A new reader factory (one per parse: the JDK's are not documented thread-safe). The first one
   * in a run initialises java.xml's parser and security settings, ~7 ms.
   */
  static XMLInputFactory factory() {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return factory;
  }

  private static XmlElement read(XMLStreamReader reader) throws XMLStreamException {
    Deque<XmlElement> open = new ArrayDeque<>();
    XmlElement root = null;
    while (reader.hasNext()) {
      switch (reader.next()) {
        case XMLStreamConstants.START_ELEMENT -> {
          Map<String, String> attributes = new HashMap<>();
          for (int i = 0; i < reader.getAttributeCount(); i++) {
            String prefix = reader.getAttributePrefix(i);
            if (prefix == null || prefix.isEmpty()) {
              attributes.put(reader.getAttributeLocalName(i), reader.getAttributeValue(i));
            }
          }
          String uri = reader.getNamespaceURI();
          XmlElement element =
              new XmlElement(
                  uri == null || uri.isEmpty() ? null : uri, reader.getLocalName(), attributes);
          if (open.isEmpty()) {
            root = element;
          } else {
            open.peek().children.add(element);
          }
          open.push(element);
        }
        case XMLStreamConstants.END_ELEMENT -> open.pop();
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
          // an element's text is that of all its descendants, as the DOM's getTextContent()
          for (XmlElement element : open) {
            element.text.append(reader.getText());
          }
        }
        case XMLStreamConstants.DTD ->
            throw new XMLStreamException("a DOCTYPE is not allowed", reader.getLocation());
        default -> {
          // comments, processing instructions: not content
        }
      }
    }
    if (root == null) {
      throw new XMLStreamException("no document element");
    }
    return root;
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
