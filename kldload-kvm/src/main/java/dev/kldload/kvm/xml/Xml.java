package dev.kldload.kvm.xml;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * DOM helpers: a namespace-aware parser with DTDs and external entities off (definitions come from
 * libvirt, but a fixture file could come from anywhere), and a deterministic serialiser. Text and
 * attribute values go through the DOM, so names are escaped by construction, never pasted.
 */
public final class Xml {
  private Xml() {}

  public static Document newDocument() {
    return builder().newDocument();
  }

  public static Document parse(String xml) {
    try {
      return builder().parse(new InputSource(new StringReader(xml)));
    } catch (SAXException | IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "domain definition is not well-formed XML: " + e.getMessage(),
          "check the definition with 'virsh dumpxml'",
          e);
    }
  }

  /** Serialises with two-space indentation, no XML declaration, a trailing newline. */
  public static String write(Document document) {
    stripWhitespace(document.getDocumentElement());
    try {
      TransformerFactory factory = TransformerFactory.newDefaultInstance();
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
      Transformer transformer = factory.newTransformer();
      transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      transformer.setOutputProperty(OutputKeys.INDENT, "yes");
      transformer.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
      StringWriter out = new StringWriter();
      transformer.transform(new DOMSource(document), new StreamResult(out));
      String text = out.toString().replace("\r\n", "\n").strip();
      return text + "\n";
    } catch (TransformerException e) {
      throw new IllegalStateException("cannot serialise XML", e);
    }
  }

  /** Removes whitespace-only text nodes so that re-indentation is stable after edits. */
  private static void stripWhitespace(Node node) {
    NodeList children = node.getChildNodes();
    for (int i = children.getLength() - 1; i >= 0; i--) {
      Node child = children.item(i);
      if (child.getNodeType() == Node.TEXT_NODE && child.getTextContent().isBlank()) {
        node.removeChild(child);
      } else if (child.getNodeType() == Node.ELEMENT_NODE) {
        stripWhitespace(child);
      }
    }
  }

  public static Element child(Element parent, String name) {
    Element element = parent.getOwnerDocument().createElement(name);
    parent.appendChild(element);
    return element;
  }

  public static Element child(Element parent, String name, String text) {
    Element element = child(parent, name);
    element.setTextContent(text);
    return element;
  }

  /** Sets attributes from alternating name/value pairs. */
  public static Element attrs(Element element, String... pairs) {
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      element.setAttribute(pairs[i], pairs[i + 1]);
    }
    return element;
  }

  /** Direct children with the given local name (no namespace). */
  public static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(localName(e)) && e.getNamespaceURI() == null) {
        out.add(e);
      }
    }
    return out;
  }

  public static Optional<Element> first(Element parent, String name) {
    return children(parent, name).stream().findFirst();
  }

  /** The element at a slash-separated path of child names, e.g. {@code devices/disk}. */
  public static Optional<Element> path(Element root, String path) {
    Element current = root;
    for (String part : path.split("/")) {
      Optional<Element> next = first(current, part);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      current = next.get();
    }
    return Optional.of(current);
  }

  public static Optional<String> text(Element root, String path) {
    return path(root, path).map(e -> e.getTextContent().strip());
  }

  public static Optional<String> attr(Element element, String name) {
    return element.hasAttribute(name) ? Optional.of(element.getAttribute(name)) : Optional.empty();
  }

  static String localName(Element e) {
    return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
  }

  private static DocumentBuilder builder() {
    try {
      // the JDK's own parser, whose features are set below, without the provider look-up (system
      // property, jaxp.properties, a service search of the class path) newInstance() makes
      DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      return factory.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("no usable XML parser", e);
    }
  }
}
