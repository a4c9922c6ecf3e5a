package dev.kldload.kvm.xml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a domain definition into an {@link XmlElement} tree: the well-formed XML 1.0 that libvirt
 * writes, with namespaces, comments, CDATA, processing instructions and the predefined and
 * character references. Anything else is refused, never guessed at: a DOCTYPE (so no DTD and no
 * entity of one), a markup error, a character XML does not allow, an undeclared prefix.
 *
 * <p>Why not the JDK's StAX reader: its first use in a run costs ~8 ms of start-up (java.xml's
 * security settings, and the method handles it spins for them), about a tenth of a whole {@code
 * kvm-list} (docs/performance.md). {@code XmlReaderTest} holds this reader to StAX, which it
 * replaced: the same tree for every document StAX reads, and a refusal for every one it refuses.
 */
final class XmlReader {
  private static final String XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";

  /** The document is not well-formed, or outside what this reader takes. */
  static final class MalformedXmlException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedXmlException(String message) {
      super(message);
    }
  }

  /** An element whose end tag is still to come, with the prefixes in scope inside it. */
  private record Open(XmlElement element, String qname, Map<String, String> prefixes) {}

  private final String in;
  private int pos;
  private final Deque<Open> open = new ArrayDeque<>();

  private XmlReader(String in) {
    this.in = in;
  }

  /** The document element of {@code xml}. */
  static XmlElement parse(String xml) throws MalformedXmlException {
    return new XmlReader(xml).document();
  }

  private XmlElement document() throws MalformedXmlException {
    checkCharacters();
    if (in.startsWith("<?xml") && in.length() > 5 && space(in.charAt(5))) {
      declaration();
    }
    misc();
    if (!in.startsWith("<", pos)) {
      throw error("no document element");
    }
    Map<String, String> prefixes = new HashMap<>();
    prefixes.put("xml", XML_NAMESPACE);
    XmlElement root = startTag(prefixes);
    while (!open.isEmpty()) {
      if (pos >= in.length()) {
        throw error("element <" + open.peek().qname() + "> is not closed");
      }
      if (in.charAt(pos) != '<') {
        text(charData());
      } else if (in.startsWith("</", pos)) {
        endTag();
      } else if (in.startsWith("<!--", pos)) {
        comment();
      } else if (in.startsWith("<![CDATA[", pos)) {
        text(cdata());
      } else if (in.startsWith("<?", pos)) {
        processingInstruction();
      } else if (in.startsWith("<!", pos)) {
        throw error("a declaration is not allowed inside an element");
      } else {
        startTag(open.peek().prefixes());
      }
    }
    misc();
    if (pos < in.length()) {
      throw error("content after the document element");
    }
    return root;
  }

  /** Whitespace, comments and processing instructions around the document element. */
  private void misc() throws MalformedXmlException {
    while (true) {
      skipSpace();
      if (in.startsWith("<!--", pos)) {
        comment();
      } else if (in.startsWith("<?", pos)) {
        processingInstruction();
      } else if (in.startsWith("<!DOCTYPE", pos)) {
        throw error("a DOCTYPE is not allowed");
      } else {
        return;
      }
    }
  }

  /**
   * {@code <?xml version="1.0" encoding="..." standalone="yes"?>}, only at the very start. The
   * encoding is not checked: the document is characters already.
   */
  private void declaration() throws MalformedXmlException {
    pos += "<?xml".length();
    String version = pseudoAttribute("version", true);
    if (!version.equals("1.0") && !version.equals("1.1")) {
      throw error("XML version " + version + " is not supported");
    }
    pseudoAttribute("encoding", false);
    String standalone = pseudoAttribute("standalone", false);
    if (standalone != null && !standalone.equals("yes") && !standalone.equals("no")) {
      throw error("standalone must be yes or no");
    }
    skipSpace();
    if (!in.startsWith("?>", pos)) {
      throw error("the XML declaration is not valid");
    }
    pos += 2;
  }

  /** {@code S name S? = S? "value"} of the XML declaration; null when it is optional and absent. */
  private String pseudoAttribute(String name, boolean required) throws MalformedXmlException {
    int start = pos;
    if (!skipSpace() || !in.startsWith(name, pos)) {
      if (required) {
        throw error("the XML declaration needs " + name);
      }
      pos = start;
      return null;
    }
    pos += name.length();
    skipSpace();
    expect('=');
    skipSpace();
    if (pos >= in.length() || (in.charAt(pos) != '"' && in.charAt(pos) != '\'')) {
      throw error("the value of " + name + " must be quoted");
    }
    int end = in.indexOf(in.charAt(pos), pos + 1);
    if (end < 0) {
      throw error("the value of " + name + " is not closed");
    }
    String value = in.substring(pos + 1, end);
    pos = end + 1;
    return value;
  }

  /** Reads a start tag; returns its element, left open unless the tag is empty. */
  private XmlElement startTag(Map<String, String> outer) throws MalformedXmlException {
    pos++;
    String qname = name();
    List<String[]> raw = new ArrayList<>();
    boolean empty;
    while (true) {
      boolean spaced = skipSpace();
      if (in.startsWith("/>", pos)) {
        pos += 2;
        empty = true;
        break;
      }
      if (in.startsWith(">", pos)) {
        pos++;
        empty = false;
        break;
      }
      if (pos >= in.length()) {
        throw error("start tag <" + qname + " is not closed");
      }
      if (!spaced) {
        throw error("whitespace is needed before an attribute in <" + qname + ">");
      }
      String attribute = name();
      for (String[] seen : raw) {
        if (seen[0].equals(attribute)) {
          throw error("attribute " + attribute + " is given twice in <" + qname + ">");
        }
      }
      skipSpace();
      expect('=');
      skipSpace();
      raw.add(new String[] {attribute, attributeValue()});
    }
    Map<String, String> prefixes = outer;
    for (String[] a : raw) {
      if (a[0].equals("xmlns") || a[0].startsWith("xmlns:")) {
        if (prefixes == outer) {
          prefixes = new HashMap<>(outer);
        }
        declare(prefixes, a[0], a[1]);
      }
    }
    Map<String, String> attributes = new HashMap<>();
    for (String[] a : raw) {
      if (a[0].equals("xmlns") || a[0].startsWith("xmlns:")) {
        continue;
      }
      int colon = qualified(a[0]);
      if (colon < 0) {
        attributes.put(a[0], a[1]);
      } else {
        // prefixed attributes are other vocabularies' (the DOM helpers skip them too)
        namespace(prefixes, a[0].substring(0, colon), a[0]);
      }
    }
    int colon = qualified(qname);
    String uri =
        colon < 0 ? prefixes.get("") : namespace(prefixes, qname.substring(0, colon), qname);
    XmlElement element =
        new XmlElement(
            uri == null || uri.isEmpty() ? null : uri,
            colon < 0 ? qname : qname.substring(colon + 1),
            attributes);
    if (!open.isEmpty()) {
      open.peek().element().add(element);
    }
    if (!empty) {
      open.push(new Open(element, qname, prefixes));
    }
    return element;
  }

  private void declare(Map<String, String> prefixes, String attribute, String uri)
      throws MalformedXmlException {
    if (attribute.equals("xmlns")) {
      prefixes.put("", uri);
      return;
    }
    String prefix = attribute.substring("xmlns:".length());
    if (prefix.isEmpty() || prefix.indexOf(':') >= 0 || !nameStart(prefix.charAt(0))) {
      throw error("namespace declaration " + attribute + " is not valid");
    }
    if (uri.isEmpty()) {
      throw error("prefix " + prefix + " cannot be bound to no namespace");
    }
    if (prefix.equals("xmlns")
        || prefix.equals("xml") != uri.equals(XML_NAMESPACE)
        || uri.equals("http://www.w3.org/2000/xmlns/")) {
      throw error("prefix " + prefix + " cannot be bound to " + uri);
    }
    prefixes.put(prefix, uri);
  }

  /**
   * The colon of a prefixed name, or -1. Prefix and local part must each be a name without a colon:
   * an empty part, a second colon or a local part that cannot start a name is refused.
   */
  private int qualified(String qname) throws MalformedXmlException {
    int colon = qname.indexOf(':');
    if (colon >= 0
        && (colon == 0
            || colon == qname.length() - 1
            || qname.indexOf(':', colon + 1) >= 0
            || !nameStart(qname.charAt(colon + 1)))) {
      throw error("name " + qname + " is not a valid qualified name");
    }
    return colon;
  }

  private String namespace(Map<String, String> prefixes, String prefix, String qname)
      throws MalformedXmlException {
    String uri = prefixes.get(prefix);
    if (uri == null) {
      throw error("prefix " + prefix + " of " + qname + " is not declared");
    }
    return uri;
  }

  private void endTag() throws MalformedXmlException {
    pos += 2;
    String qname = name();
    skipSpace();
    expect('>');
    Open element = open.pop();
    if (!qname.equals(element.qname())) {
      throw error("</" + qname + "> does not close <" + element.qname() + ">");
    }
  }

  /** An element's text is that of all its descendants, as the DOM's getTextContent(). */
  private void text(String text) {
    for (Open element : open) {
      element.element().append(text);
    }
  }

  private String charData() throws MalformedXmlException {
    StringBuilder out = new StringBuilder();
    while (pos < in.length() && in.charAt(pos) != '<') {
      char c = in.charAt(pos);
      if (c == '&') {
        reference(out);
      } else if (c == ']' && in.startsWith("]]>", pos)) {
        throw error("]]> is not allowed in text");
      } else {
        newlineOr(c, out);
      }
    }
    return out.toString();
  }

  private String attributeValue() throws MalformedXmlException {
    if (pos >= in.length() || (in.charAt(pos) != '"' && in.charAt(pos) != '\'')) {
      throw error("an attribute value must be quoted");
    }
    char quote = in.charAt(pos++);
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= in.length()) {
        throw error("attribute value is not closed");
      }
      char c = in.charAt(pos);
      if (c == quote) {
        pos++;
        return out.toString();
      }
      if (c == '<') {
        throw error("< is not allowed in an attribute value");
      }
      if (c == '&') {
        reference(out);
      } else if (c == '\r' || c == '\n' || c == '\t') {
        // attribute-value normalisation: a line end (CR LF counts as one) or tab is a space
        pos += c == '\r' && in.startsWith("\r\n", pos) ? 2 : 1;
        out.append(' ');
      } else {
        out.append(c);
        pos++;
      }
    }
  }

  /** Appends {@code c} at {@code pos}, a CR LF or lone CR as one LF (end-of-line handling). */
  private void newlineOr(char c, StringBuilder out) {
    if (c == '\r') {
      out.append('\n');
      pos += in.startsWith("\r\n", pos) ? 2 : 1;
    } else {
      out.append(c);
      pos++;
    }
  }

  private void reference(StringBuilder out) throws MalformedXmlException {
    int end = in.indexOf(';', pos);
    if (end < 0) {
      throw error("& must start a reference such as &amp;");
    }
    String ref = in.substring(pos + 1, end);
    if (ref.startsWith("#")) {
      out.appendCodePoint(characterReference(ref));
    } else {
      switch (ref) {
        case "lt" -> out.append('<');
        case "gt" -> out.append('>');
        case "amp" -> out.append('&');
        case "quot" -> out.append('"');
        case "apos" -> out.append('\'');
        default -> throw error("entity &" + ref + "; is not declared (no DTD is read)");
      }
    }
    pos = end + 1;
  }

  private int characterReference(String ref) throws MalformedXmlException {
    boolean hex = ref.startsWith("#x");
    String digits = ref.substring(hex ? 2 : 1);
    int code = 0;
    for (int i = 0; i < digits.length(); i++) {
      int digit = Character.digit(digits.charAt(i), hex ? 16 : 10);
      if (digit < 0 || code > 0x10FFFF) {
        throw error("character reference &" + ref + "; is not valid");
      }
      code = code * (hex ? 16 : 10) + digit;
    }
    if (digits.isEmpty() || !allowed(code)) {
      throw error("character reference &" + ref + "; is not an XML character");
    }
    return code;
  }

  private String cdata() throws MalformedXmlException {
    int end = in.indexOf("]]>", pos);
    if (end < 0) {
      throw error("CDATA section is not closed");
    }
    StringBuilder out = new StringBuilder();
    pos += "<![CDATA[".length();
    while (pos < end) {
      newlineOr(in.charAt(pos), out);
    }
    pos = end + 3;
    return out.toString();
  }

  private void comment() throws MalformedXmlException {
    int dashes = in.indexOf("--", pos + 4);
    if (dashes < 0) {
      throw error("comment is not closed");
    }
    if (!in.startsWith("-->", dashes)) {
      throw error("-- is not allowed inside a comment");
    }
    pos = dashes + 3;
  }

  private void processingInstruction() throws MalformedXmlException {
    pos += 2;
    String target = name();
    if (target.equalsIgnoreCase("xml")) {
      throw error("an XML declaration is allowed only at the start of the document");
    }
    int end = in.indexOf("?>", pos);
    if (end < 0 || (end > pos && !space(in.charAt(pos)))) {
      throw error("processing instruction " + target + " is not valid or not closed");
    }
    pos = end + 2;
  }

  private String name() throws MalformedXmlException {
    int start = pos;
    if (pos >= in.length() || !nameStart(in.charAt(pos))) {
      throw error("a name is expected");
    }
    pos++;
    while (pos < in.length() && nameChar(in.charAt(pos))) {
      pos++;
    }
    return in.substring(start, pos);
  }

  private void expect(char c) throws MalformedXmlException {
    if (pos >= in.length() || in.charAt(pos) != c) {
      throw error("'" + c + "' is expected");
    }
    pos++;
  }

  /** Skips whitespace; says whether there was any. */
  private boolean skipSpace() {
    int start = pos;
    while (pos < in.length() && space(in.charAt(pos))) {
      pos++;
    }
    return pos > start;
  }

  private static boolean space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  // XML 1.0 (fifth edition) name characters
  private static boolean nameStart(char c) {
    return c >= 'a' && c <= 'z'
        || c >= 'A' && c <= 'Z'
        || c == ':'
        || c == '_'
        || c >= 0xC0 && c <= 0xD6
        || c >= 0xD8 && c <= 0xF6
        || c >= 0xF8 && c <= 0x2FF
        || c >= 0x370 && c <= 0x37D
        || c >= 0x37F && c <= 0x1FFF
        || c >= 0x200C && c <= 0x200D
        || c >= 0x2070 && c <= 0x218F
        || c >= 0x2C00 && c <= 0x2FEF
        || c >= 0x3001 && c <= 0xD7FF
        || c >= 0xF900 && c <= 0xFDCF
        || c >= 0xFDF0 && c <= 0xFFFD
        || Character.isSurrogate(c);
  }

  private static boolean nameChar(char c) {
    return nameStart(c)
        || c >= '0' && c <= '9'
        || c == '-'
        || c == '.'
        || c == 0xB7
        || c >= 0x300 && c <= 0x36F
        || c >= 0x203F && c <= 0x2040;
  }

  /** Every character must be one XML 1.0 allows, surrogates in pairs. */
  private void checkCharacters() throws MalformedXmlException {
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < in.length()
          && Character.isLowSurrogate(in.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c) || !allowed(c)) {
        pos = i;
        throw error(String.format("character U+%04X is not allowed in XML", (int) c));
      }
    }
  }

  private static boolean allowed(int c) {
    return c == 0x9
        || c == 0xA
        || c == 0xD
        || c >= 0x20 && c <= 0xD7FF
        || c >= 0xE000 && c <= 0xFFFD
        || c >= 0x10000 && c <= 0x10FFFF;
  }

  private MalformedXmlException error(String message) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < Math.min(pos, in.length()); i++) {
      if (in.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new MalformedXmlException("line " + line + ", column " + column + ": " + message);
  }
}
