package dev.kldload.dist;

import java.util.List;
import java.util.Map;

/**
 * A roff (man(7) macros) document, built line by line. Text is escaped here, once: backslashes,
 * hyphens (so options render as minus signs and can be searched for), lines that would start with a
 * control character, and the few non-ASCII characters our help text uses, mapped to groff's named
 * glyphs so that every output device (the ASCII one included) renders them without a warning.
 */
final class Roff {
  private static final Map<Character, String> GLYPHS =
      Map.ofEntries(
          Map.entry('\u2014', "\\(em"),
          Map.entry('\u2013', "\\(en"),
          Map.entry('\u2026', "..."),
          Map.entry('\u2018', "\\(oq"),
          Map.entry('\u2019', "\\(cq"),
          Map.entry('\u201c', "\\(lq"),
          Map.entry('\u201d', "\\(rq"),
          Map.entry('\u2192', "\\(->"),
          Map.entry('\u2190', "\\(<-"),
          Map.entry('\u2194', "\\(<>"),
          Map.entry('\u2264', "\\(<="),
          Map.entry('\u2265', "\\(>="),
          Map.entry('\u00d7', "\\(mu"),
          Map.entry('\u00b7', "\\(pc"),
          Map.entry('\u00a0', "\\ "),
          Map.entry('\u2248', "\\(~~"),
          Map.entry('\u2212', "\\-"),
          Map.entry('\u00e9', "\\('e"));

  private final StringBuilder sb = new StringBuilder();

  /** Escapes text for use inside a line. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\e");
        case '-' -> out.append("\\-");
        default -> {
          String glyph = GLYPHS.get(c);
          if (glyph != null) {
            out.append(glyph);
          } else if (c > 0x7e) {
            out.append(String.format("\\[u%04X]", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** A macro argument in double quotes. */
  static String quote(String text) {
    return "\"" + escape(text).replace("\"", "\\(dq") + "\"";
  }

  /** A raw line; one starting with . or ' after escaping is protected with \&amp;. */
  void line(String raw) {
    sb.append(raw).append('\n');
  }

  void section(String name) {
    line(".SH " + quote(name));
  }

  void subsection(String name) {
    line(".SS " + quote(name));
  }

  /** A filled paragraph; blank lines in {@code text} start new paragraphs. */
  void text(String text) {
    boolean first = true;
    for (String para : text.split("\n\\s*\n")) {
      if (para.isBlank()) {
        continue;
      }
      if (!first) {
        line(".PP");
      }
      first = false;
      for (String l : para.strip().split("\n")) {
        body(escape(l.strip()));
      }
    }
  }

  /** A synopsis line: no hyphenation, breaks only between words. */
  void synopsis(String text) {
    line(".PP");
    line(".nh");
    line(".ad l");
    body(escape(text));
    line(".ad");
    line(".hy");
  }

  /** A tagged paragraph: {@code tag} is already roff (font escapes allowed), body is text. */
  void tagged(String tag, String body) {
    line(".TP");
    body(tag);
    for (String l : body.strip().split("\n")) {
      if (!l.isBlank()) {
        body(escape(l.strip()));
      }
    }
  }

  /** Command lines, unfilled and indented. */
  void example(List<String> lines) {
    line(".PP");
    line(".RS 4");
    line(".nf");
    for (String l : lines) {
      body(escape(l));
    }
    line(".fi");
    line(".RE");
  }

  private void body(String escaped) {
    if (escaped.startsWith(".") || escaped.startsWith("'")) {
      line("\\&" + escaped);
    } else {
      line(escaped);
    }
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
