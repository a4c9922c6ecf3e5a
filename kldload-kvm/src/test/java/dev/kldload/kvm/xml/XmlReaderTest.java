package dev.kldload.kvm.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link XmlReader} against the JDK's StAX reader, which it replaced, configured as before (no DTD,
 * no external entities, a DOCTYPE refused): on real definitions, on hand-picked edge cases, on
 * generated documents and on mutations of all of them, both must build the same tree or both
 * refuse.
 */
class XmlReaderTest {
  private static final Path RESOURCES = Path.of("src/test/resources");

  /** Well-formed documents whose edges the reader must get right. */
  static final List<String> VALID =
      List.of(
          "<a/>",
          "<a></a >",
          "<?xml version=\"1.0\"?><a/>",
          "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<a/>\n",
          "<!-- before --><?pi data?><a/><!-- after --><?pi?>\n",
          "<a b = 'c' d=\"e'f\" g='h\"i'/>",
          "<a b='tab\tnewline\ncr\rcrlf\r\nend'/>",
          "<a b='&#9;&#10;&#13;&#32;'/>",
          "<a>text\r\nwith\rline\nends</a>",
          "<a>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;</a>",
          "<a><![CDATA[<not> &markup; ]]]]><![CDATA[>\r\n]]></a>",
          "<a>one<!-- c -->two<?p x?>three<b>four</b>five</a>",
          "<a>]]</a>",
          "<a>> ]></a>",
          "<a xmlns='urn:d'><b/><c xmlns=''><d/></c><e:f xmlns:e='urn:e'/></a>",
          "<p:a xmlns:p='urn:p'><p:b xmlns:p='urn:q'/><p:c/></p:a>",
          "<a xmlns:p='urn:p' p:x='1' y='2' xml:lang='en'/>",
          "<a xmlns:xml='http://www.w3.org/XML/1998/namespace'/>",
          "<a><b><c><d><e>deep</e></d></c></b></a>",
          "<a>caf\u00e9 \u65e5\u672c \ud83d\ude00</a>",
          "<\u00e9l\u00e9ment attribut\u00b7x='v'/>",
          "<a.b-c_d e.f-g_h='1'/>",
          "<_a/>",
          "<a>  \n  </a>",
          "<a b=''/>");

  /** Not well-formed, or outside what both readers take: each must be refused. */
  static final List<String> MALFORMED =
      List.of(
          "",
          "   ",
          "text",
          "<a>",
          "<a></b>",
          "<a/><b/>",
          "<a/>text",
          "<a b='1' b='2'/>",
          "<a b=1/>",
          "<a b='<'/>",
          "<a b='c'd='e'/>",
          "<a>&unknown;</a>",
          "<a>& </a>",
          "<a>&#0;</a>",
          "<a>&#xD800;</a>",
          "<a>&#x110000;</a>",
          "<a>&#;</a>",
          "<a>]]></a>",
          "<a><!-- a -- b --></a>",
          "<a><!-- a ---></a>",
          "<!DOCTYPE a><a/>",
          "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>",
          "<a><!ENTITY e 'x'></a>",
          "<a><?xml version='1.0'?></a>",
          "<a/><?xml version='1.0'?>",
          " <?xml version='1.0'?><a/>",
          "<?xml version='1.0'?><?xml version='1.0'?><a/>",
          "<p:a/>",
          "<a p:b='1'/>",
          "<a xmlns:p=''/>",
          "<a:/>",
          "<a:b:c xmlns:a='urn:a'/>",
          "<1a/>",
          "<-a/>",
          "<a\u0001/>",
          "<a>\u0000</a>",
          "<a>\ud800</a>",
          "<a><![CDATA[unclosed</a>",
          "<a><!-- unclosed</a>",
          "<a b='unclosed/>",
          "\uFEFF<a/>",
          "<?xml version='1.01'?><a/>",
          "<?xml version='1.0' standalone='maybe'?><a/>",
          "<?xml encoding='UTF-8'?><a/>",
          "<a xml:-lang='en'/>",
          "<a xmlns:1p='urn:p'/>");

