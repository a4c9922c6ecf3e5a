package dev.kldload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Conventions ArchUnit cannot see because they live in source text, checked over every module's
 * main and test sources.
 */
class SourceConventionTest {
  /** A qualified type name: lower-case package segments, then a capitalised type. */
  private static final Pattern QUALIFIED =
      Pattern.compile(
          "(?<![\\w.])(?:java|javax|dev|com|org|io|picocli|sun|jdk|tools)\\.(?:[a-z_][a-z0-9_]*\\.)+[A-Z]\\w*");

  private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"");

  /**
   * Names are imported, never spelled out inline ({@code java.util.Set<String> x}, {@code
   * dev.kldload.core.KldloadException k}): an inline name hides a dependency from the import list
   * and makes two spellings of one type. The only exceptions, listed in {@code
   * inline-names-allowed.txt} (file and name), are types whose simple name a file already imports
   * for another type (an adapter translating fabric8's {@code Taint} into the port's); an entry
   * that no longer occurs fails too, so the list never holds stale lines.
   */
  @Test
  @DisplayName(
      "no inline fully-qualified names in code, only imports (except where the simple name is taken)")
  void noInlineQualifiedNames() throws IOException {
    Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    Set<String> found = new TreeSet<>();
    List<Path> sources;
    try (Stream<Path> modules = Files.list(root)) {
      sources = new ArrayList<>();
      for (Path module :
          modules.filter(p -> p.getFileName().toString().startsWith("kldload-")).toList()) {
        Path src = module.resolve("src");
        if (Files.isDirectory(src)) {
          try (Stream<Path> files = Files.walk(src)) {
            // a module declaration names services and providers by their qualified names only
            files
                .filter(p -> p.toString().endsWith(".java"))
                .filter(p -> !p.getFileName().toString().equals("module-info.java"))
                .forEach(sources::add);
          }
        }
      }
    }
    assertThat(sources).as("sources under %s", root).isNotEmpty();
    for (Path file : sources) {
      String rel = root.relativize(file).toString();
      for (String name : inlineNames(Files.readAllLines(file, StandardCharsets.UTF_8))) {
        found.add(rel + "\t" + name);
      }
    }
    Set<String> allowed = allowed();
    Set<String> added = new TreeSet<>(found);
    added.removeAll(allowed);
    Set<String> fixed = new TreeSet<>(allowed);
    fixed.removeAll(found);
    assertThat(added).as("inline qualified names: import them instead").isEmpty();
    assertThat(fixed).as("fixed: remove these lines from inline-names-allowed.txt").isEmpty();
  }

  /** Qualified names in code: not in imports, comments or string literals. */
  static List<String> inlineNames(List<String> lines) {
    List<String> out = new ArrayList<>();
    boolean inComment = false;
    for (String line : lines) {
      String code = line;
      if (inComment) {
        int end = code.indexOf("*/");
        if (end < 0) {
          continue;
        }
        code = code.substring(end + 2);
        inComment = false;
      }
      String trimmed = code.strip();
      if (trimmed.startsWith("import ") || trimmed.startsWith("package ")) {
        continue;
      }
      code = STRING.matcher(code).replaceAll("\"\"").replaceAll("/\\*.*?\\*/", "");
      int open = code.indexOf("/*");
      if (open >= 0) {
        code = code.substring(0, open);
        inComment = true;
      }
      int slashes = code.indexOf("//");
      if (slashes >= 0) {
        code = code.substring(0, slashes);
      }
      Matcher m = QUALIFIED.matcher(code);
      while (m.find()) {
        out.add(m.group());
      }
    }
    return out;
  }

  private static Set<String> allowed() throws IOException {
    try (InputStream in =
        SourceConventionTest.class.getResourceAsStream("/inline-names-allowed.txt")) {
      Set<String> out = new TreeSet<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          out.add(line);
        }
      }
      return out;
    }
  }

  @Test
  @DisplayName("the scanner finds inline names in code and ignores imports, comments and strings")
  void scanner() {
    assertThat(
            inlineNames(
                List.of(
                    "import java.util.Set;",
                    "  java.util.Set<String> x = dev.kldload.core.KldloadException.invalid(\"a\", \"b\");",
                    "  // see java.util.List",
                    "  /** {@link java.util.Map} */",
                    "  String s = \"java.util.Optional\";")))
        .containsExactly("java.util.Set", "dev.kldload.core.KldloadException");
  }
}
