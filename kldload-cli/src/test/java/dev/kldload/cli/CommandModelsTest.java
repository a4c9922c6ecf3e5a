package dev.kldload.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kldload.cli.model.CommandModels;
import dev.kldload.cli.support.CommandFactory;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IAnnotatedElement;
import picocli.CommandLine.Model.ITypeInfo;
import picocli.CommandLine.Model.ParserSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Range;

/**
 * The model built from the build's file ({@link CommandModels}) is picocli's own, attribute for
 * attribute: for the root and every tool with all their subcommands, a dump of everything picocli's
 * model exposes (each public no-argument method of the command, usage, parser, option, parameter
 * and type specs) and the help text of every command are the same as reflection's.
 */
class CommandModelsTest {
  /** Back-references and live objects: the dump follows the tree downwards only. */
  private static final Set<String> SKIPPED =
      Set.of(
          "hashCode",
          "toString",
          "getClass",
          "commandLine",
          "parent",
          "root",
          "command",
          "group",
          "getter",
          "setter",
          "scope",
          "messages",
          "resourceBundle",
          "argGroups",
          "unmatchedArgsBindings",
          "getAuxiliaryTypeInfos");

  static Stream<Arguments> commands() {
    List<Arguments> commands = new ArrayList<>();
    commands.add(Arguments.of(Main.ROOT, KldloadCommand.class));
    for (Tools.Tool tool : Tools.ALL) {
      commands.add(Arguments.of(tool.name(), tool.type()));
    }
    return commands.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  @DisplayName("the build-time model is attribute for attribute and in its help picocli's own")
  void sameAsReflection(String name, Class<?> type) {
    CommandLine reflected = new CommandLine(type, new CommandFactory(CliHarness.harness().cli()));
    CommandFactory factory = new CommandFactory(CliHarness.harness().cli());
    Object model = CommandModels.command(name, type, factory);
    assertThat(model).as("the build wrote a model file of " + name).isInstanceOf(CommandSpec.class);
    CommandLine built = new CommandLine(model, factory);

    assertEquals(dump(reflected.getCommandSpec()), dump(built.getCommandSpec()));
    assertEquals(help(reflected), help(built));
  }

  /** The usage help of a command and of every command under it. */
  private static String help(CommandLine commandLine) {
    StringBuilder out = new StringBuilder(commandLine.getUsageMessage(Ansi.OFF));
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      out.append(help(sub));
    }
    return out.toString();
  }

  private static String dump(CommandSpec spec) {
    StringBuilder out = new StringBuilder();
    dump(spec, "", out, new IdentityHashMap<>());
    return out.toString();
  }

  private static void dump(
      Object value, String indent, StringBuilder out, Map<Object, Boolean> seen) {
    if (!isModel(value)) {
      out.append(leaf(value)).append('\n');
      return;
    }
    if (seen.put(value, Boolean.TRUE) != null) {
      out.append("(seen ").append(value.getClass().getSimpleName()).append(")\n");
      return;
    }
    out.append(api(value).getSimpleName()).append('\n');
    for (Method method : methods(value)) {
      out.append(indent).append("  ").append(method.getName()).append(": ");
      Object result;
      try {
        result = method.invoke(value);
      } catch (InvocationTargetException e) {
        out.append("throws ").append(e.getCause().getClass().getName()).append('\n');
        continue;
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
      if (method.getName().equals("userObject")) {
        out.append(userObject(result)).append('\n');
      } else if (result instanceof Map<?, ?> map) {
        out.append("map of ").append(map.size()).append('\n');
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          out.append(indent).append("    ").append(leaf(entry.getKey())).append(" = ");
          dump(element(entry.getValue()), indent + "      ", out, seen);
        }
      } else if (result instanceof Iterable<?> items) {
        out.append("list\n");
        for (Object item : items) {
          out.append(indent).append("    - ");
          dump(element(item), indent + "      ", out, seen);
        }
      } else {
        dump(result, indent + "  ", out, seen);
      }
    }
  }

  /** A subcommand's {@link CommandLine} stands for its spec. */
  private static Object element(Object value) {
    return value instanceof CommandLine commandLine ? commandLine.getCommandSpec() : value;
  }

  private static boolean isModel(Object value) {
    return value instanceof CommandSpec
        || value instanceof UsageMessageSpec
        || value instanceof ParserSpec
        || value instanceof ArgSpec
        || value instanceof ITypeInfo
        || value instanceof IAnnotatedElement;
  }

  /** Public no-argument methods: of the interface for elements and types, else of the class. */
  private static List<Method> methods(Object value) {
    return Arrays.stream(api(value).getMethods())
        .filter(m -> m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()))
        .filter(m -> m.getReturnType() != void.class && !SKIPPED.contains(m.getName()))
        .sorted(Comparator.comparing(Method::getName))
        .toList();
  }

  private static Class<?> api(Object value) {
    return value instanceof IAnnotatedElement
        ? IAnnotatedElement.class
        : value instanceof ITypeInfo ? ITypeInfo.class : value.getClass();
  }

  private static String userObject(Object value) {
    if (value == null || value instanceof AccessibleObject) {
      return String.valueOf(value);
    }
    return value.getClass().getName();
  }

  private static String leaf(Object value) {
    if (value == null) {
      return "null";
    }
    if (value.getClass().isArray()) {
      List<String> items = new ArrayList<>();
      for (int i = 0; i < Array.getLength(value); i++) {
        items.add(leaf(Array.get(value, i)));
      }
      return items.toString();
    }
    if (value instanceof Range range) {
      return range + (range.isUnspecified() ? " (unspecified)" : "");
    }
    if (value instanceof Class<?> type) {
      return type.getName();
    }
    if (value instanceof String
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof Character
        || value instanceof Enum<?>) {
      return String.valueOf(value);
    }
    // converters, providers, renderers: the same class, not the same instance
    String name = value.getClass().getName();
    return name.contains("$$Lambda") ? name.substring(0, name.indexOf("$$Lambda")) : name;
  }
}