  @Test
  @DisplayName("the definitions in the test resources read as StAX read them")
  void resources() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(RESOURCES)) {
      files = walk.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(5);
    for (Path file : files) {
      String xml = Files.readString(file);
      assertThat(ours(xml)).as("%s", file).isEqualTo(stax(xml)).doesNotStartWith("refused");
    }
    assertThat(ours(DomainDefinitionTest.XML)).isEqualTo(stax(DomainDefinitionTest.XML));
  }

  @Test
  @DisplayName("edge cases of well-formed XML read as StAX read them")
  void valid() {
    for (String xml : VALID) {
      assertThat(ours(xml)).as("%s", xml).isEqualTo(stax(xml)).doesNotStartWith("refused");
    }
  }

  @Test
  @DisplayName("documents StAX refuses are refused, with a line and column")
  void malformed() {
    for (String xml : MALFORMED) {
      assertThat(stax(xml)).as("StAX: %s", xml).startsWith("refused");
      assertThat(ours(xml)).as("%s", xml).startsWith("refused");
    }
    assertThatThrownBy(() -> XmlReader.parse("<a>\n  <b></c>\n</a>"))
        .hasMessage("line 2, column 10: </c> does not close <b>");
  }

  @Test
  @DisplayName(
      "names that begin with a colon, which StAX takes as local names (\":a\"), are refused:"
          + " Namespaces in XML does not allow them")
  void stricterThanStax() {
    for (String xml : List.of("<:a/>", "<a :b='1'/>", "<a><:b/></a>")) {
      assertThat(stax(xml)).as("StAX: %s", xml).doesNotStartWith("refused");
      assertThat(ours(xml)).as("%s", xml).startsWith("refused");
      assertThat(COLON_NAME.matcher(xml).find()).isTrue();
    }
  }

  @Test
  @DisplayName("1,000 generated documents read as StAX read them")
  void generated() {
    Random random = new Random(20261130);
    for (int i = 0; i < 1000; i++) {
      String xml = Generator.document(random);
      assertThat(ours(xml)).as("%s", xml).isEqualTo(stax(xml));
    }
  }

  @Test
  @DisplayName(
      "mutations of every document (a character dropped, inserted or doubled): both read the same"
          + " tree or both refuse")
  void mutations() throws IOException {
    List<String> corpus = new ArrayList<>(VALID);
    try (Stream<Path> walk = Files.walk(RESOURCES)) {
      for (Path file : walk.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
        corpus.add(Files.readString(file));
      }
    }
    corpus.add(DomainDefinitionTest.XML);
    Random random = new Random(42);
    String inserts = "<>&;'\"/=:!?-[]#x \n\r\tab1";
    int compared = 0;
    for (String xml : corpus) {
      for (int i = 0; i < 300; i++) {
        int at = random.nextInt(xml.length() + 1);
        String mutant =
            switch (random.nextInt(3)) {
              case 0 -> at < xml.length() ? xml.substring(0, at) + xml.substring(at + 1) : xml;
              case 1 ->
                  xml.substring(0, at)
                      + inserts.charAt(random.nextInt(inserts.length()))
                      + xml.substring(at);
              default -> {
                int end = Math.min(xml.length(), at + 1 + random.nextInt(8));
                yield xml.substring(0, end) + xml.substring(at, end) + xml.substring(end);
              }
            };
        String ours = ours(mutant);
        String stax = stax(mutant);
        if (!(ours.equals("refused") && COLON_NAME.matcher(mutant).find())) {
          assertThat(ours).as("%s", mutant).isEqualTo(stax);
        }
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(9000);
  }

  /** A tag or attribute name that begins with a colon: the one place this reader is stricter. */
  private static final Pattern COLON_NAME = Pattern.compile("(<|</|\\s):");

  /** Our tree, canonical, or "refused". */
  static String ours(String xml) {
    try {
      return canonical(XmlReader.parse(xml));
    } catch (XmlReader.MalformedXmlException e) {
      return "refused";
    }
  }

  private static String canonical(XmlElement e) {
    StringBuilder out = new StringBuilder();
    out.append('{').append(e.namespace()).append('}').append(e.name());
    out.append(new TreeMap<>(e.attributes()));
    out.append('"').append(e.rawText()).append('"');
    out.append('(');
    for (XmlElement child : e.children()) {
      out.append(canonical(child));
    }
    return out.append(')').toString();
  }

  /** The tree StAX builds, canonical as {@link #ours}: the reader's code before it was replaced. */
  static String stax(String xml) {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    try {
      XMLStreamReader reader = factory.createXMLStreamReader(new StringReader(xml));
      try {
        return canonical(read(reader));
      } finally {
        reader.close();
      }
    } catch (XMLStreamException | RuntimeException e) {
      return "refused";
    }
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
            open.peek().add(element);
          }
          open.push(element);
        }
        case XMLStreamConstants.END_ELEMENT -> open.pop();
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
          for (XmlElement element : open) {
            element.append(reader.getText());
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

  /** Random documents in libvirt's vocabulary and beyond, written in varying ways. */
  static final class Generator {
    private static final String[] NAMES = {
      "domain", "disk", "source", "x", "a-b", "a.b", "_u", "\u00e9t\u00e9", "kldload:owner", "p:q"
    };
    private static final String[] TEXTS = {
      "",
      " ",
      "web01",
      "a&b",
      "<tag>",
      "\"q\" 'a'",
      "line\nbreak",
      "cr\r\nlf",
      "tab\t",
      "]]",
      "\u65e5\u672c",
      "\ud83d\ude00",
      ">"
    };

    static String document(Random random) {
      StringBuilder out = new StringBuilder();
      if (random.nextInt(4) == 0) {
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
      }
      if (random.nextInt(4) == 0) {
        out.append("<!-- generated -->");
      }
      element(random, out, 0, random.nextBoolean());
      if (random.nextInt(4) == 0) {
        out.append("\n<?trailing pi?>\n");
      }
      return out.toString();
    }

    private static void element(Random random, StringBuilder out, int depth, boolean declareP) {
      String name = NAMES[random.nextInt(NAMES.length)];
      out.append('<').append(name);
      if (name.startsWith("kldload:")) {
        out.append(" xmlns:kldload='https://kldload.dev/xmlns/domain/1'");
      } else if (name.startsWith("p:") || declareP) {
        out.append(" xmlns:p=\"urn:p\"");
        declareP = true;
      }
      if (random.nextInt(5) == 0) {
        out.append(" xmlns='urn:default").append(random.nextInt(2)).append('\'');
      }
      int attributes = random.nextInt(4);
      for (int i = 0; i < attributes; i++) {
        out.append(random.nextBoolean() ? " " : "\n  ").append("a").append(i);
        out.append(random.nextBoolean() ? "=" : " = ");
        char quote = random.nextBoolean() ? '\'' : '"';
        out.append(quote).append(escape(TEXTS[random.nextInt(TEXTS.length)], quote)).append(quote);
      }
      if (declareP && random.nextBoolean()) {
        out.append(" p:skipped='1'");
      }
      if (depth > 4 || random.nextInt(4) == 0) {
        out.append("/>");
        return;
      }
      out.append('>');
      int parts = random.nextInt(5);
      for (int i = 0; i < parts; i++) {
        switch (random.nextInt(6)) {
          case 0, 1 -> element(random, out, depth + 1, declareP);
          case 2 -> out.append(escape(TEXTS[random.nextInt(TEXTS.length)], '<'));
          case 3 ->
              out.append("<![CDATA[").append(TEXTS[random.nextInt(TEXTS.length)]).append("]]>");
          case 4 -> out.append("<!-- c ").append(i).append(" -->");
          default -> out.append("&#").append(32 + random.nextInt(200)).append(';');
        }
      }
      out.append("</").append(name).append(random.nextBoolean() ? ">" : " >");
    }

    private static String escape(String text, char quote) {
      StringBuilder out = new StringBuilder();
      for (char c : text.toCharArray()) {
        switch (c) {
          case '&' -> out.append("&amp;");
          case '<' -> out.append("&lt;");
          case '"' -> out.append(quote == '"' ? "&quot;" : "\"");
          case '\'' -> out.append(quote == '\'' ? "&apos;" : "'");
          default -> out.append(c);
        }
      }
      return out.toString();
    }
  }
}
