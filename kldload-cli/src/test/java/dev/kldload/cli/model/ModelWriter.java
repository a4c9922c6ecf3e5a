package dev.kldload.cli.model;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Writes, at build time, the text {@link CommandModels} builds a command's model from: every class
 * of the command's tree with its picocli annotations, read by reflection. Run by the build after
 * compiling ({@code process-test-classes}, before the tests and the jar), so the text always
 * matches the classes it ships with. Fails on a picocli feature {@link CommandModels} does not
 * build, rather than write a model that differs from picocli's.
 */
public final class ModelWriter {
  /** The picocli annotations picocli's reflection looks for on a field or method. */
  private static final List<Class<? extends Annotation>> MEMBER_ANNOTATIONS =
      List.of(
          Option.class,
          Parameters.class,
          Mixin.class,
          Spec.class,
          ParentCommand.class,
          ArgGroup.class,
          Unmatched.class);

  private static final String AUTO_HELP_MIXIN = "picocli.CommandLine$AutoHelpMixin";

  /**
   * Characters per string constant: at most 3 bytes each in the class file, whose limit is 65535.
   */
  private static final int CHUNK = 16_000;

  private ModelWriter() {}

  /**
   * Writes, for each named command, a class carrying its model text into {@code sources}, and
   * compiles them into {@code classes}.
   */
  public static void write(Path sources, Path classes, Map<String, Class<?>> commands)
      throws IOException {
    Path dir = sources.resolve(ModelFile.PACKAGE.replace('.', '/'));
    Files.createDirectories(dir);
    List<String> javac = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
    for (Map.Entry<String, Class<?>> command : commands.entrySet()) {
      String className = ModelFile.className(command.getKey());
      Path file = dir.resolve(className + ".java");
      Files.writeString(
          file,
          source(className, command.getKey(), text(command.getValue())),
          StandardCharsets.UTF_8);
      javac.add(file.toString());
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException("writing the command models needs a JDK's compiler");
    }
    if (compiler.run(null, null, null, javac.toArray(new String[0])) != 0) {
      throw new IllegalStateException("the command model classes did not compile: " + javac);
    }
  }

  /** A class whose {@code TEXT} holds the model text, in chunks under the constant pool's limit. */
  private static String source(String className, String name, String text) {
    StringBuilder out = new StringBuilder();
    out.append("package ").append(ModelFile.PACKAGE).append(";\n\n");
    out.append("/** The picocli model of ").append(name).append(": written by ModelWriter. */\n");
    out.append("final class ").append(className).append(" {\n");
    out.append("  static final String[] TEXT = {\n");
    for (int start = 0; start < text.length(); start += CHUNK) {
      out.append("    \"")
          .append(javaString(text.substring(start, Math.min(text.length(), start + CHUNK))))
          .append("\",\n");
    }
    out.append("  };\n\n  private ").append(className).append("() {}\n}\n");
    return out.toString();
  }

