package dev.kldload.cli.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text the build writes for one tool (as a constant of a generated class, {@link #PACKAGE}):
 * every class of its command tree (commands, their superclasses, mixins, subcommands) with its
 * {@code @Command} and its annotated members in the order picocli visits them. Plain text, so
 * reading it loads nothing but {@code java.base}.
 *
 * <pre>
 * type dev.kldload.cli.kvm.KvmListCommand
 * &#64;Command
 * =name	kvm-list
 * =header	List virtual machines: ...
 * field	output	dev.kldload.cli.support.OutputOption
 * &#64;Mixin
 * =name	(one empty token)
 * method	setVerbose	[Z
 * &#64;Option
 * =names	-v	--verbose
 * </pre>
 *
 * Tokens are tab-separated; a backslash escapes backslash, tab, newline and carriage return. An
 * attribute line holds every token of the attribute (none for an empty array).
 */
final class ModelFile {
  /**
   * The package of the classes that carry the model texts (written by {@code ModelWriter},
   * build-time code in the test sources).
   */
  static final String PACKAGE = "dev.kldload.cli.model.text";

  /** The class that carries the model text of a tool (or of {@code kldload}, the root). */
  static String className(String tool) {
    return "Model_".concat(tool.replace('-', '_'));
  }

  /** One class as the build saw it. */
  record TypeEntry(String className, AnnotationValues command, List<MemberEntry> members) {}

  /** An annotated field, or a setter method with its one parameter's type. */
  record MemberEntry(
      boolean method, String name, String type, Map<String, AnnotationValues> annotations) {}

  private ModelFile() {}

  /**
   * The model of a tool, if the build wrote one. It is a constant of a generated class rather than
   * a resource: a class comes from the class-data sharing archive, a resource would open the jar
   * (~4 ms).
   */
  static Optional<Map<String, TypeEntry>> read(String tool) {
    Class<?> carrier;
    try {
      carrier =
          Class.forName(
              PACKAGE.concat(".").concat(className(tool)), true, ModelFile.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    }
    try {
      Field text = carrier.getDeclaredField("TEXT");
      text.setAccessible(true);
      StringBuilder joined = new StringBuilder();
      for (String chunk : (String[]) text.get(null)) {
        joined.append(chunk);
      }
      return Optional.of(parse(new BufferedReader(new StringReader(joined.toString()))));
    } catch (ReflectiveOperationException e) {
      throw new ModelMismatchException("unreadable model of " + tool, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, TypeEntry> parse(BufferedReader reader) throws IOException {
    Map<String, TypeEntry> types = new HashMap<>();
    String className = null;
    AnnotationValues command = null;
    List<MemberEntry> members = null;
    Map<String, AnnotationValues> memberAnnotations = null;
    AnnotationValues current = null;
    String line;
    while ((line = reader.readLine()) != null) {
      List<String> tokens = split(line);
      String head = tokens.get(0);
      if (head.equals("type")) {
        if (className != null) {
          types.put(className, new TypeEntry(className, command, members));
        }
        className = tokens.get(1);
        command = null;
        members = new ArrayList<>();
        memberAnnotations = null;
        current = null;
      } else if (head.equals("field") || head.equals("method")) {
        memberAnnotations = new LinkedHashMap<>();
        members.add(
            new MemberEntry(
                head.equals("method"), tokens.get(1), tokens.get(2), memberAnnotations));
        current = null;
      } else if (head.startsWith("@")) {
        current = new AnnotationValues();
        if (memberAnnotations == null) {
          command = current;
        } else {
          memberAnnotations.put(head.substring(1), current);
        }
      } else if (head.startsWith("=") && current != null) {
        current.put(head.substring(1), tokens.subList(1, tokens.size()));
      } else {
        throw new ModelMismatchException("unreadable model line: " + line);
      }
    }
    if (className != null) {
      types.put(className, new TypeEntry(className, command, members));
    }
    return types;
  }

  static List<String> split(String line) {
    List<String> tokens = new ArrayList<>();
    StringBuilder token = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\t') {
        tokens.add(token.toString());
        token.setLength(0);
      } else if (c == '\\' && i + 1 < line.length()) {
        char next = line.charAt(++i);
        token.append(next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next);
      } else {
        token.append(c);
      }
    }
    tokens.add(token.toString());
    return tokens;
  }

  static String escape(String token) {
    StringBuilder out = new StringBuilder(token.length());
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
