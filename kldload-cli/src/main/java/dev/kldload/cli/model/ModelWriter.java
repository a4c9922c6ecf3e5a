package dev.kldload.cli.model;

import java.io.IOException;
import java.io.Writer;
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
import java.util.Set;
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
 * Writes, at build time, the file {@link CommandModels} builds a command's model from: every class
 * of the command's tree with its picocli annotations, read by reflection. Run by the build after
 * compiling ({@code process-classes}), so the file always matches the classes it ships with. Fails
 * on a picocli feature {@link CommandModels} does not build, rather than write a model that differs
 * from picocli's.
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

  private ModelWriter() {}

  /** Writes the model file of {@code type}, the command named {@code name}, under {@code root}. */
  public static void write(Path root, String name, Class<?> type) throws IOException {
    Path file = root.resolve(ModelFile.resource(name).substring(1));
    Files.createDirectories(file.getParent());
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(text(type));
    }
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