  private static String javaString(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20) {
        // octal, not a unicode escape: javac reads those before it reads the literal
        out.append(String.format("\\%03o", (int) c));
      } else if (c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The model text of {@code type} and every class its tree reaches. */
  static String text(Class<?> type) {
    Set<Class<?>> done = new LinkedHashSet<>();
    Deque<Class<?>> todo = new ArrayDeque<>(List.of(type));
    StringBuilder out = new StringBuilder();
    while (!todo.isEmpty()) {
      Class<?> next = todo.pop();
      for (Class<?> c = next; c != null && c != Object.class; c = c.getSuperclass()) {
        if (done.add(c)) {
          writeType(c, out, todo);
        }
      }
    }
    return out.toString();
  }

  private static void writeType(Class<?> type, StringBuilder out, Deque<Class<?>> todo) {
    line(out, "type", type.getName());
    Command command = type.getAnnotation(Command.class);
    if (command != null) {
      check(command.scope() != CommandLine.ScopeType.INHERIT, type, "@Command(scope = INHERIT)");
      check(
          command.modelTransformer().getName().equals("picocli.CommandLine$NoOpModelTransformer"),
          type,
          "a model transformer");
      check(noSpecFields(command.versionProvider()), type, "a version provider with @Spec");
      writeAnnotation(command, out);
      todo.addAll(Arrays.asList(command.subcommands()));
      if (command.mixinStandardHelpOptions()) {
        todo.add(forName(AUTO_HELP_MIXIN));
      }
    }
    for (Field field : type.getDeclaredFields()) {
      if (annotated(field)) {
        line(out, "field", field.getName(), field.getType().getName());
        writeMember(field, out);
        if (field.isAnnotationPresent(Mixin.class)) {
          todo.add(field.getType());
        }
      }
    }
    for (Method method : type.getDeclaredMethods()) {
      check(!method.isAnnotationPresent(Command.class), type, "a @Command method");
      if (annotated(method)) {
        check(method.getParameterCount() == 1, type, "an annotated getter " + method.getName());
        line(out, "method", method.getName(), method.getParameterTypes()[0].getName());
        writeMember(method, out);
        check(!method.isAnnotationPresent(Mixin.class), type, "a @Mixin method");
      }
    }
  }

  private static boolean annotated(AnnotatedElement member) {
    for (Class<? extends Annotation> annotation : MEMBER_ANNOTATIONS) {
      if (member.isAnnotationPresent(annotation)) {
        return true;
      }
    }
    return false;
  }

  private static void writeMember(AnnotatedElement member, StringBuilder out) {
    check(
        !member.isAnnotationPresent(ArgGroup.class) && !member.isAnnotationPresent(Unmatched.class),
        member,
        "@ArgGroup or @Unmatched");
    for (Class<? extends Annotation> type : MEMBER_ANNOTATIONS) {
      Annotation annotation = member.getAnnotation(type);
      if (annotation != null) {
        writeAnnotation(annotation, out);
      }
    }
  }

  /** Every attribute, default or not: reading needs no knowledge of picocli's defaults. */
  private static void writeAnnotation(Annotation annotation, StringBuilder out) {
    line(out, "@" + annotation.annotationType().getSimpleName());
    Method[] attributes = annotation.annotationType().getDeclaredMethods();
    Arrays.sort(attributes, Comparator.comparing(Method::getName));
    for (Method attribute : attributes) {
      List<String> tokens = new ArrayList<>();
      tokens.add("=" + attribute.getName());
      Object value = invoke(attribute, annotation);
      if (value.getClass().isArray()) {
        for (int i = 0; i < Array.getLength(value); i++) {
          tokens.add(token(Array.get(value, i)));
        }
      } else {
        tokens.add(token(value));
      }
      line(out, tokens.toArray(new String[0]));
    }
  }

  private static String token(Object value) {
    if (value instanceof Class<?> type) {
      return type.getName();
    }
    if (value instanceof Enum<?> constant) {
      return constant.name();
    }
    return String.valueOf(value);
  }

  private static void line(StringBuilder out, String... tokens) {
    for (int i = 0; i < tokens.length; i++) {
      if (i > 0) {
        out.append('\t');
      }
      // the first token is a keyword or "=attribute": escaped like the rest, never with a tab
      out.append(ModelFile.escape(tokens[i]));
    }
    out.append('\n');
  }

  private static boolean noSpecFields(Class<?> provider) {
    for (Field field : provider.getDeclaredFields()) {
      if (field.isAnnotationPresent(Spec.class)) {
        return false;
      }
    }
    return true;
  }

  private static Object invoke(Method attribute, Annotation annotation) {
    try {
      return attribute.invoke(annotation);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + attribute + " of " + annotation, e);
    }
  }

  private static Class<?> forName(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(name + " is not in this picocli", e);
    }
  }

  private static void check(boolean supported, Object where, String feature) {
    if (!supported) {
      throw new IllegalStateException(
          where
              + " uses "
              + feature
              + ", which the build-time command model (dev.kldload.cli.model) does not build;"
              + " extend CommandModels and ModelWriter");
    }
  }
}
